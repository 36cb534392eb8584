#include "obj.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "vtype.h"

struct hm_pool {
	hm_pool *outer;
	const void **items;
	size_t len, cap;
};

static _Thread_local hm_pool *current_pool;

static void *checked_calloc(size_t size)
{
	void *p = calloc(1, size);
	if (!p) {
		fprintf(stderr, "hypsec-model: out of memory (%zu bytes)\n", size);
		abort();
	}
	return p;
}

void *hm_obj_new_owned(const hm_vtype *type, size_t size)
{
	hm_obj *o = hm_alloc_zero(size);
	o->rc = 1;
	o->size = (uint32_t)size;
	o->type = type;
	return o;
}

void *hm_obj_new_uninit(const hm_vtype *type, size_t size)
{
	hm_obj *o = hm_alloc(size);
	o->rc = 1;
	o->size = (uint32_t)size;
	o->type = type;
	return hm_autorelease(o);
}

void hm_obj_free(void *p) { hm_dealloc(p, ((hm_obj *)p)->size); }

void *hm_obj_new(const hm_vtype *type, size_t size)
{
	return hm_autorelease(hm_obj_new_owned(type, size));
}

void hm_release(const void *p)
{
	if (!p)
		return;
	hm_obj *o = (hm_obj *)p;
	if (--o->rc != 0)
		return;
	if (o->type->free_obj)
		o->type->free_obj(o);
	else
		hm_rec_free(o);
}

void *hm_autorelease(const void *p)
{
	hm_pool *pool = current_pool;
	if (!p)
		return NULL;
	if (!pool) {
		/* A programming error in the library: objects made outside a
		 * pool would leak silently, so stop loudly. */
		fprintf(stderr, "hypsec-model: object made outside an autorelease pool\n");
		abort();
	}
	if (pool->len == pool->cap) {
		pool->cap = pool->cap ? pool->cap * 2 : 256;
		pool->items = realloc(pool->items, pool->cap * sizeof *pool->items);
		if (!pool->items) {
			fprintf(stderr, "hypsec-model: out of memory (pool)\n");
			abort();
		}
	}
	pool->items[pool->len++] = p;
	return (void *)p;
}

/* Pools are reused: a step pushes and pops one, and its item array
 * keeps the capacity the last step needed. */
static _Thread_local hm_pool *spare_pools;

hm_pool *hm_pool_push(void)
{
	hm_pool *pool = spare_pools;
	if (pool)
		spare_pools = pool->outer;
	else
		pool = checked_calloc(sizeof *pool);
	pool->outer = current_pool;
	current_pool = pool;
	return pool;
}

void hm_pool_pop(hm_pool *pool)
{
	/* Release in reverse order of creation: later objects tend to point
	 * at earlier ones, so this frees each chain in one pass. */
	while (pool->len > 0)
		hm_release(pool->items[--pool->len]);
	current_pool = pool->outer;
	pool->outer = spare_pools;
	spare_pools = pool;
}
