file(REMOVE_RECURSE
  "libhypsecmodel.pdb"
  "libhypsecmodel.so"
  "libhypsecmodel.so.0"
  "libhypsecmodel.so.0.1.0"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/hypsecmodel.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
