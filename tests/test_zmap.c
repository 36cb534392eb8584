/* ZMap semantics (RData.md's ZMap.t): defaults, persistence, canonical
 * equality, diffs, and a randomized comparison against a plain table. */
#include "hm_test.h"

#include <glib.h>
#include <string.h>

static void test_absent_key_reads_default(void **state)
{
	(void)state;
	hm_map *m = hm_map_new_z(7);
	assert_z_equal(hm_map_get_z(m, 0), 7);
	assert_z_equal(hm_map_get_z(m, -1), 7);
	assert_z_equal(hm_map_get_z(m, INVALID64), 7);
	assert_int_equal(hm_map_count(m), 0);
}

static void test_set_is_persistent(void **state)
{
	(void)state;
	hm_map *a = hm_map_new_z(0);
	hm_map *b = hm_map_set_z(a, 0x40001, 5);
	hm_map *c = hm_map_set_z(b, 0x40001, 6);
	assert_z_equal(hm_map_get_z(a, 0x40001), 0);
	assert_z_equal(hm_map_get_z(b, 0x40001), 5);
	assert_z_equal(hm_map_get_z(c, 0x40001), 6);
	assert_int_equal(hm_map_count(b), 1);
	assert_int_equal(hm_map_count(c), 1);
}

static void test_setting_same_value_keeps_map(void **state)
{
	(void)state;
	hm_map *a = hm_map_set_z(hm_map_new_z(0), 3, 9);
	assert_ptr_equal(hm_map_set_z(a, 3, 9), a);
	/* writing the default where there is no entry changes nothing */
	assert_ptr_equal(hm_map_set_z(a, 4, 0), a);
}

static void test_setting_default_removes_entry(void **state)
{
	(void)state;
	hm_map *empty = hm_map_new_z(0);
	hm_map *a = hm_map_set_z(empty, 100, 1);
	hm_map *b = hm_map_set_z(a, 100, 0);
	assert_int_equal(hm_map_count(b), 0);
	assert_true(hm_map_equal(b, empty));
	assert_false(hm_map_equal(a, empty));
}

static void test_wide_and_negative_keys(void **state)
{
	(void)state;
	hm_map *m = hm_map_new_z(0);
	m = hm_map_set_z(m, INVALID64, 1);
	m = hm_map_set_z(m, -1, 2);
	m = hm_map_set_z(m, (hm_z)1 << 40, 3);
	m = hm_map_set_z(m, 0, 4);
	assert_z_equal(hm_map_get_z(m, INVALID64), 1);
	assert_z_equal(hm_map_get_z(m, -1), 2);
	assert_z_equal(hm_map_get_z(m, (hm_z)1 << 40), 3);
	assert_z_equal(hm_map_get_z(m, 0), 4);
	assert_z_equal(hm_map_get_z(m, INVALID64 - 1), 0);
	assert_z_equal(hm_map_get_z(m, -2), 0);
	assert_int_equal(hm_map_count(m), 4);
}

static bool collect(hm_z key, const void *val, void *ctx)
{
	GArray *a = ctx;
	g_array_append_val(a, key);
	(void)val;
	return true;
}

static void test_foreach_order(void **state)
{
	(void)state;
	hm_map *m = hm_map_new_z(0);
	hm_z keys[] = {-5, 1 << 20, 3, INVALID64, 0x40001, -1};
	for (size_t i = 0; i < 6; i++)
		m = hm_map_set_z(m, keys[i], 1);
	GArray *a = g_array_new(FALSE, FALSE, sizeof(hm_z));
	hm_map_foreach(m, collect, a);
	/* non-negative ascending, then negative ascending */
	hm_z expect[] = {3, 0x40001, 1 << 20, INVALID64, -5, -1};
	assert_int_equal(a->len, 6);
	for (size_t i = 0; i < 6; i++)
		assert_z_equal(g_array_index(a, hm_z, i), expect[i]);
	g_array_free(a, TRUE);
}

static void test_equality_ignores_history(void **state)
{
	(void)state;
	/* a map that grew tall for a big key and lost it equals one that
	 * never had it */
	hm_map *a = hm_map_set_z(hm_map_new_z(0), 5, 1);
	hm_map *tall = hm_map_set_z(a, INVALID64, 2);
	hm_map *back = hm_map_set_z(tall, INVALID64, 0);
	assert_true(hm_map_equal(a, back));
	assert_true(hm_map_equal(back, a));
	hm_map *other = hm_map_set_z(back, 6, 1);
	assert_false(hm_map_equal(a, other));
	/* same entries, different defaults: different maps */
	assert_false(hm_map_equal(hm_map_new_z(0), hm_map_new_z(1)));
}

typedef struct diff_rec {
	hm_z keys[16];
	hm_z va[16], vb[16];
	int n;
} diff_rec;

static void record_diff(hm_z key, const void *va, const void *vb, void *ctx)
{
	diff_rec *d = ctx;
	d->keys[d->n] = key;
	d->va[d->n] = *(const hm_z *)va;
	d->vb[d->n] = *(const hm_z *)vb;
	d->n++;
}

/* For maps whose values are not numbers: the keys only. */
static void record_diff_key(hm_z key, const void *va, const void *vb, void *ctx)
{
	(void)va;
	(void)vb;
	diff_rec *d = ctx;
	d->keys[d->n++] = key;
}

static void test_diff_lists_changed_keys(void **state)
{
	(void)state;
	hm_map *a = hm_map_new_z(0);
	a = hm_map_set_z(a, 1, 10);
	a = hm_map_set_z(a, 2, 20);
	hm_map *b = hm_map_set_z(a, 2, 21);
	b = hm_map_set_z(b, 1, 0);
	b = hm_map_set_z(b, INVALID64, 5); /* b grows taller than a */
	diff_rec d = {0};
	hm_map_diff(a, b, record_diff, &d);
	assert_int_equal(d.n, 3);
	assert_z_equal(d.keys[0], 1);
	assert_z_equal(d.va[0], 10);
	assert_z_equal(d.vb[0], 0);
	assert_z_equal(d.keys[1], 2);
	assert_z_equal(d.va[1], 20);
	assert_z_equal(d.vb[1], 21);
	assert_z_equal(d.keys[2], INVALID64);
	assert_z_equal(d.va[2], 0);
	assert_z_equal(d.vb[2], 5);
	diff_rec none = {0};
	hm_map_diff(b, b, record_diff, &none);
	assert_int_equal(none.n, 0);
}

/* Maps whose values are references (ZMap (ZMap bool)): hm_map_set tells
 * "the value already there" by identity, the default by structure. */
static void test_reference_values_on_set(void **state)
{
	(void)state;
	hm_map *dflt = hm_map_new_bool(false);
	hm_map *m = hm_map_new(&hm_t_map_map_bool, &dflt);
	/* another empty map: equal to the default, so no entry is made */
	hm_map *other_empty = hm_map_new_bool(false);
	assert_ptr_equal(hm_map_set_ptr(m, 5, other_empty), m);
	assert_int_equal(hm_map_count(m), 0);

	hm_map *x = hm_map_set_bool(hm_map_new_bool(false), 1, true);
	hm_map *x_copy = hm_map_set_bool(hm_map_new_bool(false), 1, true);
	hm_map *a = hm_map_set_ptr(m, 5, x);
	assert_int_equal(hm_map_count(a), 1);
	assert_ptr_equal(hm_map_set_ptr(a, 5, x), a);
	/* an equal copy is stored (a new map, equal to the old one) */
	hm_map *b = hm_map_set_ptr(a, 5, x_copy);
	assert_ptr_not_equal(b, a);
	assert_ptr_equal(hm_map_get_map(b, 5), x_copy);
	assert_true(hm_map_equal(a, b));
	assert_int_equal(hm_map_count(b), 1);
	/* setting an equal copy of the default removes the entry */
	hm_map *c = hm_map_set_ptr(b, 5, other_empty);
	assert_int_equal(hm_map_count(c), 0);
	assert_true(hm_map_equal(c, m));
}

static void test_shallow_diff_reports_replaced_references(void **state)
{
	(void)state;
	hm_map *dflt = hm_map_new_bool(false);
	hm_map *m = hm_map_new(&hm_t_map_map_bool, &dflt);
	hm_map *x = hm_map_set_bool(hm_map_new_bool(false), 1, true);
	hm_map *x_copy = hm_map_set_bool(hm_map_new_bool(false), 1, true);
	hm_map *y = hm_map_set_bool(hm_map_new_bool(false), 2, true);
	hm_map *a = hm_map_set_ptr(hm_map_set_ptr(m, 1, x), 2, x);
	hm_map *b = hm_map_set_ptr(hm_map_set_ptr(a, 1, x_copy), 3, y);
	diff_rec deep = {0}, shallow = {0};
	hm_map_diff(a, b, record_diff_key, &deep);
	hm_map_diff_shallow(a, b, record_diff_key, &shallow);
	/* structurally only key 3 differs; by identity keys 1 and 3 */
	assert_int_equal(deep.n, 1);
	assert_z_equal(deep.keys[0], 3);
	assert_int_equal(shallow.n, 2);
	assert_z_equal(shallow.keys[0], 1);
	assert_z_equal(shallow.keys[1], 3);
	diff_rec none = {0};
	hm_map_diff_shallow(b, b, record_diff_key, &none);
	assert_int_equal(none.n, 0);

	/* on maps of Z the two diffs agree */
	hm_map *p = hm_map_set_z(hm_map_set_z(hm_map_new_z(0), 1, 10), 2, 20);
	hm_map *q = hm_map_set_z(hm_map_set_z(p, 2, 21), 1, 0);
	diff_rec dz = {0};
	hm_map_diff_shallow(p, q, record_diff, &dz);
	assert_int_equal(dz.n, 2);
	assert_z_equal(dz.keys[0], 1);
	assert_z_equal(dz.va[0], 10);
	assert_z_equal(dz.vb[0], 0);
	assert_z_equal(dz.keys[1], 2);
	assert_z_equal(dz.vb[1], 21);
}

static void test_with_default(void **state)
{
	(void)state;
	hm_map *a = hm_map_set_z(hm_map_set_z(hm_map_new_z(0), 1, 5), 2, 7);
	hm_map *b = hm_map_with_default(a, &(hm_z){5});
	assert_z_equal(hm_map_get_z(b, 1), 5);
	assert_z_equal(hm_map_get_z(b, 2), 7);
	assert_z_equal(hm_map_get_z(b, 3), 5);
	assert_int_equal(hm_map_count(b), 1); /* key 1 now equals the default */
}

static void test_s2page_elements(void **state)
{
	(void)state;
	hm_s2page inv = {INVALID, 0, INVALID64};
	hm_map *m = hm_map_new(&hm_t_map_s2page, &inv);
	hm_s2page p = {1, 2, 0x80000};
	m = hm_map_set(m, 0x40001, &p);
	const hm_s2page *got = s2page_at(m, 0x40001);
	assert_z_equal(got->s2_owner, 1);
	assert_z_equal(got->s2_count, 2);
	assert_z_equal(got->s2_gfn, 0x80000);
	assert_z_equal(s2page_at(m, 0x40002)->s2_owner, INVALID);
}

/* A type marked bytewise is compared with memcmp: that is exact only when
 * every field is a Z and the fields fill the value without padding. */
static void test_bytewise_types_are_all_z(void **state)
{
	(void)state;
	const hm_vtype *types[] = {&hm_t_memblock,  &hm_t_core_data, &hm_t_s2page,
				   &hm_t_ctxt_regs, &hm_t_trap_regs, &hm_t_ctxt_states};
	for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
		const hm_vtype *t = types[i];
		assert_true(t->bytewise);
		assert_int_equal(t->size, t->nfields * sizeof(hm_z));
		for (unsigned f = 0; f < t->nfields; f++) {
			assert_ptr_equal(t->fields[f].type, &hm_t_z);
			assert_int_equal(t->fields[f].offset, f * sizeof(hm_z));
		}
	}
	assert_false(hm_t_boot_info.bytewise);
	assert_false(hm_t_state_info.bytewise);
	/* each field of an S2Page counts, including the high half of a Z */
	hm_s2page a = {1, 2, 3};
	for (int f = 0; f < 3; f++) {
		hm_s2page b = a;
		char *field = (char *)&b + hm_t_s2page.fields[f].offset;
		hm_z v;
		memcpy(&v, field, sizeof v);
		hm_z high = v + ((hm_z)1 << 100);
		memcpy(field, &high, sizeof high);
		assert_false(hm_val_equal(&hm_t_s2page, &a, &b));
		memcpy(field, &v, sizeof v);
		assert_true(hm_val_equal(&hm_t_s2page, &a, &b));
	}
}

static void test_nested_bool_maps(void **state)
{
	(void)state;
	const hm_npt *npt = hm_npt_empty();
	assert_false(hm_map2_get_bool(npt->pud_t, 3, 4));
	hm_map *pud = hm_map2_set_bool(npt->pud_t, 3, 4, true);
	assert_true(hm_map2_get_bool(pud, 3, 4));
	assert_false(hm_map2_get_bool(pud, 3, 5));
	assert_false(hm_map2_get_bool(pud, 4, 4));
	hm_map *pmd = hm_map3_set_bool(npt->pmd_t, 1, 2, 3, true);
	assert_true(hm_map3_get_bool(pmd, 1, 2, 3));
	assert_false(hm_map3_get_bool(pmd, 1, 2, 4));
	/* setting back to false gives a map equal to the empty one */
	assert_true(hm_map_equal(hm_map3_set_bool(pmd, 1, 2, 3, false), npt->pmd_t));
	/* setting the value already there, at a key with entries beside it
	 * or at an absent one, gives back the map itself */
	hm_map *pmd2 = hm_map3_set_bool(pmd, 1, 2, 7, true);
	assert_true(hm_map3_get_bool(pmd2, 1, 2, 7) && hm_map3_get_bool(pmd2, 1, 2, 3));
	assert_ptr_equal(hm_map3_set_bool(pmd2, 1, 2, 7, true), pmd2);
	assert_ptr_equal(hm_map3_set_bool(pmd2, 1, 9, 7, false), pmd2);
	assert_ptr_equal(hm_map2_set_bool(pud, 3, 4, true), pud);
	assert_ptr_equal(hm_map2_set_bool(pud, 8, 4, false), pud);
	/* and a different value at an entry with a sibling keeps the sibling */
	hm_map *pmd3 = hm_map3_set_bool(pmd2, 1, 2, 7, false);
	assert_false(hm_map3_get_bool(pmd3, 1, 2, 7));
	assert_true(hm_map3_get_bool(pmd3, 1, 2, 3));
	assert_true(hm_map_equal(pmd3, pmd));
}

/* hm_map_set_all is n successive sets: checked against hm_map_set on
 * batches of up to five keys (repeats, defaults that remove, keys beyond
 * the root's reach, keys in and out of the same node), and the map it
 * started from never changes. */
static void test_set_all_is_successive_sets(void **state)
{
	(void)state;
	GRand *rng = g_rand_new_with_seed(7);
	hm_map *m = hm_retain(hm_map_new_z(0));
	for (int round = 0; round < 3000; round++) {
		hm_pool *p = hm_pool_push();
		hm_z keys[5];
		hm_z vals[5];
		const void *vp[5];
		size_t n = (size_t)g_rand_int_range(rng, 1, 6);
		for (size_t i = 0; i < n; i++) {
			switch (g_rand_int_range(rng, 0, 4)) {
			case 0:
				keys[i] = g_rand_int_range(rng, 0, 40);
				break;
			case 1:
				keys[i] = 0x40000 + g_rand_int_range(rng, 0, 2048);
				break;
			case 2:
				keys[i] = i > 0 ? keys[i - 1] : 3; /* a repeat */
				break;
			default:
				keys[i] = ((hm_z)g_rand_int(rng) << 40) | g_rand_int(rng);
			}
			vals[i] = g_rand_int_range(rng, 0, 4); /* 0: the default */
			vp[i] = &vals[i];
		}
		assert_ptr_equal(hm_map_set_all(m, 0, NULL, NULL), m);
		hm_z prior[5];
		for (size_t i = 0; i < n; i++)
			prior[i] = hm_map_get_z(m, keys[i]);
		size_t prior_count = hm_map_count(m);
		hm_map *expect = m;
		for (size_t i = 0; i < n; i++)
			expect = hm_map_set_z(expect, keys[i], vals[i]);
		hm_map *snapshot = hm_map_set_z(m, -5, 9); /* a sibling version */
		hm_map *got = hm_map_set_all(m, n, keys, vp);
		assert_true(hm_map_equal(got, expect));
		assert_int_equal(hm_map_count(got), hm_map_count(expect));
		/* neither the start nor its sibling saw the in-place writes */
		assert_z_equal(hm_map_get_z(snapshot, -5), 9);
		assert_z_equal(hm_map_get_z(m, -5), 0);
		for (size_t i = 0; i < n; i++)
			assert_z_equal(hm_map_get_z(m, keys[i]), prior[i]);
		assert_int_equal(hm_map_count(m), prior_count);
		hm_map *next = hm_retain(got);
		hm_pool_pop(p);
		hm_release(m);
		m = next;
	}
	hm_release(m);
	g_rand_free(rng);
}

/* With reference values, the in-place writes keep the reference counts
 * right: every log stays reachable from the maps that hold it, and
 * AddressSanitizer sees no leak or use after free. */
static void test_set_all_references(void **state)
{
	(void)state;
	const hm_mlog *nil = NULL;
	hm_map *pool = hm_map_new(&hm_t_map_mlog, &nil);
	hm_mlog *a = hm_mlog_cons(0, HM_MEV_REL_LOCK, 0, NULL, NULL);
	hm_mlog *b = hm_mlog_cons(1, HM_MEV_REL_LOCK, 0, NULL, a);
	hm_mlog *c = hm_mlog_cons(2, HM_MEV_REL_LOCK, 0, NULL, b);
	hm_map *one = hm_map_set_ptr(pool, 2, a);
	/* key 2 written twice within the batch, key 5 added, key 0 nil */
	const hm_z keys[4] = {2, 5, 2, 0};
	const hm_mlog *v[4] = {b, c, c, NULL};
	const void *vp[4] = {&v[0], &v[1], &v[2], &v[3]};
	hm_map *got = hm_map_set_all(one, 4, keys, vp);
	assert_ptr_equal(mlog_at(got, 2), c);
	assert_ptr_equal(mlog_at(got, 5), c);
	assert_null(mlog_at(got, 0));
	assert_int_equal(hm_map_count(got), 2);
	assert_ptr_equal(mlog_at(one, 2), a);
	assert_int_equal(hm_map_count(one), 1);
	/* the typed shortcuts are the same batches */
	assert_true(hm_map_equal(hm_map_set_ptr2(one, 2, c, 5, c), got));
	assert_true(hm_map_equal(hm_map_set_ptr3(pool, 5, c, 2, b, 2, c), got));
	hm_map *locks = hm_map_set_lock2(hm_map_new(&hm_t_map_lock, &(hm_lock_status){HM_LOCK_FALSE}),
					 2, HM_LOCK_OWN_TRUE, 5, HM_LOCK_OWN_TRUE);
	assert_int_equal(lock_at(locks, 2), HM_LOCK_OWN_TRUE);
	assert_int_equal(lock_at(locks, 5), HM_LOCK_OWN_TRUE);
	assert_int_equal(lock_at(locks, 3), HM_LOCK_FALSE);
}

/* A key from a mix of small, page-number-like and huge values (and
 * negative ones when asked). */
static int64_t random_key(GRand *rng, bool negative_too)
{
	switch (g_rand_int_range(rng, 0, negative_too ? 4 : 3)) {
	case 0:
		return g_rand_int_range(rng, 0, 64);
	case 1:
		return 0x40000 + g_rand_int_range(rng, 0, 4096);
	case 3:
		return -g_rand_int_range(rng, 1, 100);
	default:
		return (int64_t)(((uint64_t)g_rand_int(rng) << 32) | g_rand_int(rng));
	}
}

/* The reference table's side of map[k] = v, where v == 0 (the default)
 * removes the key. */
static void table_record(GHashTable *ref, int64_t k, int64_t v)
{
	if (v == 0) {
		g_hash_table_remove(ref, &k);
		return;
	}
	int64_t *kk = g_new(int64_t, 1), *vv = g_new(int64_t, 1);
	*kk = k;
	*vv = v;
	g_hash_table_replace(ref, kk, vv);
}

/* Random sets against a hash table: 20000 operations on keys drawn from
 * a mix of small, page-number-like and huge values. */
static void test_random_against_table(void **state)
{
	(void)state;
	GHashTable *ref = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
	hm_map *m = hm_retain(hm_map_new_z(0));
	GRand *rng = g_rand_new_with_seed(42);
	for (int i = 0; i < 20000; i++) {
		hm_pool *p = hm_pool_push();
		int64_t k = random_key(rng, false);
		int64_t v = g_rand_int_range(rng, 0, 4); /* 0 is the default: removes */
		hm_map *n = hm_retain(hm_map_set_z(m, k, v));
		hm_pool_pop(p);
		hm_release(m);
		m = n;
		table_record(ref, k, v);
	}
	assert_int_equal(hm_map_count(m), g_hash_table_size(ref));
	GHashTableIter it;
	gpointer key, val;
	g_hash_table_iter_init(&it, ref);
	while (g_hash_table_iter_next(&it, &key, &val))
		assert_z_equal(hm_map_get_z(m, *(int64_t *)key), *(int64_t *)val);
	hm_release(m);
	g_rand_free(rng);
	g_hash_table_destroy(ref);
}


/* A map of keys 0..1023: a root (level 1) over 32 full leaves. */
static hm_map *dense_1024(void)
{
	hm_pool *p = hm_pool_push();
	hm_map *m = hm_map_new_z(0);
	for (hm_z k = 0; k < 1024; k++)
		m = hm_map_set_z(m, k, 1);
	hm_map *kept = hm_retain(m);
	hm_pool_pop(p);
	return kept;
}

/* A path copy borrows its siblings from the node it copies: counted by
 * hand on a root over 32 leaves (docs/performance.md, sixth session). */
static void test_copy_borrows_siblings(void **state)
{
	(void)state;
	hm_map *m1 = dense_1024();
	/* the versions that built it are gone: m1 owns every child */
	assert_int_equal(hm_map_borrowed_slots(m1), 0);
	hm_pool *p = hm_pool_push();
	hm_map *m2 = hm_retain(hm_map_set_z(m1, 5, 2));   /* leaf 0 copied */
	hm_map *m3 = hm_retain(hm_map_set_z(m1, 40, 2));  /* a second copy of m1's root */
	hm_map *m4 = hm_retain(hm_map_set_z(m2, 100, 3)); /* leaf 3, a copy of m2's root */
	hm_pool_pop(p);
	/* m2's root owns its new leaf 0 and borrows the other 31 from m1's */
	assert_int_equal(hm_map_borrowed_slots(m2), 31);
	/* m1's root has a borrower already: m3 holds each child itself */
	assert_int_equal(hm_map_borrowed_slots(m3), 0);
	/* m4 owns leaf 3, borrows leaf 0 from m2 and the others from m2,
	 * which borrows them from m1 */
	assert_int_equal(hm_map_borrowed_slots(m4), 31);
	assert_int_equal(hm_map_borrowed_slots(m1), 0);
	assert_true(hm_map_sharing_ok(m1) && hm_map_sharing_ok(m2) && hm_map_sharing_ok(m3) &&
		    hm_map_sharing_ok(m4));

	/* m2 goes: m4 takes over m2's own leaf 0, and borrows the other 30
	 * from m1 now */
	hm_release(m2);
	assert_int_equal(hm_map_borrowed_slots(m4), 30);
	assert_true(hm_map_sharing_ok(m4) && hm_map_sharing_ok(m1));
	/* m1 goes: m4 takes over the rest */
	hm_release(m1);
	assert_int_equal(hm_map_borrowed_slots(m4), 0);
	assert_true(hm_map_sharing_ok(m4) && hm_map_sharing_ok(m3));

	assert_z_equal(hm_map_get_z(m4, 5), 2);
	assert_z_equal(hm_map_get_z(m4, 100), 3);
	assert_z_equal(hm_map_get_z(m4, 40), 1);
	assert_z_equal(hm_map_get_z(m4, 1023), 1);
	assert_z_equal(hm_map_get_z(m3, 40), 2);
	assert_z_equal(hm_map_get_z(m3, 5), 1);
	assert_z_equal(hm_map_get_z(m3, 100), 1);
	assert_int_equal(hm_map_count(m4), 1024);
	hm_release(m3);
	hm_release(m4);
}

#define VKEYS 2056 /* 2048 dense keys, then 8 beyond 2^40 */
#define VMAX 12

static hm_z version_key(int i) { return i < 2048 ? i : ((hm_z)1 << 40) + (i - 2048) * 977; }

typedef struct version {
	hm_map *map;
	hm_z vals[VKEYS];
} version;

static void check_version(const version *v)
{
	assert_true(hm_map_sharing_ok(v->map));
	size_t count = 0;
	for (int i = 0; i < VKEYS; i++) {
		assert_z_equal(hm_map_get_z(v->map, version_key(i)), v->vals[i]);
		count += v->vals[i] != 0;
	}
	assert_int_equal(hm_map_count(v->map), count);
}

static void drop_version(version **v)
{
	hm_release((*v)->map);
	g_free(*v);
	*v = NULL;
}

/* Versions derived from one another by sets, removals and batches, and
 * released in random order: every live version keeps its entries and
 * the sharing rules hold after every operation (AddressSanitizer checks
 * that nothing borrowed is freed early and nothing is left over). */
static void test_versions_released_in_any_order(void **state)
{
	(void)state;
	GRand *rng = g_rand_new_with_seed(2026);
	version *vs[VMAX] = {0};
	vs[0] = g_new0(version, 1);
	vs[0]->map = hm_retain(hm_map_new_z(0));
	int live = 1;
	for (int round = 0; round < 4000; round++) {
		int slot = g_rand_int_range(rng, 0, VMAX);
		if (vs[slot] && live > 1 && g_rand_int_range(rng, 0, 3) == 0) {
			drop_version(&vs[slot]);
			live--;
		} else {
			/* a version derived from a live one replaces what is in slot */
			int from = g_rand_int_range(rng, 0, VMAX);
			while (!vs[from])
				from = (from + 1) % VMAX;
			version *nv = g_new(version, 1);
			*nv = *vs[from];
			hm_pool *p = hm_pool_push();
			hm_z keys[5], vals[5];
			const void *vp[5];
			size_t n = (size_t)g_rand_int_range(rng, 1, 6);
			for (size_t i = 0; i < n; i++) {
				/* mostly dense keys, some beyond 2^40 */
				int ki = g_rand_int_range(rng, 0, 10) == 0 ? g_rand_int_range(rng, 2048, VKEYS)
									    : g_rand_int_range(rng, 0, 2048);
				keys[i] = version_key(ki);
				vals[i] = g_rand_int_range(rng, 0, 4); /* 0 removes */
				vp[i] = &vals[i];
				nv->vals[ki] = vals[i];
			}
			hm_map *next;
			if (n == 1)
				next = hm_map_set_z(vs[from]->map, keys[0], vals[0]);
			else
				next = hm_map_set_all(vs[from]->map, n, keys, vp);
			nv->map = hm_retain(next);
			hm_pool_pop(p);
			if (vs[slot])
				drop_version(&vs[slot]);
			else
				live++;
			vs[slot] = nv;
		}
		for (int i = 0; i < VMAX; i++)
			if (vs[i] && (round % 50 == 0 || i == slot))
				check_version(vs[i]);
			else if (vs[i])
				assert_true(hm_map_sharing_ok(vs[i]->map));
	}
	for (int i = 0; i < VMAX; i++)
		if (vs[i]) {
			check_version(vs[i]);
			drop_version(&vs[i]);
		}
	g_rand_free(rng);
}

static hm_s2page s2page_of(int64_t v)
{
	if (v == 0)
		return (hm_s2page){INVALID, 0, INVALID64}; /* the default */
	return (hm_s2page){v, 2 * v, 3 * v};
}

typedef struct ordered {
	hm_z last;
	size_t n;
	bool ascending;
} ordered;

static bool check_order(hm_z key, const void *val, void *ctx)
{
	(void)val;
	ordered *o = ctx;
	/* non-negative keys first, then negative ones, each ascending */
	if (o->n > 0 && !((o->last >= 0) == (key >= 0) ? key > o->last : key < 0))
		o->ascending = false;
	o->last = key;
	o->n++;
	return true;
}

typedef struct diff_check {
	const hm_map *a, *b;
	size_t n;
} diff_check;

/* Counts a diff's reports, each checked against the two maps: the key
 * holds those values there, and they differ. */
static void count_diff(hm_z key, const void *va, const void *vb, void *ctx)
{
	diff_check *d = ctx;
	assert_true(hm_val_equal(&hm_t_s2page, va, hm_map_get(d->a, key)));
	assert_true(hm_val_equal(&hm_t_s2page, vb, hm_map_get(d->b, key)));
	assert_false(hm_val_equal(&hm_t_s2page, va, vb));
	d->n++;
}

typedef struct removed_since {
	const hm_map *now;
	size_t n;
} removed_since;

/* Counts the keys of a map that `now` holds no entry for. */
static bool count_removed(hm_z key, const void *val, void *ctx)
{
	(void)val;
	removed_since *r = ctx;
	if (hm_val_equal(&hm_t_s2page, hm_map_get(r->now, key), hm_map_default(r->now)))
		r->n++;
	return true;
}

/* A map of 48-byte records (S2Page): random sets and removals against a
 * table, over small, page-like, huge and negative keys; then reads,
 * count, order, and diffs whose every report is checked. */
static void test_large_values_against_table(void **state)
{
	(void)state;
	GHashTable *ref = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
	const hm_s2page inv = s2page_of(0);
	hm_map *m = hm_retain(hm_map_new(&hm_t_map_s2page, &inv));
	hm_map *half = NULL;
	GRand *rng = g_rand_new_with_seed(48);
	for (int i = 0; i < 20000; i++) {
		hm_pool *p = hm_pool_push();
		int64_t k = random_key(rng, true);
		int64_t v = g_rand_int_range(rng, 0, 4);
		hm_s2page val = s2page_of(v);
		hm_map *n = hm_retain(hm_map_set(m, k, &val));
		hm_pool_pop(p);
		hm_release(m);
		m = n;
		if (i == 10000)
			half = hm_retain(m);
		table_record(ref, k, v);
	}
	assert_true(hm_map_sharing_ok(m) && hm_map_sharing_ok(half));
	assert_int_equal(hm_map_count(m), g_hash_table_size(ref));
	GHashTableIter it;
	gpointer key, val;
	g_hash_table_iter_init(&it, ref);
	while (g_hash_table_iter_next(&it, &key, &val)) {
		hm_s2page want = s2page_of(*(int64_t *)val);
		assert_true(hm_val_equal(&hm_t_s2page, hm_map_get(m, *(int64_t *)key), &want));
	}
	ordered o = {0, 0, true};
	hm_map_foreach(m, check_order, &o);
	assert_true(o.ascending);
	assert_int_equal(o.n, hm_map_count(m));
	/* a diff against an empty map lists every entry, against itself none */
	hm_map *empty = hm_map_new(&hm_t_map_s2page, &inv);
	diff_check d = {empty, m, 0};
	hm_map_diff(empty, m, count_diff, &d);
	assert_int_equal(d.n, hm_map_count(m));
	d = (diff_check){m, empty, 0};
	hm_map_diff(m, empty, count_diff, &d);
	assert_int_equal(d.n, hm_map_count(m));
	d = (diff_check){m, m, 0};
	hm_map_diff(m, m, count_diff, &d);
	assert_int_equal(d.n, 0);
	/* and against the version of 10,000 sets ago, what the walk says */
	d = (diff_check){half, m, 0};
	hm_map_diff(half, m, count_diff, &d);
	size_t nd = d.n;
	size_t differing = 0;
	g_hash_table_iter_init(&it, ref);
	while (g_hash_table_iter_next(&it, &key, &val))
		differing += !hm_val_equal(&hm_t_s2page, hm_map_get(half, *(int64_t *)key),
					   hm_map_get(m, *(int64_t *)key));
	/* keys set in half but since removed from m */
	removed_since r = {m, 0};
	hm_map_foreach(half, count_removed, &r);
	differing += r.n;
	assert_int_equal(nd, differing);
	hm_release(half);
	hm_release(m);
	g_rand_free(rng);
	g_hash_table_destroy(ref);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_absent_key_reads_default),
		cmocka_unit_test(test_set_is_persistent),
		cmocka_unit_test(test_setting_same_value_keeps_map),
		cmocka_unit_test(test_setting_default_removes_entry),
		cmocka_unit_test(test_wide_and_negative_keys),
		cmocka_unit_test(test_foreach_order),
		cmocka_unit_test(test_equality_ignores_history),
		cmocka_unit_test(test_diff_lists_changed_keys),
		cmocka_unit_test(test_reference_values_on_set),
		cmocka_unit_test(test_shallow_diff_reports_replaced_references),
		cmocka_unit_test(test_with_default),
		cmocka_unit_test(test_s2page_elements),
		cmocka_unit_test(test_bytewise_types_are_all_z),
		cmocka_unit_test(test_nested_bool_maps),
		cmocka_unit_test(test_set_all_is_successive_sets),
		cmocka_unit_test(test_set_all_references),
		cmocka_unit_test(test_random_against_table),
		cmocka_unit_test(test_copy_borrows_siblings),
		cmocka_unit_test(test_versions_released_in_any_order),
		cmocka_unit_test(test_large_values_against_table),
	};
	return cmocka_run_group_tests(tests, t_pool_setup, t_pool_teardown);
}
