/* Reference-counted immutable objects and the step's autorelease pool.
 *
 * Every value of the state that is bigger than a few integers (maps,
 * records, log cells) is an immutable object shared between versions of
 * the state: a Coq record update `adt {f: v}` makes a new record that
 * points at the old one's unchanged parts. A step never mutates what it
 * was given, so a step that ends in None leaves the state exactly as it
 * was (the caller keeps its pointer), and a log event that carries a
 * snapshot of a map carries a pointer, not a copy.
 *
 * Objects made during a step are owned by the current autorelease pool;
 * storing one into another object retains it. When the step ends the
 * pool drops its references, so intermediate states vanish and the
 * result the caller retained survives. Reference counts are not atomic:
 * one model is used from one thread at a time.
 */
#ifndef HM_OBJ_H
#define HM_OBJ_H

#include <stddef.h>
#include <stdint.h>

#include "z.h"

typedef struct hm_vtype hm_vtype;

typedef struct hm_obj {
	uint32_t rc;
	uint32_t size; /* bytes allocated, for hm_obj_free */
	const hm_vtype *type; /* what the object is: record, map or log cell */
} hm_obj;

/* Allocates a zeroed object of `size` bytes, reference count 1, owned by
 * the current pool (autoreleased). */
void *hm_obj_new(const hm_vtype *type, size_t size);

/* Like hm_obj_new, but only the header is set: for a copy that
 * overwrites every byte after it. */
void *hm_obj_new_uninit(const hm_vtype *type, size_t size);

/* Allocates an object owned by the caller (not autoreleased). */
void *hm_obj_new_owned(const hm_vtype *type, size_t size);

static inline void *hm_retain(const void *p)
{
	if (p)
		((hm_obj *)p)->rc++;
	return (void *)p;
}

void hm_release(const void *p);

/* Returns an object's memory (for the free_obj hooks). */
void hm_obj_free(void *p);

/* Hands the caller's reference to the current pool. */
void *hm_autorelease(const void *p);

typedef struct hm_pool hm_pool;

/* Pools nest; each step runs inside one. */
hm_pool *hm_pool_push(void);
void hm_pool_pop(hm_pool *pool);

#endif
