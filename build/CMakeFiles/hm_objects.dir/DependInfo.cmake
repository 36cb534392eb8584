
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/src/model/api_json.c" "CMakeFiles/hm_objects.dir/src/model/api_json.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/model/api_json.c.o.d"
  "/work/main/src/model/constants.c" "CMakeFiles/hm_objects.dir/src/model/constants.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/model/constants.c.o.d"
  "/work/main/src/model/init.c" "CMakeFiles/hm_objects.dir/src/model/init.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/model/init.c.o.d"
  "/work/main/src/model/json_codec.c" "CMakeFiles/hm_objects.dir/src/model/json_codec.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/model/json_codec.c.o.d"
  "/work/main/src/model/json_compare.c" "CMakeFiles/hm_objects.dir/src/model/json_compare.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/model/json_compare.c.o.d"
  "/work/main/src/model/json_value.c" "CMakeFiles/hm_objects.dir/src/model/json_value.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/model/json_value.c.o.d"
  "/work/main/src/model/log.c" "CMakeFiles/hm_objects.dir/src/model/log.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/model/log.c.o.d"
  "/work/main/src/model/log_json.c" "CMakeFiles/hm_objects.dir/src/model/log_json.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/model/log_json.c.o.d"
  "/work/main/src/model/model.c" "CMakeFiles/hm_objects.dir/src/model/model.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/model/model.c.o.d"
  "/work/main/src/model/obj.c" "CMakeFiles/hm_objects.dir/src/model/obj.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/model/obj.c.o.d"
  "/work/main/src/model/platform.c" "CMakeFiles/hm_objects.dir/src/model/platform.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/model/platform.c.o.d"
  "/work/main/src/model/rdata_cal.c" "CMakeFiles/hm_objects.dir/src/model/rdata_cal.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/model/rdata_cal.c.o.d"
  "/work/main/src/model/refine.c" "CMakeFiles/hm_objects.dir/src/model/refine.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/model/refine.c.o.d"
  "/work/main/src/model/types.c" "CMakeFiles/hm_objects.dir/src/model/types.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/model/types.c.o.d"
  "/work/main/src/model/vtype.c" "CMakeFiles/hm_objects.dir/src/model/vtype.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/model/vtype.c.o.d"
  "/work/main/src/model/zmap.c" "CMakeFiles/hm_objects.dir/src/model/zmap.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/model/zmap.c.o.d"
  "/work/main/src/ops/abstract_machine_spec.c" "CMakeFiles/hm_objects.dir/src/ops/abstract_machine_spec.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/ops/abstract_machine_spec.c.o.d"
  "/work/main/src/ops/abstract_machine_specx.c" "CMakeFiles/hm_objects.dir/src/ops/abstract_machine_specx.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/ops/abstract_machine_specx.c.o.d"
  "/work/main/src/ops/locks_spec.c" "CMakeFiles/hm_objects.dir/src/ops/locks_spec.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/ops/locks_spec.c.o.d"
  "/work/main/src/ops/mem_manager_spec.c" "CMakeFiles/hm_objects.dir/src/ops/mem_manager_spec.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/ops/mem_manager_spec.c.o.d"
  "/work/main/src/ops/mem_manager_spec0.c" "CMakeFiles/hm_objects.dir/src/ops/mem_manager_spec0.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/ops/mem_manager_spec0.c.o.d"
  "/work/main/src/ops/mmio_spt_ops_spec.c" "CMakeFiles/hm_objects.dir/src/ops/mmio_spt_ops_spec.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/ops/mmio_spt_ops_spec.c.o.d"
  "/work/main/src/ops/mmio_spt_walk_spec.c" "CMakeFiles/hm_objects.dir/src/ops/mmio_spt_walk_spec.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/ops/mmio_spt_walk_spec.c.o.d"
  "/work/main/src/ops/npt_ops_spec.c" "CMakeFiles/hm_objects.dir/src/ops/npt_ops_spec.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/ops/npt_ops_spec.c.o.d"
  "/work/main/src/ops/npt_walk_spec.c" "CMakeFiles/hm_objects.dir/src/ops/npt_walk_spec.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/ops/npt_walk_spec.c.o.d"
  "/work/main/src/ops/ops_table.c" "CMakeFiles/hm_objects.dir/src/ops/ops_table.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/ops/ops_table.c.o.d"
  "/work/main/src/ops/page_manager_spec.c" "CMakeFiles/hm_objects.dir/src/ops/page_manager_spec.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/ops/page_manager_spec.c.o.d"
  "/work/main/src/ops/trap_concurrent_mem.c" "CMakeFiles/hm_objects.dir/src/ops/trap_concurrent_mem.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/ops/trap_concurrent_mem.c.o.d"
  "/work/main/src/ops/trap_concurrent_oracle.c" "CMakeFiles/hm_objects.dir/src/ops/trap_concurrent_oracle.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/ops/trap_concurrent_oracle.c.o.d"
  "/work/main/src/ops/trap_concurrent_pt.c" "CMakeFiles/hm_objects.dir/src/ops/trap_concurrent_pt.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/ops/trap_concurrent_pt.c.o.d"
  "/work/main/src/ops/trap_concurrent_smmu.c" "CMakeFiles/hm_objects.dir/src/ops/trap_concurrent_smmu.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/ops/trap_concurrent_smmu.c.o.d"
  "/work/main/src/ops/trap_concurrent_vm.c" "CMakeFiles/hm_objects.dir/src/ops/trap_concurrent_vm.c.o" "gcc" "CMakeFiles/hm_objects.dir/src/ops/trap_concurrent_vm.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
