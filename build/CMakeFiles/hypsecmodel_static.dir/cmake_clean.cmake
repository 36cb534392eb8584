file(REMOVE_RECURSE
  "libhypsecmodel.a"
  "libhypsecmodel.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/hypsecmodel_static.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
