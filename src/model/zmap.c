#include "zmap.h"

#include "alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_BITS 5u
#define FANOUT 32u

/* A trie node. Interior nodes (level > 0) hold their children in one of
 * two ways, slot by slot:
 *
 * - owned (the slot's bit set in `owned`): this node holds a reference
 *   to the child, as in any reference-counted tree;
 * - borrowed (bit clear): the child is the one `base` holds in the same
 *   slot, and this node's one reference to `base` keeps it alive.
 *
 * A path copy borrows: the copy of a node with 32 children takes one
 * reference, on the node it copies, instead of one on each child. At 1M
 * pages those children are cold leaves, and touching their counts was
 * half of what a step missed in the cache (docs/performance.md). When
 * the copied node is later released and only its borrower still holds
 * it, the borrower takes its references over without touching them
 * (absorb) and the copied node goes.
 *
 * A node has at most one borrower (`borrower`, which holds a reference
 * to it); a second copy of it takes a reference on each child. So a node
 * with a borrower always has another holder too: a count that falls to
 * one leaves the borrower alone, and absorbs at once. Leaves hold values,
 * never borrow, and leave the three fields zero. */
typedef struct node {
	uint32_t rc;
	uint32_t bitmap;
	uint32_t owned; /* by chunk, like bitmap */
	uint32_t pad_;  /* keeps slots 16-byte aligned for hm_z values */
	struct node *base;
	struct node *borrower;
	_Alignas(16) unsigned char slots[];
} node;

struct hm_map {
	hm_obj o;
	unsigned level; /* level of the root node; leaves are level 0 */
	size_t count;
	node *root;     /* NULL when the map holds no entry */
	_Alignas(16) unsigned char dflt[];
};

static inline const hm_vtype *elem_of(const hm_map *m) { return m->o.type->elem; }

static inline unsigned chunk_of(hm_uz k, unsigned level)
{
	unsigned shift = level * CHUNK_BITS;
	return shift >= 128 ? 0 : (unsigned)(k >> shift) & (FANOUT - 1);
}

/* Whether a root at this level reaches key k. */
static inline bool key_fits(hm_uz k, unsigned level)
{
	unsigned shift = (level + 1) * CHUNK_BITS;
	return shift >= 128 || (k >> shift) == 0;
}

static inline unsigned popcount32(uint32_t x) { return (unsigned)__builtin_popcount(x); }

static inline node **kids(const node *n) { return (node **)n->slots; }

static inline size_t stride_of(unsigned level, const hm_vtype *et)
{
	return level == 0 ? et->size : sizeof(node *);
}

static node *node_alloc(unsigned nslots, size_t stride)
{
	node *n = hm_alloc(sizeof(node) + nslots * stride);
	n->rc = 1;
	n->bitmap = 0;
	n->owned = 0;
	n->pad_ = 0;
	n->base = NULL;
	n->borrower = NULL;
	return n;
}

static void node_dealloc(node *n, unsigned level, const hm_vtype *et)
{
	hm_dealloc(n, sizeof(node) + popcount32(n->bitmap) * stride_of(level, et));
}

static void node_release(node *n, unsigned level, const hm_vtype *et);

/* Whether values of et hold references (and need retain/release). */
static inline bool elem_has_refs(const hm_vtype *et)
{
	switch (et->kind) {
	case HM_K_Z:
	case HM_K_BOOL:
	case HM_K_TUPLE:
	case HM_K_LOCK:
	case HM_K_BARRIER:
		return false;
	case HM_K_STRUCT:
		return et->has_refs;
	default:
		return true;
	}
}

/* Releases the children n owns (or the values of a leaf). */
static void release_contents(node *n, unsigned level, const hm_vtype *et)
{
	if (level == 0) {
		if (elem_has_refs(et)) {
			unsigned cnt = popcount32(n->bitmap);
			for (unsigned i = 0; i < cnt; i++)
				hm_val_release(et, n->slots + i * et->size);
		}
		return;
	}
	if (n->owned == n->bitmap) {
		unsigned cnt = popcount32(n->bitmap);
		for (unsigned i = 0; i < cnt; i++)
			node_release(kids(n)[i], level - 1, et);
		return;
	}
	for (uint32_t own = n->owned; own; own &= own - 1) {
		uint32_t bit = 1u << __builtin_ctz(own);
		node_release(kids(n)[popcount32(n->bitmap & (bit - 1))], level - 1, et);
	}
}

/* Frees n, whose count fell to zero (so nobody borrows from it), then
 * drops its reference to its base: a loop, not a recursion, since with
 * full logs every version of a map can borrow from the one before. */
static void node_free(node *n, unsigned level, const hm_vtype *et)
{
	for (;;) {
		release_contents(n, level, et);
		node *base = n->base;
		node_dealloc(n, level, et);
		if (!base)
			return;
		base->borrower = NULL;
		if (--base->rc != 0)
			return;
		n = base;
	}
}

/* b borrows from n, and holds the only reference left to it: b takes
 * over n's references to the children they share (no count changes),
 * and its base, and n goes. */
static void absorb(node *b, node *n, unsigned level, const hm_vtype *et)
{
	/* b's borrowed slots are n's, with n's children in them */
	uint32_t shared = b->bitmap & ~b->owned;
	/* what n holds itself in them is now b's; what n borrowed there,
	 * b borrows from n's base */
	b->owned |= n->owned & shared;
	/* n's own children that b replaced or dropped are released */
	for (uint32_t rel = n->owned & ~shared; rel; rel &= rel - 1) {
		uint32_t bit = 1u << __builtin_ctz(rel);
		node_release(kids(n)[popcount32(n->bitmap & (bit - 1))], level - 1, et);
	}
	b->base = n->base;
	if (b->base)
		b->base->borrower = b;
	node_dealloc(n, level, et);
}

static void node_release(node *n, unsigned level, const hm_vtype *et)
{
	if (!n)
		return;
	if (--n->rc == 0)
		node_free(n, level, et);
	else if (n->rc == 1 && n->borrower)
		absorb(n->borrower, n, level, et);
}

/* Copies slots [from, from + count) of src to dst starting at `to`: one
 * memcpy, then a reference on each value of a leaf. Children of an
 * interior node are accounted for by share_children. */
static void copy_slots(node *dst, unsigned to, const node *src, unsigned from, unsigned count,
		       unsigned level, const hm_vtype *et)
{
	if (count == 0)
		return;
	size_t stride = stride_of(level, et);
	memcpy(dst->slots + to * stride, src->slots + from * stride, count * stride);
	if (level > 0)
		return;
	if (is_pointer_kind(et->kind)) {
		/* The common case with references (logs, records, maps as
		 * values): retain inline instead of a call per slot. */
		void **p = (void **)(dst->slots + to * stride);
		for (unsigned i = 0; i < count; i++)
			if (p[i])
				((hm_obj *)p[i])->rc++;
	} else if (elem_has_refs(et)) {
		for (unsigned i = 0; i < count; i++)
			hm_val_retain(et, dst->slots + (to + i) * stride);
	}
}

/* nn (level > 0) was copied from n: its children are n's, except those in
 * `fresh`, which nn owns already. It borrows the others from n, or takes
 * a reference on each when n has a borrower already. */
static void share_children(node *nn, const node *src, uint32_t fresh)
{
	node *n = (node *)src;
	nn->owned = fresh;
	if (!n->borrower) {
		nn->base = n;
		n->rc++;
		n->borrower = nn;
		return;
	}
	unsigned i = 0;
	for (uint32_t b = nn->bitmap; b; b &= b - 1, i++)
		if (!(fresh & (1u << __builtin_ctz(b))))
			kids(nn)[i]->rc++;
	nn->owned = nn->bitmap;
}

/* A new node equal to n with key k bound to val (val is not the default). */
static node *node_insert(const node *n, unsigned level, hm_uz k, const void *val,
			 const hm_vtype *et, bool *added)
{
	unsigned c = chunk_of(k, level);
	uint32_t bit = 1u << c;
	uint32_t bm = n ? n->bitmap : 0;
	unsigned idx = popcount32(bm & (bit - 1));
	unsigned cnt = popcount32(bm);
	bool present = (bm & bit) != 0;
	node *nn = node_alloc(cnt + !present, stride_of(level, et));
	nn->bitmap = bm | bit;

	/* the slots before idx, then those after it (shifted when new) */
	copy_slots(nn, 0, n, 0, idx, level, et);
	unsigned after = present ? idx + 1 : idx;
	copy_slots(nn, idx + 1, n, after, cnt - after, level, et);
	if (level == 0) {
		memcpy(nn->slots + idx * et->size, val, et->size);
		hm_val_retain(et, nn->slots + idx * et->size);
		*added = !present;
	} else {
		node *child = present ? kids(n)[idx] : NULL;
		kids(nn)[idx] = node_insert(child, level - 1, k, val, et, added);
		if (n)
			share_children(nn, n, bit);
		else
			nn->owned = bit;
	}
	return nn;
}

/* The node without key k; *changed says whether k was there. Returns NULL
 * when the result is empty, n itself (not a new reference) when unchanged. */
static node *node_remove(const node *n, unsigned level, hm_uz k, const hm_vtype *et,
			 bool *changed)
{
	unsigned c = chunk_of(k, level);
	uint32_t bit = 1u << c;
	if (!(n->bitmap & bit)) {
		*changed = false;
		return (node *)n;
	}
	unsigned idx = popcount32(n->bitmap & (bit - 1));
	unsigned cnt = popcount32(n->bitmap);
	node *sub = NULL;
	if (level > 0) {
		sub = node_remove(kids(n)[idx], level - 1, k, et, changed);
		if (!*changed)
			return (node *)n;
	}
	*changed = true;
	bool drop_slot = (level == 0) || sub == NULL;
	if (drop_slot && cnt == 1)
		return NULL;
	node *nn = node_alloc(cnt - drop_slot, stride_of(level, et));
	nn->bitmap = drop_slot ? (n->bitmap & ~bit) : n->bitmap;
	copy_slots(nn, 0, n, 0, idx, level, et);
	if (drop_slot) {
		copy_slots(nn, idx, n, idx + 1, cnt - idx - 1, level, et);
	} else {
		kids(nn)[idx] = sub;
		copy_slots(nn, idx + 1, n, idx + 1, cnt - idx - 1, level, et);
	}
	if (level > 0)
		share_children(nn, n, drop_slot ? 0 : bit);
	return nn;
}

static void map_free_obj(void *obj)
{
	hm_map *m = obj;
	const hm_vtype *et = elem_of(m);
	node_release(m->root, m->level, et);
	hm_val_release(et, m->dflt);
	hm_obj_free(m);
}

static hm_map *map_alloc(const hm_vtype *map_type, const void *dflt)
{
	const hm_vtype *et = map_type->elem;
	hm_map *m = hm_obj_new(map_type, sizeof(hm_map) + et->size);
	memcpy(m->dflt, dflt, et->size);
	hm_val_retain(et, m->dflt);
	return m;
}

hm_map *hm_map_new(const hm_vtype *map_type, const void *dflt)
{
	if (map_type->kind != HM_K_MAP || map_type->free_obj != hm_map_free_obj) {
		fprintf(stderr, "hypsec-model: %s is not a map type\n", map_type->name);
		abort();
	}
	return map_alloc(map_type, dflt);
}

void hm_map_free_obj(void *obj) { map_free_obj(obj); }

const hm_vtype *hm_map_type(const hm_map *m) { return m->o.type; }
const hm_vtype *hm_map_elem_type(const hm_map *m) { return elem_of(m); }
const void *hm_map_default(const hm_map *m) { return m->dflt; }
size_t hm_map_count(const hm_map *m) { return m->count; }

const void *hm_map_get(const hm_map *m, hm_z key)
{
	hm_uz k = (hm_uz)key;
	const node *n = m->root;
	if (!n || !key_fits(k, m->level))
		return m->dflt;
	size_t esz = elem_of(m)->size;
	/* Keys that fit 64 bits (every key of a real state) take their
	 * chunks without 128-bit shifts. */
	bool narrow = m->level < 64 / CHUNK_BITS;
	uint64_t k64 = (uint64_t)k;
	for (unsigned level = m->level;; level--) {
		unsigned c = narrow ? (unsigned)(k64 >> (level * CHUNK_BITS)) & (FANOUT - 1)
				    : chunk_of(k, level);
		uint32_t bit = 1u << c;
		if (!(n->bitmap & bit))
			return m->dflt;
		unsigned idx = popcount32(n->bitmap & (bit - 1));
		if (level == 0)
			return n->slots + idx * esz;
		n = kids(n)[idx];
	}
}

hm_map *hm_map_set(const hm_map *m, hm_z key, const void *val)
{
	const hm_vtype *et = elem_of(m);
	const void *cur = hm_map_get(m, key);
	/* Storing the value already there changes nothing. For references
	 * identity is enough to tell (a structurally equal copy stored
	 * instead gives an equal map); only the default test below must be
	 * structural, to keep maps canonical. */
	if (is_pointer_kind(et->kind) ? *(void *const *)cur == *(void *const *)val
				      : hm_val_equal(et, cur, val))
		return hm_autorelease(hm_retain(m));

	hm_uz k = (hm_uz)key;
	if (hm_val_equal(et, val, m->dflt)) {
		/* Setting the default drops the key's entry, if it has one (a
		 * reference equal to the default but not identical to the
		 * stored one gets here with the key absent). */
		bool changed = false;
		node *root = (m->root && key_fits(k, m->level))
				     ? node_remove(m->root, m->level, k, et, &changed)
				     : NULL;
		if (!changed)
			return hm_autorelease(hm_retain(m));
		hm_map *r = map_alloc(m->o.type, m->dflt);
		r->level = m->level;
		r->root = root;
		r->count = m->count - 1;
		return r;
	}

	hm_map *r = map_alloc(m->o.type, m->dflt);

	unsigned level = m->level;
	node *root = m->root;
	if (root)
		root->rc++;
	while (!key_fits(k, level)) {
		if (root) {
			node *wrap = node_alloc(1, sizeof(node *));
			wrap->bitmap = 1;
			wrap->owned = 1;
			kids(wrap)[0] = root;
			root = wrap;
		}
		level++;
	}
	bool added = false;
	r->root = node_insert(root, level, k, val, et, &added);
	node_release(root, level, et);
	r->level = level;
	r->count = m->count + added;
	return r;
}

/* node_insert for a node that only the map being built reaches: a node
 * with one reference whose parent is in the same case (the root of a map
 * this call made). It is updated in place: a present slot is overwritten,
 * an absent one grows the node by moving, not retaining, its slots. A
 * shared node (or NULL) is copied as by node_insert. Consumes the
 * parent's reference to n and returns the node to put in its place. */
/* The largest value node_insert_owned overwrites in place (it keeps the
 * old one aside until the new one is retained); every element type of
 * the state is smaller. */
#define IN_PLACE_MAX 128

static node *node_insert_owned(node *n, unsigned level, hm_uz k, const void *val,
			       const hm_vtype *et, bool *added)
{
	if (!n || n->rc != 1 || et->size > IN_PLACE_MAX) {
		node *nn = node_insert(n, level, k, val, et, added);
		node_release(n, level, et);
		return nn;
	}
	unsigned c = chunk_of(k, level);
	uint32_t bit = 1u << c;
	unsigned idx = popcount32(n->bitmap & (bit - 1));
	size_t stride = stride_of(level, et);
	if (n->bitmap & bit) {
		if (level == 0) {
			/* Retain the new value before releasing the old: the
			 * new one may live only through the old (a log's
			 * tail, a map a record shares). */
			void *slot = n->slots + idx * stride;
			_Alignas(16) unsigned char old[IN_PLACE_MAX];
			memcpy(old, slot, et->size);
			memcpy(slot, val, et->size);
			hm_val_retain(et, slot);
			hm_val_release(et, old);
			*added = false;
		} else if (n->owned & bit) {
			kids(n)[idx] = node_insert_owned(kids(n)[idx], level - 1, k, val, et, added);
		} else {
			/* borrowed: the child is n's base's too, so it is copied
			 * and n now owns the copy */
			kids(n)[idx] = node_insert(kids(n)[idx], level - 1, k, val, et, added);
			n->owned |= bit;
		}
		return n;
	}
	unsigned cnt = popcount32(n->bitmap);
	node *nn = node_alloc(cnt + 1, stride);
	nn->bitmap = n->bitmap | bit;
	memcpy(nn->slots, n->slots, idx * stride);
	memcpy(nn->slots + (idx + 1) * stride, n->slots + idx * stride, (cnt - idx) * stride);
	/* nn takes n's place: what n owned and what it borrowed (n has no
	 * borrower: its one reference is its parent's) */
	nn->owned = n->owned | (level > 0 ? bit : 0);
	nn->base = n->base;
	if (nn->base)
		nn->base->borrower = nn;
	hm_dealloc(n, sizeof(node) + cnt * stride);
	if (level == 0) {
		memcpy(nn->slots + idx * stride, val, et->size);
		hm_val_retain(et, nn->slots + idx * stride);
		*added = true;
	} else {
		kids(nn)[idx] = node_insert(NULL, level - 1, k, val, et, added);
	}
	return nn;
}

hm_map *hm_map_set_all(const hm_map *m, size_t n, const hm_z *keys, const void *const *vals)
{
	const hm_vtype *et = elem_of(m);
	hm_map *cur = (hm_map *)m;
	/* cur is a map this call made and nobody else has seen: later keys
	 * are written into it instead of into yet another copy. */
	bool owned = false;
	for (size_t i = 0; i < n; i++) {
		hm_uz k = (hm_uz)keys[i];
		if (owned && cur->root && key_fits(k, cur->level) &&
		    !hm_val_equal(et, vals[i], cur->dflt)) {
			const void *now = hm_map_get(cur, keys[i]);
			if (is_pointer_kind(et->kind) ? *(void *const *)now == *(void *const *)vals[i]
						      : hm_val_equal(et, now, vals[i]))
				continue;
			bool added = false;
			cur->root = node_insert_owned(cur->root, cur->level, k, vals[i], et, &added);
			cur->count += added;
			continue;
		}
		/* the general case: the first key, a key beyond the root's
		 * reach, or the default (which removes the entry) */
		hm_map *next = hm_map_set(cur, keys[i], vals[i]);
		owned = owned || next != cur;
		cur = next;
	}
	return owned ? cur : hm_autorelease(hm_retain(cur));
}

static bool foreach_node(const node *n, unsigned level, hm_uz base, const hm_vtype *et,
			 hm_map_visit_fn fn, void *ctx)
{
	unsigned idx = 0;
	for (unsigned c = 0; c < FANOUT; c++) {
		if (!(n->bitmap & (1u << c)))
			continue;
		hm_uz key = base | ((hm_uz)c << (level * CHUNK_BITS));
		if (level == 0) {
			if (!fn((hm_z)key, n->slots + idx * et->size, ctx))
				return false;
		} else if (!foreach_node(kids(n)[idx], level - 1, key, et, fn, ctx)) {
			return false;
		}
		idx++;
	}
	return true;
}

bool hm_map_foreach(const hm_map *m, hm_map_visit_fn fn, void *ctx)
{
	if (!m->root)
		return true;
	return foreach_node(m->root, m->level, 0, elem_of(m), fn, ctx);
}

static bool copy_entry(hm_z key, const void *val, void *ctx)
{
	hm_map **acc = ctx;
	*acc = hm_map_set(*acc, key, val);
	return true;
}

hm_map *hm_map_with_default(const hm_map *m, const void *dflt)
{
	/* Rebuild entry by entry: entries equal to the new default vanish. */
	hm_map *acc = map_alloc(m->o.type, dflt);
	hm_map_foreach(m, copy_entry, &acc);
	return acc;
}

/* ---- equality and diff: parallel walks that skip shared subtrees ---- */

static bool nodes_equal(const node *a, const node *b, unsigned level, const hm_vtype *et)
{
	if (a == b)
		return true;
	if (!a || !b || a->bitmap != b->bitmap)
		return false;
	unsigned cnt = popcount32(a->bitmap);
	for (unsigned i = 0; i < cnt; i++) {
		if (level == 0) {
			if (!hm_val_equal(et, a->slots + i * et->size, b->slots + i * et->size))
				return false;
		} else if (!nodes_equal(kids(a)[i], kids(b)[i], level - 1, et)) {
			return false;
		}
	}
	return true;
}

/* Brings a root at level la down to level lb: non-null only if all its
 * entries sit under child 0 at each step. Returns false when it holds a
 * key that cannot fit at level lb. */
static bool lower_root(const node **n, unsigned *level, unsigned target)
{
	while (*level > target) {
		if (*n) {
			if ((*n)->bitmap & ~1u)
				return false;
			*n = ((*n)->bitmap & 1u) ? kids(*n)[0] : NULL;
		}
		(*level)--;
	}
	return true;
}

bool hm_map_equal(const hm_map *a, const hm_map *b)
{
	if (a == b)
		return true;
	if (!a || !b)
		return false;
	const hm_vtype *et = elem_of(a);
	/* The count first: it is the cheap test, and the one that tells a
	 * map from its default (an empty map) in hm_map_set's default test. */
	if (a->count != b->count || elem_of(b) != et || !hm_val_equal(et, a->dflt, b->dflt))
		return false;
	const node *na = a->root, *nb = b->root;
	unsigned la = a->level, lb = b->level;
	if (!lower_root(&na, &la, lb) || !lower_root(&nb, &lb, la))
		return false;
	return nodes_equal(na, nb, la, et);
}

typedef struct diff_ctx {
	const hm_vtype *et;
	const void *dflt_a, *dflt_b;
	hm_map_diff_fn fn;
	void *ctx;
	bool shallow; /* compare stored bytes: pointers by identity */
} diff_ctx;

static inline bool diff_same(const diff_ctx *d, const void *va, const void *vb)
{
	if (!d->shallow)
		return hm_val_equal(d->et, va, vb);
	if (d->et->size == sizeof(void *))
		return *(void *const *)va == *(void *const *)vb;
	return memcmp(va, vb, d->et->size) == 0;
}

static bool diff_one_side(hm_z key, const void *val, void *p)
{
	diff_ctx *d = p;
	if (!diff_same(d, val, d->dflt_b))
		d->fn(key, val, d->dflt_b, d->ctx);
	return true;
}

static bool diff_other_side(hm_z key, const void *val, void *p)
{
	diff_ctx *d = p;
	if (!diff_same(d, d->dflt_a, val))
		d->fn(key, d->dflt_a, val, d->ctx);
	return true;
}

static void diff_nodes(const node *a, const node *b, unsigned level, hm_uz base, diff_ctx *d)
{
	if (a == b)
		return;
	const hm_vtype *et = d->et;
	uint32_t ba = a ? a->bitmap : 0, bb = b ? b->bitmap : 0;
	/* Visit only the children present on either side. */
	for (uint32_t both = ba | bb; both; both &= both - 1) {
		unsigned c = (unsigned)__builtin_ctz(both);
		uint32_t bit = 1u << c;
		bool ina = ba & bit, inb = bb & bit;
		unsigned ia = popcount32(ba & (bit - 1)), ib = popcount32(bb & (bit - 1));
		hm_uz key = base | ((hm_uz)c << (level * CHUNK_BITS));
		if (level == 0) {
			const void *va = ina ? a->slots + ia * et->size : d->dflt_a;
			const void *vb = inb ? b->slots + ib * et->size : d->dflt_b;
			if (!diff_same(d, va, vb))
				d->fn((hm_z)key, va, vb, d->ctx);
		} else if (ina && inb) {
			diff_nodes(kids(a)[ia], kids(b)[ib], level - 1, key, d);
		} else if (ina) {
			foreach_node(kids(a)[ia], level - 1, key, et, diff_one_side, d);
		} else {
			foreach_node(kids(b)[ib], level - 1, key, et, diff_other_side, d);
		}
	}
}

/* Diffs two roots at different levels, in ascending key order: the
 * taller side's child 0 holds the keys the shorter side can hold. */
static void diff_roots(const node *a, unsigned la, const node *b, unsigned lb, diff_ctx *d)
{
	if (la == lb) {
		diff_nodes(a, b, la, 0, d);
		return;
	}
	bool a_taller = la > lb;
	const node *t = a_taller ? a : b;
	unsigned tl = a_taller ? la : lb;
	const node *child0 = (t && (t->bitmap & 1u)) ? kids(t)[0] : NULL;
	if (a_taller)
		diff_roots(child0, la - 1, b, lb, d);
	else
		diff_roots(a, la, child0, lb - 1, d);
	if (!t)
		return;
	unsigned idx = 0;
	for (unsigned c = 0; c < FANOUT; c++) {
		if (!(t->bitmap & (1u << c)))
			continue;
		if (c != 0)
			foreach_node(kids(t)[idx], tl - 1, (hm_uz)c << (tl * CHUNK_BITS), d->et,
				     a_taller ? diff_one_side : diff_other_side, d);
		idx++;
	}
}

void hm_map_diff(const hm_map *a, const hm_map *b, hm_map_diff_fn fn, void *ctx)
{
	if (a == b)
		return;
	/* With different defaults the keys on neither side differ too; a
	 * finite report cannot list them, so callers compare the defaults
	 * themselves (hm_map_default). */
	diff_ctx d = {elem_of(a), a->dflt, b->dflt, fn, ctx, false};
	diff_roots(a->root, a->level, b->root, b->level, &d);
}

void hm_map_diff_shallow(const hm_map *a, const hm_map *b, hm_map_diff_fn fn, void *ctx)
{
	if (a == b)
		return;
	diff_ctx d = {elem_of(a), a->dflt, b->dflt, fn, ctx, true};
	diff_roots(a->root, a->level, b->root, b->level, &d);
}

/* ---- the sharing invariants, for tests ---- */

/* The fields of one node against the rules of `struct node`. */
static bool node_fields_ok(const node *n, unsigned level)
{
	if (n->rc == 0 || n->bitmap == 0)
		return false;
	if (level == 0)
		return n->owned == 0 && !n->base && !n->borrower;
	if ((n->owned & ~n->bitmap) != 0)
		return false;
	/* a borrower holds a reference, and someone else does too */
	if (n->borrower && (n->rc < 2 || n->borrower->base != n))
		return false;
	if (!n->base)
		return n->owned == n->bitmap;
	if (n->base->borrower != n)
		return false;
	unsigned i = 0;
	for (uint32_t b = n->bitmap; b; b &= b - 1, i++) {
		uint32_t bit = 1u << __builtin_ctz(b);
		if (n->owned & bit)
			continue;
		/* borrowed: the base has the same child in that slot */
		if (!(n->base->bitmap & bit) ||
		    kids(n->base)[popcount32(n->base->bitmap & (bit - 1))] != kids(n)[i])
			return false;
	}
	return true;
}

static bool node_sharing_ok(const node *n, unsigned level)
{
	for (const node *b = n; b; b = b->base)
		if (!node_fields_ok(b, level))
			return false;
	if (level == 0)
		return true;
	unsigned cnt = popcount32(n->bitmap);
	for (unsigned i = 0; i < cnt; i++)
		if (!node_sharing_ok(kids(n)[i], level - 1))
			return false;
	return true;
}

bool hm_map_sharing_ok(const hm_map *m)
{
	return !m->root || node_sharing_ok(m->root, m->level);
}

static size_t node_borrowed(const node *n, unsigned level)
{
	if (level == 0)
		return 0;
	size_t sum = (size_t)popcount32(n->bitmap & ~n->owned);
	unsigned cnt = popcount32(n->bitmap);
	for (unsigned i = 0; i < cnt; i++)
		sum += node_borrowed(kids(n)[i], level - 1);
	return sum;
}

size_t hm_map_borrowed_slots(const hm_map *m)
{
	return m->root ? node_borrowed(m->root, m->level) : 0;
}
