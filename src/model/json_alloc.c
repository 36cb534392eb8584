/* jansson's memory (json.h: hm_json_use_small_alloc, hm_json_text_free). */
#include "json.h"

#include <stdint.h>
#include <stdlib.h>

#include "alloc.h"

/* jansson frees without a size and hm_dealloc needs one: each block
 * carries its size in a header of one alignment unit, so that what
 * jansson gets stays aligned as malloc's. */
typedef union block_header {
	size_t size;
	max_align_t align_;
} block_header;

/* NULL when memory runs out, as malloc: jansson reports it. */
static void *small_malloc(size_t size)
{
	if (size > SIZE_MAX - sizeof(block_header))
		return NULL;
	block_header *h = hm_alloc_or_null(sizeof *h + size);
	if (!h)
		return NULL;
	h->size = sizeof *h + size;
	return h + 1;
}

static void small_free(void *p)
{
	if (!p)
		return;
	block_header *h = (block_header *)p - 1;
	hm_dealloc(h, h->size);
}

void hm_json_use_small_alloc(void) { json_set_alloc_funcs(small_malloc, small_free); }

void hm_json_text_free(char *text)
{
	json_free_t free_fn = free;
	json_get_alloc_funcs(NULL, &free_fn);
	free_fn(text);
}
