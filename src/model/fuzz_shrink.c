/* Shrinking a failing sequence: every candidate is re-run from a fresh
 * model, and kept when it still fails like the target (same kind and
 * invariant, op, or op and reason; hm_fuzz_failure_same).
 *
 * 1. Steps: delta debugging (drop chunks of halving size, down to single
 *    steps); the steps after the failing one are dropped too.
 * 2. Values: first each value several slots share (a pfn assigned then
 *    granted), replaced in all of them at once; then each argument,
 *    register and core_doracle answer on its own, at simpler values (0, 1, the value with low bits cleared, half of it,
 *    RAM's first pfn and address, INVALID), smallest first; a register
 *    assignment or oracle answer is dropped when it is not needed; each
 *    step's CPU is tried at lower numbers, and the CPUs renumbered
 *    densely so that the config asks for no more than are used.
 * Both passes repeat until neither changes anything: then no single
 * change keeps the failure. */
#include <string.h>

#include "fuzz_internal.h"

typedef struct shrink {
	hm_fuzz *f;
	const hm_fuzz_failure *target;
	size_t runs, budget;
} shrink;

/* seq[0..*n) with cpus fails like the target; *n is cut after the
 * failing step. */
static bool fails(shrink *k, const hm_fuzz_step *seq, size_t *n, int cpus)
{
	if (k->runs >= k->budget || !*n)
		return false;
	k->runs++;
	hm_fuzz_failure out;
	size_t i = hm_fuzz_rerun_for(k->f, seq, *n, cpus, k->target, &out, NULL);
	bool ok = out.kind != HM_FUZZ_NONE && hm_fuzz_failure_same(&out, k->target);
	if (ok)
		*n = i + 1;
	hm_fuzz_failure_clear(&out);
	return ok;
}

/* ---- steps ---- */

static bool drop_steps(shrink *k, GArray *seq, int cpus)
{
	bool changed = false;
	size_t gran = 2;
	GArray *cand = g_array_new(FALSE, FALSE, sizeof(hm_fuzz_step));
	while (seq->len >= 2) {
		size_t len = seq->len, chunk = (len + gran - 1) / gran;
		bool reduced = false;
		for (size_t start = 0; start < len && !reduced; start += chunk) {
			g_array_set_size(cand, 0);
			g_array_append_vals(cand, seq->data, start);
			size_t end = start + chunk < len ? start + chunk : len;
			g_array_append_vals(cand, &g_array_index(seq, hm_fuzz_step, end), len - end);
			size_t n = cand->len;
			if (fails(k, (hm_fuzz_step *)(void *)cand->data, &n, cpus)) {
				g_array_set_size(seq, 0);
				g_array_append_vals(seq, cand->data, n);
				gran = gran > 2 ? gran - 1 : 2;
				reduced = changed = true;
			}
		}
		if (!reduced) {
			if (gran >= len)
				break;
			gran = gran * 2 < len ? gran * 2 : len;
		}
	}
	g_array_free(cand, TRUE);
	return changed;
}

/* ---- values ---- */

static hm_z zabs(hm_z v) { return v < 0 ? -v : v; }

static int cmp_abs(const void *a, const void *b)
{
	hm_z x = zabs(*(const hm_z *)a), y = zabs(*(const hm_z *)b);
	return x < y ? -1 : x > y;
}

/* Values simpler than v (smaller in magnitude), simplest first. */
static size_t simpler(hm_z v, hm_z *out)
{
	hm_z c[16];
	size_t n = 0;
	c[n++] = 0;
	c[n++] = 1;
	c[n++] = 0x40000;     /* the first pfn of the fuzzer's RAM */
	c[n++] = 0x40000000;  /* its first address */
	c[n++] = INVALID;
	c[n++] = v / 2;
	if (v > 0)
		for (int bits = 4; bits <= 24; bits += 4)
			c[n++] = z_land(v, ~(((hm_z)1 << bits) - 1));
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (zabs(c[i]) >= zabs(v))
			continue;
		bool dup = false;
		for (size_t j = 0; j < m; j++)
			dup = dup || out[j] == c[i];
		if (!dup)
			out[m++] = c[i];
	}
	qsort(out, m, sizeof(hm_z), cmp_abs);
	return m;
}

/* The value slots of a step: arguments, register values, core_doracle
 * answers. */
static size_t value_slots(hm_fuzz_step *s, hm_z **out)
{
	size_t n = 0;
	for (unsigned j = 0; j < hm_op_at(s->op)->nargs; j++)
		out[n++] = &s->argv[j];
	for (unsigned r = 0; r < s->nregs; r++)
		out[n++] = &s->regv[r];
	for (unsigned c = 0; c < s->ncore; c++)
		out[n++] = &s->core[c];
	return n;
}

/* Replaces v by c in every slot of every step (a pfn the steps share
 * changes in all of them at once). */
static void substitute(GArray *seq, hm_z v, hm_z c)
{
	hm_z *slots[HM_OP_MAX_ARGS + HM_FUZZ_MAX_REGS + HM_FUZZ_MAX_CORE];
	for (guint i = 0; i < seq->len; i++) {
		size_t n = value_slots(&g_array_index(seq, hm_fuzz_step, i), slots);
		for (size_t k = 0; k < n; k++)
			if (*slots[k] == v)
				*slots[k] = c;
	}
}

/* Each value that occurs in several slots, replaced everywhere at once by
 * a simpler one. */
static bool simplify_shared_values(shrink *k, GArray *seq, int cpus)
{
	bool changed = false;
	hm_z *slots[HM_OP_MAX_ARGS + HM_FUZZ_MAX_REGS + HM_FUZZ_MAX_CORE];
	for (guint i = 0; i < seq->len; i++) {
		size_t n = value_slots(&g_array_index(seq, hm_fuzz_step, i), slots);
		for (size_t j = 0; j < n; j++) {
			hm_z v = *slots[j];
			unsigned uses = 0;
			hm_z *other[HM_OP_MAX_ARGS + HM_FUZZ_MAX_REGS + HM_FUZZ_MAX_CORE];
			for (guint i2 = 0; i2 < seq->len; i2++) {
				size_t n2 = value_slots(&g_array_index(seq, hm_fuzz_step, i2), other);
				for (size_t j2 = 0; j2 < n2; j2++)
					uses += *other[j2] == v;
			}
			if (uses < 2)
				continue;
			hm_z cand[16];
			size_t nc = simpler(v, cand);
			for (size_t c = 0; c < nc; c++) {
				GArray *copy = g_array_copy(seq);
				substitute(copy, v, cand[c]);
				size_t len = copy->len;
				if (fails(k, (hm_fuzz_step *)(void *)copy->data, &len, cpus)) {
					g_array_set_size(seq, 0);
					g_array_append_vals(seq, copy->data, len);
					g_array_free(copy, TRUE);
					changed = true;
					/* the same buffer, maybe shorter: the slots
					 * still point into it */
					break;
				}
				g_array_free(copy, TRUE);
			}
			if (i >= seq->len)
				return changed;
		}
	}
	return changed;
}

/* Tries the simpler values of *slot (a field of seq's step); keeps the
 * first that fails like the target. */
static bool simplify_value(shrink *k, GArray *seq, int cpus, hm_z *slot)
{
	hm_z cand[16];
	size_t nc = simpler(*slot, cand);
	hm_z orig = *slot;
	for (size_t i = 0; i < nc; i++) {
		*slot = cand[i];
		size_t n = seq->len;
		if (fails(k, (hm_fuzz_step *)(void *)seq->data, &n, cpus)) {
			g_array_set_size(seq, n);
			return true;
		}
	}
	*slot = orig;
	return false;
}

/* Drops register assignment r of step i if the failure stays. */
static bool drop_reg(shrink *k, GArray *seq, int cpus, size_t i, unsigned r)
{
	hm_fuzz_step *s = &g_array_index(seq, hm_fuzz_step, i);
	hm_fuzz_step saved = *s;
	for (unsigned j = r; j + 1 < s->nregs; j++) {
		s->reg[j] = s->reg[j + 1];
		s->regv[j] = s->regv[j + 1];
	}
	s->nregs--;
	size_t n = seq->len;
	if (fails(k, (hm_fuzz_step *)(void *)seq->data, &n, cpus)) {
		g_array_set_size(seq, n);
		return true;
	}
	*s = saved;
	return false;
}

static bool drop_core(shrink *k, GArray *seq, int cpus, size_t i)
{
	hm_fuzz_step *s = &g_array_index(seq, hm_fuzz_step, i);
	if (!s->ncore)
		return false;
	s->ncore--;
	size_t n = seq->len;
	if (fails(k, (hm_fuzz_step *)(void *)seq->data, &n, cpus)) {
		g_array_set_size(seq, n);
		return true;
	}
	s->ncore++;
	return false;
}

static bool lower_cpu(shrink *k, GArray *seq, int cpus, size_t i)
{
	hm_fuzz_step *s = &g_array_index(seq, hm_fuzz_step, i);
	int orig = s->cpu;
	for (int c = 0; c < orig; c++) {
		s->cpu = c;
		size_t n = seq->len;
		if (fails(k, (hm_fuzz_step *)(void *)seq->data, &n, cpus)) {
			g_array_set_size(seq, n);
			return true;
		}
	}
	s->cpu = orig;
	return false;
}

static bool simplify_values(shrink *k, GArray *seq, int cpus)
{
	bool changed = false;
	for (size_t i = 0; i < seq->len; i++) {
		hm_fuzz_step *s = &g_array_index(seq, hm_fuzz_step, i);
		unsigned nargs = hm_op_at(s->op)->nargs;
		changed |= lower_cpu(k, seq, cpus, i);
		for (unsigned r = 0; i < seq->len && r < g_array_index(seq, hm_fuzz_step, i).nregs;)
			if (!drop_reg(k, seq, cpus, i, r))
				r++;
			else
				changed = true;
		while (i < seq->len && drop_core(k, seq, cpus, i))
			changed = true;
		for (unsigned j = 0; i < seq->len && j < nargs; j++) {
			s = &g_array_index(seq, hm_fuzz_step, i);
			changed |= simplify_value(k, seq, cpus, &s->argv[j]);
		}
		for (unsigned r = 0; i < seq->len && r < g_array_index(seq, hm_fuzz_step, i).nregs; r++) {
			s = &g_array_index(seq, hm_fuzz_step, i);
			changed |= simplify_value(k, seq, cpus, &s->regv[r]);
		}
		for (unsigned c = 0; i < seq->len && c < g_array_index(seq, hm_fuzz_step, i).ncore; c++) {
			s = &g_array_index(seq, hm_fuzz_step, i);
			changed |= simplify_value(k, seq, cpus, &s->core[c]);
			s = &g_array_index(seq, hm_fuzz_step, i);
			if (c == 0)
				changed |= simplify_value(k, seq, cpus, &s->core_vmid);
		}
	}
	return changed;
}

/* Renumbers the CPUs in order of first use and asks for no more. */
static bool fewer_cpus(shrink *k, GArray *seq, int *cpus)
{
	int map[8], used = 0;
	for (int c = 0; c < 8; c++)
		map[c] = -1;
	GArray *cand = g_array_new(FALSE, FALSE, sizeof(hm_fuzz_step));
	g_array_append_vals(cand, seq->data, seq->len);
	for (guint i = 0; i < cand->len; i++) {
		hm_fuzz_step *s = &g_array_index(cand, hm_fuzz_step, i);
		if (map[s->cpu] < 0)
			map[s->cpu] = used++;
		s->cpu = map[s->cpu];
	}
	bool changed = false;
	size_t n = cand->len;
	if (used && used < *cpus && fails(k, (hm_fuzz_step *)(void *)cand->data, &n, used)) {
		g_array_set_size(seq, 0);
		g_array_append_vals(seq, cand->data, n);
		*cpus = used;
		changed = true;
	}
	g_array_free(cand, TRUE);
	return changed;
}

size_t hm_fuzz_shrink(hm_fuzz *f, GArray *steps, int *cpus, const hm_fuzz_failure *target)
{
	shrink k = {f, target, 0, 20000};
	if (target->step + 1 < steps->len)
		g_array_set_size(steps, target->step + 1);
	bool changed = true;
	while (changed && k.runs < k.budget) {
		changed = drop_steps(&k, steps, *cpus);
		changed |= fewer_cpus(&k, steps, cpus);
		changed |= simplify_shared_values(&k, steps, *cpus);
		changed |= simplify_values(&k, steps, *cpus);
	}
	return k.runs;
}
