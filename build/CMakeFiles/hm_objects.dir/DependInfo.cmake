
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/src/model/constants.c" "CMakeFiles/hm_objects.dir/src/model/constants.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/model/constants.c.o.d"
  "/work/main/src/model/init.c" "CMakeFiles/hm_objects.dir/src/model/init.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/model/init.c.o.d"
  "/work/main/src/model/log.c" "CMakeFiles/hm_objects.dir/src/model/log.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/model/log.c.o.d"
  "/work/main/src/model/model.c" "CMakeFiles/hm_objects.dir/src/model/model.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/model/model.c.o.d"
  "/work/main/src/model/obj.c" "CMakeFiles/hm_objects.dir/src/model/obj.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/model/obj.c.o.d"
  "/work/main/src/model/platform.c" "CMakeFiles/hm_objects.dir/src/model/platform.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/model/platform.c.o.d"
  "/work/main/src/model/refine.c" "CMakeFiles/hm_objects.dir/src/model/refine.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/model/refine.c.o.d"
  "/work/main/src/model/types.c" "CMakeFiles/hm_objects.dir/src/model/types.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/model/types.c.o.d"
  "/work/main/src/model/vtype.c" "CMakeFiles/hm_objects.dir/src/model/vtype.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/model/vtype.c.o.d"
  "/work/main/src/model/zmap.c" "CMakeFiles/hm_objects.dir/src/model/zmap.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/model/zmap.c.o.d"
  "/work/main/src/ops/ops_table.c" "CMakeFiles/hm_objects.dir/src/ops/ops_table.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/ops/ops_table.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
