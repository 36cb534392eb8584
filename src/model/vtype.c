#include "vtype.h"

#include <stdlib.h>
#include <string.h>

#include "zmap.h"

void hm_val_retain(const hm_vtype *t, const void *val)
{
	if (is_pointer_kind(t->kind)) {
		hm_retain(*(void *const *)val);
		return;
	}
	if (t->kind == HM_K_STRUCT && t->has_refs)
		for (unsigned i = 0; i < t->nfields; i++)
			hm_val_retain(t->fields[i].type, (const char *)val + t->fields[i].offset);
}

void hm_val_release(const hm_vtype *t, void *val)
{
	if (is_pointer_kind(t->kind)) {
		hm_release(*(void **)val);
		return;
	}
	if (t->kind == HM_K_STRUCT && t->has_refs)
		for (unsigned i = 0; i < t->nfields; i++)
			hm_val_release(t->fields[i].type, (char *)val + t->fields[i].offset);
}

static bool fields_equal(const hm_field *f, unsigned n, const void *a, const void *b)
{
	for (unsigned i = 0; i < n; i++)
		if (!hm_val_equal(f[i].type, (const char *)a + f[i].offset,
				  (const char *)b + f[i].offset))
			return false;
	return true;
}

bool hm_val_equal(const hm_vtype *t, const void *a, const void *b)
{
	switch (t->kind) {
	case HM_K_Z:
		return *(const hm_z *)a == *(const hm_z *)b;
	case HM_K_BOOL:
		return *(const bool *)a == *(const bool *)b;
	case HM_K_TUPLE:
		return memcmp(a, b, t->arity * sizeof(hm_z)) == 0;
	case HM_K_LOCK:
	case HM_K_BARRIER:
		return *(const int *)a == *(const int *)b;
	case HM_K_STRUCT:
		if (t->bytewise)
			return memcmp(a, b, t->size) == 0;
		return fields_equal(t->fields, t->nfields, a, b);
	case HM_K_REC: {
		const void *ra = *(void *const *)a, *rb = *(void *const *)b;
		if (ra == rb)
			return true;
		if (!ra || !rb)
			return false;
		return fields_equal(t->fields, t->nfields, ra, rb);
	}
	case HM_K_MAP:
		return hm_map_equal(*(const hm_map *const *)a, *(const hm_map *const *)b);
	case HM_K_MLOG:
	case HM_K_SLOG:
	case HM_K_ULIST:
		return hm_log_equal(t->kind, *(void *const *)a, *(void *const *)b);
	case HM_K_ORACLE:
		return true;
	}
	return false;
}

static void collect_refs(const hm_field *f, unsigned n, size_t base, hm_ref_cache *c)
{
	for (unsigned i = 0; i < n; i++) {
		const hm_vtype *ft = f[i].type;
		if (is_pointer_kind(ft->kind)) {
			if (c->n == HM_MAX_REFS)
				abort(); /* a record type with more references than the cache holds */
			c->offsets[c->n++] = (unsigned short)(base + f[i].offset);
		} else if (ft->kind == HM_K_STRUCT && ft->has_refs) {
			collect_refs(ft->fields, ft->nfields, base + f[i].offset, c);
		}
	}
}

static const hm_ref_cache *refs_of(const hm_vtype *t)
{
	hm_ref_cache *c = t->refs;
	if (!c->ready) {
		c->n = 0;
		collect_refs(t->fields, t->nfields, 0, c);
		c->ready = true;
	}
	return c;
}

void *hm_rec_edit(const void *rec)
{
	const hm_obj *o = rec;
	const hm_vtype *t = o->type;
	hm_obj *copy = hm_obj_new_uninit(t, t->obj_size);
	memcpy((char *)copy + sizeof(hm_obj), (const char *)rec + sizeof(hm_obj),
	       t->obj_size - sizeof(hm_obj));
	const hm_ref_cache *c = refs_of(t);
	for (unsigned i = 0; i < c->n; i++)
		hm_retain(*(void **)((char *)copy + c->offsets[i]));
	return copy;
}

void hm_rec_free(void *rec)
{
	hm_obj *o = rec;
	const hm_ref_cache *c = refs_of(o->type);
	for (unsigned i = 0; i < c->n; i++)
		hm_release(*(void **)((char *)rec + c->offsets[i]));
	hm_obj_free(rec);
}
