/* Small-object allocation for the state's nodes, records and log cells.
 *
 * A step makes and frees dozens of small objects; malloc and free were
 * half the time of a step. Freed blocks go to a per-thread free list of
 * their size class (16-byte granularity up to 4 KiB) and are reused by
 * the next allocation of that class, up to 256 KiB per class; beyond
 * that, and for larger blocks, memory goes back to malloc. Sanitizer
 * builds (HM_SANITIZE) use malloc and free directly so that
 * use-after-free stays detectable.
 */
#ifndef HM_ALLOC_H
#define HM_ALLOC_H

#include <stddef.h>

void *hm_alloc(size_t size);        /* uninitialized, 16-byte aligned */
void *hm_alloc_zero(size_t size);   /* zeroed */
void hm_dealloc(void *p, size_t size); /* size as allocated */
/* hm_alloc, but NULL instead of an abort when memory runs out (for
 * callers that report it, as jansson does). Freed with hm_dealloc. */
void *hm_alloc_or_null(size_t size);

/* Blocks of whole cache lines (size a multiple of HM_LINE), each starting
 * on a line, for objects laid out by lines (log cells: their walked
 * fields share the first line). They have free lists of their own, so a
 * block another object freed never comes back misaligned. Freed with
 * hm_dealloc_lines only. */
#define HM_LINE 64u
void *hm_alloc_lines(size_t size); /* uninitialized */
void hm_dealloc_lines(void *p, size_t size);

#endif
