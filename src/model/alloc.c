#include "alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* p, or the end of the process when memory ran out. */
static void *checked(void *p, size_t size)
{
	if (!p) {
		fprintf(stderr, "hypsec-model: out of memory (%zu bytes)\n", size);
		abort();
	}
	return p;
}

static void *checked_aligned_alloc(size_t size)
{
	if (size % HM_LINE != 0) {
		fprintf(stderr, "hypsec-model: hm_alloc_lines(%zu): not whole lines\n", size);
		abort();
	}
	return checked(aligned_alloc(HM_LINE, size), size);
}

#ifdef HM_SANITIZE

void *hm_alloc_or_null(size_t size) { return malloc(size); }
void hm_dealloc(void *p, size_t size)
{
	(void)size;
	free(p);
}
void *hm_alloc_lines(size_t size) { return checked_aligned_alloc(size); }
void hm_dealloc_lines(void *p, size_t size)
{
	(void)size;
	free(p);
}

#else

#define GRAIN 16u
#define MAX_SMALL 4096u
#define NCLASSES (MAX_SMALL / GRAIN + 1)

typedef struct free_block {
	struct free_block *next;
} free_block;

/* Bytes a class's free list may hold; more go back to malloc. Without a
 * bound, blocks of a size the state has grown out of stay in their list
 * for good: trie leaves grow one entry at a time, so filling a map of N
 * leaves leaves N blocks of every smaller leaf size behind (about 500
 * bytes per entry of a host NPT that a replay fills). */
#define MAX_LIST_BYTES (256u * 1024u)

/* A size class's free list and its length. */
typedef struct free_list {
	free_block *head;
	size_t count;
} free_list;

static _Thread_local free_list lists[NCLASSES];
/* The same for line-aligned blocks, a class per line count. */
#define NLINE_CLASSES (MAX_SMALL / HM_LINE + 1)
static _Thread_local free_list line_lists[NLINE_CLASSES];

static inline size_t class_of(size_t size) { return (size + GRAIN - 1) / GRAIN; }

static inline void *list_take(free_list *l)
{
	free_block *b = l->head;
	if (b) {
		l->head = b->next;
		l->count--;
	}
	return b;
}

/* Keeps p (a block of block_bytes) for reuse, or frees it when the list
 * holds its share already. */
static inline void list_give(free_list *l, void *p, size_t block_bytes)
{
	if (l->count * block_bytes >= MAX_LIST_BYTES) {
		free(p);
		return;
	}
	free_block *b = p;
	b->next = l->head;
	l->head = b;
	l->count++;
}

void *hm_alloc_or_null(size_t size)
{
	if (size > MAX_SMALL)
		return malloc(size);
	size_t c = class_of(size);
	void *b = list_take(&lists[c]);
	return b ? b : malloc(c * GRAIN);
}

void hm_dealloc(void *p, size_t size)
{
	if (!p)
		return;
	if (size > MAX_SMALL)
		free(p);
	else
		list_give(&lists[class_of(size)], p, class_of(size) * GRAIN);
}

void *hm_alloc_lines(size_t size)
{
	void *b = size <= MAX_SMALL && size % HM_LINE == 0 ? list_take(&line_lists[size / HM_LINE])
							    : NULL;
	return b ? b : checked_aligned_alloc(size);
}

void hm_dealloc_lines(void *p, size_t size)
{
	if (!p)
		return;
	if (size > MAX_SMALL)
		free(p);
	else
		list_give(&line_lists[size / HM_LINE], p, size);
}

#endif

void *hm_alloc(size_t size) { return checked(hm_alloc_or_null(size), size); }

void *hm_alloc_zero(size_t size)
{
	void *p = hm_alloc(size);
	memset(p, 0, size);
	return p;
}
