/* Descriptions of the state's value types.
 *
 * One table per Coq type says how a value is laid out, so that retain,
 * release, equality, JSON encoding, partial matching and diffs are written
 * once, generically, instead of once per record.
 */
#ifndef HM_VTYPE_H
#define HM_VTYPE_H

#include <stdbool.h>
#include <stddef.h>

#include "obj.h"

typedef enum hm_kind {
	HM_K_Z,       /* hm_z */
	HM_K_BOOL,    /* bool */
	HM_K_TUPLE,   /* arity x hm_z: a Coq product (Z * Z * Z) */
	HM_K_STRUCT,  /* an inline record of fields (S2Page, CoreData ...) */
	HM_K_REC,     /* pointer to an immutable record object (NPT, RData ...) */
	HM_K_MAP,     /* pointer to an hm_map (ZMap.t) */
	HM_K_MLOG,    /* pointer to a MultiLog cell, NULL for nil */
	HM_K_SLOG,    /* pointer to a SingleLog cell, NULL for nil */
	HM_K_ULIST,   /* pointer to a list NPT_UPDATE cell, NULL for nil */
	HM_K_LOCK,    /* hm_lock_status */
	HM_K_BARRIER, /* hm_barrier_status */
	HM_K_ORACLE,  /* pointer to an oracle object: a function of the run,
	                 not data; ignored by equality and diffs */
} hm_kind;

/* Whether a value of kind k is one pointer to an object (or NULL). */
static inline bool is_pointer_kind(hm_kind k)
{
	return k == HM_K_REC || k == HM_K_MAP || k == HM_K_MLOG || k == HM_K_SLOG || k == HM_K_ULIST ||
	       k == HM_K_ORACLE;
}

typedef struct hm_field {
	const char *name; /* the Coq field name */
	size_t offset;
	const hm_vtype *type;
} hm_field;

/* Where a record keeps its references (pointer fields, including those
 * inside inline structs), computed once per record type so that copying
 * and freeing a record is a tight loop instead of a walk of the tables. */
#define HM_MAX_REFS 48
typedef struct hm_ref_cache {
	bool ready;
	unsigned n;
	unsigned short offsets[HM_MAX_REFS];
} hm_ref_cache;

struct hm_vtype {
	const char *name; /* the Coq type name, for messages */
	hm_kind kind;
	size_t size;      /* bytes of one value stored inline */
	unsigned arity;   /* HM_K_TUPLE */
	const hm_field *fields; /* HM_K_STRUCT and HM_K_REC */
	unsigned nfields;
	size_t obj_size;  /* HM_K_REC: bytes of the object */
	bool has_refs;    /* an inline value holds pointers to objects */
	/* HM_K_STRUCT: the fields are all Z, with no padding between them,
	 * so two values are equal exactly when their bytes are. */
	bool bytewise;
	const hm_vtype *elem; /* HM_K_MAP: the element type */
	/* objects whose type is this one are freed by this hook (maps and log
	 * cells); records are freed generically from their fields. */
	void (*free_obj)(void *obj);
	hm_ref_cache *refs; /* HM_K_REC: filled on first use */
};

typedef enum hm_lock_status {
	HM_LOCK_FALSE = 0,     /* LockFalse */
	HM_LOCK_OWN_FALSE = 1, /* LockOwn false */
	HM_LOCK_OWN_TRUE = 2,  /* LockOwn true */
} hm_lock_status;

typedef enum hm_barrier_status {
	HM_BARRIER_VALID = 0,  /* BarrierValid */
	HM_BARRIER_NEEDED = 1, /* BarrierNeeded */
	HM_BARRIERED = 2,      /* Barriered */
} hm_barrier_status;

void hm_val_retain(const hm_vtype *t, const void *val);
void hm_val_release(const hm_vtype *t, void *val);
bool hm_val_equal(const hm_vtype *t, const void *a, const void *b);

/* Copies a record object (autoreleased), retaining what it points at:
 * the C form of a Coq record update, the caller then sets the fields. */
void *hm_rec_edit(const void *rec);

/* Replace a pointer field of an object being edited: retains the new
 * value and releases the old. */
static inline void hm_set_ptr(void *field_addr, const void *value)
{
	void **slot = field_addr;
	hm_retain(value);
	hm_release(*slot);
	*slot = (void *)value;
}

/* Frees a record object whose count reached zero (generic). */
void hm_rec_free(void *rec);

#endif
