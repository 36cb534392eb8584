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

#ifdef HM_SANITIZE

void *hm_alloc(size_t size) { return checked_malloc(size); }
void hm_dealloc(void *p, size_t size)
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

static _Thread_local free_block *free_lists[NCLASSES];

static inline size_t class_of(size_t size) { return (size + GRAIN - 1) / GRAIN; }

void *hm_alloc(size_t size)
{
	if (size > MAX_SMALL)
		return checked_malloc(size);
	size_t c = class_of(size);
	free_block *b = free_lists[c];
	if (b) {
		free_lists[c] = b->next;
		return b;
	}
	return checked_malloc(c * GRAIN);
}

void hm_dealloc(void *p, size_t size)
{
	if (!p)
		return;
	if (size > MAX_SMALL) {
		free(p);
		return;
	}
	free_block *b = p;
	size_t c = class_of(size);
	b->next = free_lists[c];
	free_lists[c] = b;
}

#endif

void *hm_alloc_zero(size_t size)
{
	void *p = hm_alloc(size);
	memset(p, 0, size);
	return p;
}
