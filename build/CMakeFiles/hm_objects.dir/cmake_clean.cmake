file(REMOVE_RECURSE
  "CMakeFiles/hm_objects.dir/src/model/constants.c.o"
  "CMakeFiles/hm_objects.dir/src/model/constants.c.o.d"
  "CMakeFiles/hm_objects.dir/src/model/init.c.o"
  "CMakeFiles/hm_objects.dir/src/model/init.c.o.d"
  "CMakeFiles/hm_objects.dir/src/model/log.c.o"
  "CMakeFiles/hm_objects.dir/src/model/log.c.o.d"
  "CMakeFiles/hm_objects.dir/src/model/model.c.o"
  "CMakeFiles/hm_objects.dir/src/model/model.c.o.d"
  "CMakeFiles/hm_objects.dir/src/model/obj.c.o"
  "CMakeFiles/hm_objects.dir/src/model/obj.c.o.d"
  "CMakeFiles/hm_objects.dir/src/model/platform.c.o"
  "CMakeFiles/hm_objects.dir/src/model/platform.c.o.d"
  "CMakeFiles/hm_objects.dir/src/model/refine.c.o"
  "CMakeFiles/hm_objects.dir/src/model/refine.c.o.d"
  "CMakeFiles/hm_objects.dir/src/model/types.c.o"
  "CMakeFiles/hm_objects.dir/src/model/types.c.o.d"
  "CMakeFiles/hm_objects.dir/src/model/vtype.c.o"
  "CMakeFiles/hm_objects.dir/src/model/vtype.c.o.d"
  "CMakeFiles/hm_objects.dir/src/model/zmap.c.o"
  "CMakeFiles/hm_objects.dir/src/model/zmap.c.o.d"
  "CMakeFiles/hm_objects.dir/src/ops/ops_table.c.o"
  "CMakeFiles/hm_objects.dir/src/ops/ops_table.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/hm_objects.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
