/* ZMap.t: a persistent sparse map from Z to values, with a default.
 *
 * Representation: a bitmap-compressed radix trie over the key's 128-bit
 * two's complement form, 32 children a node, nodes shared between map
 * versions and reference counted. Setting a key copies the path to it
 * (at most 6 nodes for a key below 2^30), so a step costs O(entries it
 * touches) whatever the size of the map, and a snapshot (a log event
 * carrying the map) is one more reference. A copied node borrows its
 * other children's references from the node it copies instead of
 * touching each child (zmap.c, struct node).
 *
 * Canonical form: the trie never holds an entry equal to the map's
 * default. Two maps with the same default are semantically equal exactly
 * when they hold the same entries, which a parallel walk decides while
 * skipping the subtrees they share; a diff between two versions of one
 * map costs what changed between them.
 */
#ifndef HM_ZMAP_H
#define HM_ZMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "vtype.h"

typedef struct hm_map hm_map;

/* ZMap.init dflt: a new empty map (autoreleased). The element type must
 * be a HM_K_MAP vtype whose elem says what the values are. */
hm_map *hm_map_new(const hm_vtype *map_type, const void *dflt);

/* free_obj hook of every map vtype. */
void hm_map_free_obj(void *obj);

const hm_vtype *hm_map_type(const hm_map *m);
const hm_vtype *hm_map_elem_type(const hm_map *m);
const void *hm_map_default(const hm_map *m);
size_t hm_map_count(const hm_map *m); /* entries other than the default */

/* ZMap.get: a pointer to the value stored for key, or to the default. */
const void *hm_map_get(const hm_map *m, hm_z key);

/* ZMap.set: the map with key set to *val (autoreleased). When the value
 * is what is there (for references: the same object), the same map is
 * returned; a reference equal to the stored one but another object is
 * stored, giving a new map equal to m. */
hm_map *hm_map_set(const hm_map *m, hm_z key, const void *val);

/* ((m # keys[0] == *vals[0]) # keys[1] == *vals[1]) ...: the same map as
 * n successive hm_map_set calls (autoreleased), without the maps between
 * them: after the first key, the copy it made is written in place. */
hm_map *hm_map_set_all(const hm_map *m, size_t n, const hm_z *keys, const void *const *vals);

/* The map with the same entries and another default (for decoding). */
hm_map *hm_map_with_default(const hm_map *m, const void *dflt);

bool hm_map_equal(const hm_map *a, const hm_map *b);

/* Calls fn for every entry in ascending key order (non-negative keys
 * first, then negative ones); stops when fn returns false. */
typedef bool (*hm_map_visit_fn)(hm_z key, const void *val, void *ctx);
bool hm_map_foreach(const hm_map *m, hm_map_visit_fn fn, void *ctx);

/* Calls fn(key, value in a, value in b) for every key whose values
 * differ (an absent key reads as that map's default). */
typedef void (*hm_map_diff_fn)(hm_z key, const void *va, const void *vb, void *ctx);
void hm_map_diff(const hm_map *a, const hm_map *b, hm_map_diff_fn fn, void *ctx);

/* Like hm_map_diff, but values are compared byte for byte as stored, so
 * references compare by identity: it reports every key whose entry was
 * replaced, even by an equal value. Cheaper: no structural comparison
 * of logs or records (the commit uses it to find the logs a step
 * extended). */
void hm_map_diff_shallow(const hm_map *a, const hm_map *b, hm_map_diff_fn fn, void *ctx);

/* Typed shortcuts for maps of Z and of bool. */
static inline hm_z hm_map_get_z(const hm_map *m, hm_z key)
{
	return *(const hm_z *)hm_map_get(m, key);
}
static inline bool hm_map_get_bool(const hm_map *m, hm_z key)
{
	return *(const bool *)hm_map_get(m, key);
}
static inline const hm_map *hm_map_get_map(const hm_map *m, hm_z key)
{
	return *(const hm_map *const *)hm_map_get(m, key);
}
static inline const void *hm_map_get_ptr(const hm_map *m, hm_z key)
{
	return *(void *const *)hm_map_get(m, key);
}
static inline hm_map *hm_map_set_z(const hm_map *m, hm_z key, hm_z v)
{
	return hm_map_set(m, key, &v);
}
static inline hm_map *hm_map_set_bool(const hm_map *m, hm_z key, bool v)
{
	return hm_map_set(m, key, &v);
}
static inline hm_map *hm_map_set_ptr(const hm_map *m, hm_z key, const void *p)
{
	return hm_map_set(m, key, &p);
}

static inline hm_map *hm_map_set_ptr2(const hm_map *m, hm_z k1, const void *p1, hm_z k2,
				      const void *p2)
{
	const hm_z keys[2] = {k1, k2};
	const void *const vals[2] = {&p1, &p2};
	return hm_map_set_all(m, 2, keys, vals);
}
static inline hm_map *hm_map_set_ptr3(const hm_map *m, hm_z k1, const void *p1, hm_z k2,
				      const void *p2, hm_z k3, const void *p3)
{
	const hm_z keys[3] = {k1, k2, k3};
	const void *const vals[3] = {&p1, &p2, &p3};
	return hm_map_set_all(m, 3, keys, vals);
}

/* For tests: whether every trie node m reaches, and the chain of nodes
 * each borrows from, keeps the rules of path copies that borrow their
 * siblings (zmap.c, struct node). */
bool hm_map_sharing_ok(const hm_map *m);
/* For tests: how many child slots of the nodes m reaches are borrowed. */
size_t hm_map_borrowed_slots(const hm_map *m);

/* Equality of log lists (defined in log.c, used by hm_val_equal). */
bool hm_log_equal(hm_kind kind, const void *a, const void *b);

#endif
