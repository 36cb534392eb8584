#include "alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *checked_malloc(size_t size)
{
	void *p = malloc(size);
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
	void *p = aligned_alloc(HM_LINE, size);
	if (!p) {
		fprintf(stderr, "hypsec-model: out of memory (%zu bytes)\n", size);
		abort();
	}
	return p;
}

#ifdef HM_SANITIZE

void *hm_alloc(size_t size) { return checked_malloc(size); }
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

static _Thread_local free_block *free_lists[NCLASSES];
static _Thread_local size_t free_counts[NCLASSES];

/* The same for line-aligned blocks, a class per line count. */
#define NLINE_CLASSES (MAX_SMALL / HM_LINE + 1)
static _Thread_local free_block *line_lists[NLINE_CLASSES];
static _Thread_local size_t line_counts[NLINE_CLASSES];

static inline size_t class_of(size_t size) { return (size + GRAIN - 1) / GRAIN; }

void *hm_alloc(size_t size)
{
	if (size > MAX_SMALL)
		return checked_malloc(size);
	size_t c = class_of(size);
	free_block *b = free_lists[c];
	if (b) {
		free_lists[c] = b->next;
		free_counts[c]--;
		return b;
	}
	return checked_malloc(c * GRAIN);
}

void hm_dealloc(void *p, size_t size)
{
	if (!p)
		return;
	size_t c = class_of(size);
	if (size > MAX_SMALL || free_counts[c] * c * GRAIN >= MAX_LIST_BYTES) {
		free(p);
		return;
	}
	free_block *b = p;
	b->next = free_lists[c];
	free_lists[c] = b;
	free_counts[c]++;
}

void *hm_alloc_lines(size_t size)
{
	size_t c = size / HM_LINE;
	free_block *b = size <= MAX_SMALL && size % HM_LINE == 0 ? line_lists[c] : NULL;
	if (b) {
		line_lists[c] = b->next;
		line_counts[c]--;
		return b;
	}
	return checked_aligned_alloc(size);
}

void hm_dealloc_lines(void *p, size_t size)
{
	if (!p)
		return;
	size_t c = size / HM_LINE;
	if (size > MAX_SMALL || line_counts[c] * size >= MAX_LIST_BYTES) {
		free(p);
		return;
	}
	free_block *b = p;
	b->next = line_lists[c];
	line_lists[c] = b;
	line_counts[c]++;
}

#endif

void *hm_alloc_zero(size_t size)
{
	void *p = hm_alloc(size);
	memset(p, 0, size);
	return p;
}
