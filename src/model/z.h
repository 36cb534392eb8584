/* Coq's Z in C.
 *
 * The seeds compute on unbounded integers. Every input of a spec function
 * is at most 64 bits wide (unsigned), and the arithmetic the specs do on
 * them (addr + PAGE_SIZE, pfn * PAGE_SIZE, INVALID64, -1, gfn + 1 ...)
 * stays far inside 127 bits, so __int128 represents every value exactly.
 *
 * Coq's Z.div and Z.modulo round toward minus infinity, C's / and % toward
 * zero; the helpers below give the Coq results on negative operands too.
 */
#ifndef HM_Z_H
#define HM_Z_H

#include <stdbool.h>
#include <stdint.h>

#include "hypsec_model.h"

typedef unsigned __int128 hm_uz;

/* Z.div: floor division; x / 0 = 0 as in Coq. */
static inline hm_z z_div(hm_z x, hm_z y)
{
	if (y == 0)
		return 0;
	hm_z q = x / y;
	if ((x % y != 0) && ((x < 0) != (y < 0)))
		q -= 1;
	return q;
}

/* Z.modulo: result has the sign of y; x mod 0 = x as in Coq. */
static inline hm_z z_mod(hm_z x, hm_z y)
{
	if (y == 0)
		return x;
	hm_z r = x % y;
	if (r != 0 && ((r < 0) != (y < 0)))
		r += y;
	return r;
}

/* Z.shiftr on two's complement (arithmetic), Z.shiftl. Shifts of 127 or
 * more saturate, as Z's would for the values the model holds. */
static inline hm_z z_shiftr(hm_z x, hm_z n)
{
	if (n <= 0)
		return x;
	if (n >= 127)
		return x < 0 ? -1 : 0;
	return x >> n;
}

static inline hm_z z_shiftl(hm_z x, hm_z n)
{
	if (n <= 0)
		return x;
	if (n >= 127)
		return 0;
	return (hm_z)((hm_uz)x << n);
}

static inline hm_z z_land(hm_z a, hm_z b) { return a & b; }
static inline hm_z z_lor(hm_z a, hm_z b) { return a | b; }

/* Z.to_nat: negative values become 0. */
static inline hm_z z_to_nat(hm_z x) { return x < 0 ? 0 : x; }

#endif
