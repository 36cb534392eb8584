/* Helpers shared by the CMocka tests. */
#ifndef HM_TEST_H
#define HM_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "constants.h"
#include "model.h"
#include "rdata_cal.h"
#include "spec.h"
#include "state.h"

/* RAM of the test states: 16 MiB at 0x40000000 (pfns 0x40000..0x40fff). */
#define T_RAM_BASE ((hm_z)0x40000000)
#define T_RAM_SIZE ((hm_z)0x1000000)

/* cmocka group setup/teardown: a pool around each test. */
int t_pool_setup(void **state);
int t_pool_teardown(void **state);

/* The initial state of CPU `cpu` of a 1-CPU model over T_RAM (autoreleased,
 * oracles of a live model kept in a static so they answer). */
const hm_rdata *t_initial(void);
/* A model with `cpus` CPUs over T_RAM (free with hm_model_free). */
hm_model *t_model(int cpus);

/* Small state builders (autoreleased): return st with the change. */
hm_rdata *t_with_page(const hm_rdata *st, hm_z pfn, hm_z owner, hm_z count, hm_z gfn);
hm_rdata *t_with_halt(const hm_rdata *st, bool halt);
hm_rdata *t_with_lock(const hm_rdata *st, hm_z id, hm_lock_status s);
hm_rdata *t_with_log(const hm_rdata *st, hm_z id, const hm_mlog *l);

/* Asserts that two states are equal in every field; prints the diff. */
void t_assert_state_equal(const hm_rdata *a, const hm_rdata *b);

#define assert_z_equal(a, b) assert_true((hm_z)(a) == (hm_z)(b))

#endif
