/* The op table: every definition callable by name, joined from the
 * tables of the ops files. */
#include <glib.h>
#include <string.h>

#include "spec.h"

/* Each ops file defines its table and count. */
#define HM_OP_TABLES(X) X(hm_ops_mem_manager) X(hm_ops_trap_concurrent) X(hm_ops_trap_aux) X(hm_ops_trap_handler)

#define DECLARE_TABLE(t)                  \
	extern const hm_op_def t[];       \
	extern const size_t t##_count;
HM_OP_TABLES(DECLARE_TABLE)

typedef struct op_table {
	const hm_op_def *defs;
	const size_t *count;
} op_table;

#define TABLE_ENTRY(t) {t, &t##_count},
static const op_table tables[] = {HM_OP_TABLES(TABLE_ENTRY){NULL, NULL}};

size_t hm_op_total(void)
{
	size_t n = 0;
	for (const op_table *t = tables; t->defs; t++)
		n += *t->count;
	return n;
}

const hm_op_def *hm_op_at(size_t i)
{
	for (const op_table *t = tables; t->defs; t++) {
		if (i < *t->count)
			return &t->defs[i];
		i -= *t->count;
	}
	return NULL;
}

/* Name lookups happen once per trace step: a hash table built on first use. */
static GHashTable *build_index(void)
{
	GHashTable *h = g_hash_table_new(g_str_hash, g_str_equal);
	for (const op_table *t = tables; t->defs; t++)
		for (size_t i = 0; i < *t->count; i++)
			g_hash_table_insert(h, (gpointer)t->defs[i].name, (gpointer)&t->defs[i]);
	return h;
}

static gpointer build_index_once(gpointer unused)
{
	(void)unused;
	return build_index();
}

const hm_op_def *hm_op_find(const char *name)
{
	static GOnce once = G_ONCE_INIT;
	GHashTable *h = g_once(&once, build_index_once, NULL);
	return g_hash_table_lookup(h, name);
}
