/* Integers in JSON and in text (TRACE-FORMAT.md: Values). */
#include <ctype.h>
#include <string.h>

#include "constants.h"
#include "json.h"

#define Z_MIN64 (-((hm_z)1 << 63))
#define Z_MAX64U (((hm_z)1 << 64) - 1)

typedef enum { NUM_NOT = 0, NUM_OK = 1, NUM_RANGE = 2 } num_result;

/* Parses decimal or 0x hex digits with an optional leading '-', and
 * checks the 64-bit range the contract accepts (-2^63 .. 2^64-1). */
static num_result parse_number(const char *s, hm_z *out)
{
	bool neg = false;
	if (*s == '-') {
		neg = true;
		s++;
	}
	hm_z v = 0;
	int base = 10;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return NUM_NOT;
	bool too_big = false;
	for (; *s; s++) {
		int d;
		if (isdigit((unsigned char)*s))
			d = *s - '0';
		else if (base == 16 && isxdigit((unsigned char)*s))
			d = tolower((unsigned char)*s) - 'a' + 10;
		else
			return NUM_NOT;
		if (!too_big)
			v = v * base + d;
		if (v > Z_MAX64U + 1)
			too_big = true; /* keep scanning: "1e5x" is not a number at all */
	}
	v = neg ? -v : v;
	if (too_big || v < Z_MIN64 || v > Z_MAX64U)
		return NUM_RANGE;
	*out = v;
	return NUM_OK;
}

hm_error hm_parse_z(const char *text, hm_z *out)
{
	hm_z v;
	if (!text || !*text)
		return HM_EINVAL;
	num_result r = parse_number(text, &v);
	if (r == NUM_RANGE)
		return HM_EINVAL;
	if (r == NUM_OK) {
		*out = v;
		return HM_OK;
	}
	if (hm_constant_lookup(text, &v)) {
		*out = v;
		return HM_OK;
	}
	return HM_ENOTFOUND;
}

bool hm_json_to_z(const json_t *j, hm_z *out, const char **why)
{
	if (json_is_integer(j)) {
		*out = json_integer_value(j);
		return true;
	}
	if (json_is_string(j)) {
		const char *s = json_string_value(j);
		hm_z v;
		num_result r = parse_number(s, &v);
		if (r == NUM_RANGE) {
			*why = "out of range (-2^63 .. 2^64-1)";
			return false;
		}
		if (r == NUM_OK) {
			*out = v;
			return true;
		}
		if (hm_constant_lookup(s, &v)) {
			*out = v;
			return true;
		}
		*why = "not an integer nor the name of a constant";
		return false;
	}
	if (json_is_real(j))
		*why = "not an integer (a fraction or exponent)";
	else
		*why = "not an integer";
	return false;
}

static char *hex_text(hm_z v, char *buf)
{
	hm_uz u = v < 0 ? (hm_uz)(-v) : (hm_uz)v;
	char tmp[40];
	int n = 0;
	do {
		tmp[n++] = "0123456789abcdef"[u & 15];
		u >>= 4;
	} while (u);
	char *p = buf;
	if (v < 0)
		*p++ = '-';
	*p++ = '0';
	*p++ = 'x';
	while (n)
		*p++ = tmp[--n];
	*p = 0;
	return buf;
}

char *hm_format_z(hm_z v, char *buf)
{
	hm_uz u = v < 0 ? (hm_uz)(-v) : (hm_uz)v;
	char tmp[48];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u);
	char *p = buf;
	if (v < 0)
		*p++ = '-';
	while (n)
		*p++ = tmp[--n];
	*p = 0;
	return buf;
}

json_t *hm_json_from_z(hm_z v)
{
	const hm_z limit = (hm_z)1 << 53;
	if (v > -limit && v < limit)
		return json_integer((json_int_t)v);
	char buf[48];
	return json_string(hex_text(v, buf));
}

char *hm_key_text(hm_z key, char *buf)
{
	if (key >= 0 && key < 65536)
		return hm_format_z(key, buf);
	return hex_text(key, buf);
}
