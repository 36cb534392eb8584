/* Parsing the records of a hardware log; see cli_hwlog_parse.h and
 * docs/hardware-logs.md for the format. Self-contained on purpose (the
 * library and glib only): tests/test_hwlog_parse.c links it alone. */
#include "cli_hwlog_parse.h"

#include <string.h>

#include "constants.h"

/* ---- registers ---- */

typedef struct reg_name {
	const char *name, *block;
} reg_name;

#define REG_CTXT(n) {#n, "ctxt_regs"},
#define REG_TRAP(n) {#n, "trap_regs"},
#define REG_STATE(n) {#n, "ctxt_states"},
static const reg_name registers[] = {HM_CTXT_REGS(REG_CTXT) HM_TRAP_REGS(REG_TRAP)
					     HM_CTXT_STATES(REG_STATE)};
#undef REG_CTXT
#undef REG_TRAP
#undef REG_STATE

const char *hwlog_register(const char *name, const char **block)
{
	for (size_t i = 0; i < G_N_ELEMENTS(registers); i++)
		if (strcmp(registers[i].name, name) == 0) {
			if (block)
				*block = registers[i].block;
			return registers[i].name;
		}
	return NULL;
}

/* ---- records ---- */

void hwlog_record_init(hwlog_record *r)
{
	memset(r, 0, sizeof *r);
	r->inputs = g_array_new(FALSE, FALSE, sizeof(hwlog_reg_in));
	r->oracles = g_array_new(FALSE, FALSE, sizeof(hwlog_oracle_in));
	r->obs = g_array_new(FALSE, FALSE, sizeof(hwlog_obs));
}

void hwlog_record_clear(hwlog_record *r)
{
	if (r->inputs)
		g_array_free(r->inputs, TRUE);
	if (r->oracles)
		g_array_free(r->oracles, TRUE);
	if (r->obs)
		g_array_free(r->obs, TRUE);
	memset(r, 0, sizeof *r);
}

/* Empties r for the next line, keeping its arrays. */
static void record_reset(hwlog_record *r)
{
	GArray *in = r->inputs, *orc = r->oracles, *obs = r->obs;
	memset(r, 0, sizeof *r);
	r->inputs = in;
	r->oracles = orc;
	r->obs = obs;
	g_array_set_size(in, 0);
	g_array_set_size(orc, 0);
	g_array_set_size(obs, 0);
}

/* ---- words ---- */

static bool space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* The words of s after its printk prefix: s is modified (NUL between
 * words). */
static GPtrArray *split_words(char *s)
{
	GPtrArray *w = g_ptr_array_new();
	char *p = s;
	for (;;) {
		while (space(*p))
			p++;
		if (!*p)
			break;
		g_ptr_array_add(w, p);
		while (*p && !space(*p))
			p++;
		if (*p)
			*p++ = '\0';
	}
	return w;
}

/* Skips what a kernel log puts before a message: a `<N>` log level and
 * `[...]` groups (timestamp, caller id), with the spaces around them. */
static const char *skip_prefix(const char *p)
{
	for (;;) {
		while (space(*p))
			p++;
		if (*p == '<') {
			const char *q = p + 1;
			while (g_ascii_isdigit(*q))
				q++;
			if (q == p + 1 || *q != '>')
				return p;
			p = q + 1;
		} else if (*p == '[') {
			const char *q = strchr(p, ']');
			if (!q)
				return p;
			p = q + 1;
		} else {
			return p;
		}
	}
}

static bool fail(GString *err, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static bool fail(GString *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	g_string_append_vprintf(err, fmt, ap);
	va_end(ap);
	return false;
}

/* A value: decimal (optionally negative), 0x hexadecimal, or a
 * constant's Coq name (hm_parse_z). */
static bool value(const char *word, const char *text, const char *what, hm_z *out, GString *err)
{
	if (!*text)
		return fail(err, "\"%s\": %s: missing value", word, what);
	if (hm_parse_z(text, out) == HM_OK)
		return true;
	return fail(err, "\"%s\": %s \"%s\" is not a number (decimal or 0x hex) nor a constant name",
		    word, what, text);
}

/* A component that may be `_` (not observed). */
static bool component(const char *word, const char *text, const char *what, hm_z *out,
		      GString *err)
{
	if (strcmp(text, "_") == 0) {
		*out = HM_UNOBSERVED;
		return true;
	}
	return value(word, text, what, out, err);
}

/* A word NAME=VALUE or NAME[K1,K2...]=VALUE, split in place: name, the
 * keys text (NULL without brackets) and the value text. */
typedef struct kv {
	char *name, *keys, *val;
} kv;

static bool split_kv(const char *word, char *buf, kv *out, GString *err)
{
	char *eq = strchr(buf, '=');
	if (!eq)
		return fail(err, "\"%s\": expected NAME=VALUE", word);
	*eq = '\0';
	out->name = buf;
	out->val = eq + 1;
	out->keys = NULL;
	char *br = strchr(buf, '[');
	if (br) {
		size_t n = strlen(br);
		if (n < 2 || br[n - 1] != ']')
			return fail(err, "\"%s\": expected NAME[KEY,...]=VALUE", word);
		br[n - 1] = '\0';
		*br = '\0';
		out->keys = br + 1;
	}
	if (!*out->name)
		return fail(err, "\"%s\": missing the name before '='", word);
	return true;
}

/* Splits text at commas into exactly n parts (in place). */
static bool split_n(const char *word, char *text, char **parts, int n, const char *what,
		    GString *err)
{
	int k = 0;
	char *p = text;
	for (;;) {
		if (k == n)
			return fail(err, "\"%s\": %s: expected %d comma-separated values", word, what, n);
		parts[k++] = p;
		char *c = strchr(p, ',');
		if (!c)
			break;
		*c = '\0';
		p = c + 1;
	}
	if (k != n)
		return fail(err, "\"%s\": %s: expected %d comma-separated values", word, what, n);
	return true;
}

static bool keys(const char *word, char *text, hm_z *out, int n, const char *names,
		 GString *err)
{
	char *parts[3];
	if (!text)
		return fail(err, "\"%s\": expected [%s]", word, names);
	if (!split_n(word, text, parts, n, names, err))
		return false;
	for (int i = 0; i < n; i++)
		if (!value(word, parts[i], names, &out[i], err))
			return false;
	return true;
}

static bool no_keys(const char *word, const kv *e, GString *err)
{
	if (e->keys)
		return fail(err, "\"%s\": %s takes no [...]", word, e->name);
	return true;
}

/* ---- observations ---- */

static bool obs_page_field(const char *word, kv *e, int field, hwlog_obs *o, GString *err)
{
	o->kind = HWLOG_OBS_PAGE;
	if (!keys(word, e->keys, o->key, 1, "pfn", err))
		return false;
	o->val[0] = o->val[1] = o->val[2] = HM_UNOBSERVED;
	return value(word, e->val, e->name, &o->val[field], err);
}

static bool obs_entry(const char *word, kv *e, hwlog_obs *o, GString *err)
{
	bool s2 = strcmp(e->name, "s2") == 0;
	int nk = s2 ? 3 - 1 : 3, nv = s2 ? 3 : 2;
	const char *knames = s2 ? "vmid,gfn" : "index,cbndx,iova";
	const char *vnames = s2 ? "pfn,level,pte" : "pfn,pte";
	o->kind = s2 ? HWLOG_OBS_S2 : HWLOG_OBS_SMMU;
	if (!keys(word, e->keys, o->key, nk, knames, err))
		return false;
	/* The checker's preconditions (include/hypsec_check.h), checked here
	 * so that a record is either wholly valid or rejected. */
	if (s2 && !is_vmid(o->key[0]))
		return fail(err, "\"%s\": vmid is not in 0..%d", word, (int)COREVISOR);
	if (s2 && !is_gfn(o->key[1]))
		return fail(err, "\"%s\": gfn is not in 0..KVM_GFN_SPACE-1", word);
	if (!s2 && !is_smmu(o->key[0]))
		return fail(err, "\"%s\": index is not in 0..%d", word, (int)SMMU_NUM - 1);
	if (!s2 && !is_smmu_cfg(o->key[1]))
		return fail(err, "\"%s\": cbndx is not in 0..%d", word, (int)SMMU_NUM_CTXT_BANKS - 1);
	if (!s2 && !is_smmu_addr(o->key[2]))
		return fail(err, "\"%s\": iova is not in 0..2^40-1", word);
	o->val[0] = o->val[1] = o->val[2] = HM_UNOBSERVED;
	if (strcmp(e->val, "unmapped") == 0) {
		o->mapped = false;
		return true;
	}
	o->mapped = true;
	char *parts[3];
	if (!split_n(word, e->val, parts, nv, vnames, err))
		return false;
	for (int i = 0; i < nv; i++)
		if (!component(word, parts[i], vnames, &o->val[i], err))
			return false;
	return true;
}

static bool observation(const char *word, hwlog_record *r, GString *err)
{
	char *buf = g_strdup(word);
	kv e;
	hwlog_obs o;
	memset(&o, 0, sizeof o);
	bool ok = split_kv(word, buf, &e, err);
	if (!ok) {
	} else if (strcmp(e.name, "ret") == 0) {
		o.kind = HWLOG_OBS_RET;
		ok = no_keys(word, &e, err) && value(word, e.val, "ret", &o.val[0], err);
		if (ok && !r->op)
			ok = fail(err, "\"%s\": ret= belongs to a record with an op", word);
	} else if (strcmp(e.name, "owner") == 0) {
		ok = obs_page_field(word, &e, 0, &o, err);
	} else if (strcmp(e.name, "count") == 0) {
		ok = obs_page_field(word, &e, 1, &o, err);
	} else if (strcmp(e.name, "gfn") == 0) {
		ok = obs_page_field(word, &e, 2, &o, err);
	} else if (strcmp(e.name, "page") == 0) {
		char *parts[3];
		o.kind = HWLOG_OBS_PAGE;
		ok = keys(word, e.keys, o.key, 1, "pfn", err) &&
		     split_n(word, e.val, parts, 3, "owner,count,gfn", err);
		for (int i = 0; ok && i < 3; i++)
			ok = component(word, parts[i], "owner,count,gfn", &o.val[i], err);
	} else if (strcmp(e.name, "s2") == 0 || strcmp(e.name, "smmu") == 0) {
		ok = obs_entry(word, &e, &o, err);
	} else if (strcmp(e.name, "halt") == 0) {
		o.kind = HWLOG_OBS_HALT;
		ok = no_keys(word, &e, err);
		if (ok && (strcmp(e.val, "1") == 0 || strcmp(e.val, "true") == 0))
			o.val[0] = 1;
		else if (ok && (strcmp(e.val, "0") == 0 || strcmp(e.val, "false") == 0))
			o.val[0] = 0;
		else if (ok)
			ok = fail(err, "\"%s\": halt is 0 or 1", word);
	} else if ((o.reg = hwlog_register(e.name, NULL))) {
		o.kind = HWLOG_OBS_REG;
		ok = no_keys(word, &e, err) && value(word, e.val, e.name, &o.val[0], err);
	} else {
		ok = fail(err, "\"%s\": unknown observation \"%s\" (ret, owner, count, gfn, page, s2, "
			       "smmu, halt, or a register by its Coq name)",
			  word, e.name);
	}
	if (ok)
		g_array_append_val(r->obs, o);
	g_free(buf);
	return ok;
}

/* ---- inputs of an op ---- */

static bool input(const char *word, hwlog_record *r, bool seen[], GString *err)
{
	char *buf = g_strdup(word);
	kv e;
	bool ok = split_kv(word, buf, &e, err);
	const char *block, *reg;
	unsigned j = 0;
	if (ok && !e.keys)
		for (j = 0; j < r->op->nargs; j++)
			if (strcmp(r->op->args[j], e.name) == 0)
				break;
	if (!ok) {
	} else if (!e.keys && j < r->op->nargs) {
		if (seen[j])
			ok = fail(err, "\"%s\": argument %s given twice", word, e.name);
		else
			ok = value(word, e.val, e.name, &r->args[j].value, err);
		seen[j] = true;
	} else if (strcmp(e.name, "doracle") == 0 || strcmp(e.name, "core_doracle") == 0) {
		hwlog_oracle_in in = {.core = e.name[0] == 'c'};
		hm_z k[2];
		ok = keys(word, e.keys, k, 2, "vmid,logn", err) &&
		     value(word, e.val, e.name, &in.value, err);
		in.vmid = k[0];
		in.logn = k[1];
		if (ok)
			g_array_append_val(r->oracles, in);
	} else if (!e.keys && (reg = hwlog_register(e.name, &block))) {
		hwlog_reg_in in = {reg, block, 0};
		ok = value(word, e.val, e.name, &in.value, err);
		if (ok)
			g_array_append_val(r->inputs, in);
	} else {
		GString *names = g_string_new(NULL);
		for (unsigned i = 0; i < r->op->nargs; i++)
			g_string_append_printf(names, "%s%s", i ? ", " : "", r->op->args[i]);
		ok = fail(err, "\"%s\": \"%s\" is not an argument of %s (%s), a register or "
			       "doracle[VMID,LOGN]",
			  word, e.name, r->op->name, r->op->nargs ? names->str : "it takes none");
		g_string_free(names, TRUE);
	}
	g_free(buf);
	return ok;
}

static bool result_word(const char *word, hm_result_kind *out, GString *err)
{
	for (int k = HM_RESULT_OK; k <= HM_RESULT_RELY; k++)
		if (strcmp(word, hm_result_kind_name((hm_result_kind)k)) == 0) {
			*out = (hm_result_kind)k;
			return true;
		}
	return fail(err, "\"%s\": expected a result after \"->\": ok, halt, stuck or rely", word);
}

/* "NAME=N" with N a non-negative integer, into *out. */
static bool number_field(const char *word, const char *name, hm_z *out, GString *err)
{
	size_t n = strlen(name);
	if (strncmp(word, name, n) != 0 || word[n] != '=')
		return false;
	if (hm_parse_z(word + n + 1, out) != HM_OK || *out < 0)
		return fail(err, "\"%s\": %s is not a non-negative number", word, name);
	return true;
}

static bool parse_body(GPtrArray *w, size_t i, int cpus, hwlog_record *r, GString *err)
{
	const char *word;
#define NEXT() (i < w->len ? (const char *)g_ptr_array_index(w, i) : NULL)
	word = NEXT();
	hm_z v;
	if (word && g_str_has_prefix(word, "seq=")) {
		if (!number_field(word, "seq", &v, err))
			return false;
		r->has_seq = true;
		r->seq = v;
		word = (++i, NEXT());
	}
	if (!word || !g_str_has_prefix(word, "cpu="))
		return fail(err, "expected cpu=N after \"%s %d\"%s", HWLOG_MARKER, HWLOG_VERSION,
			    r->has_seq ? " and seq=N" : "");
	if (!number_field(word, "cpu", &v, err))
		return false;
	int max = cpus > 0 ? cpus : (int)TOTAL_CPU;
	if (v >= max)
		return fail(err, "\"%s\": cpu is not in 0..%d%s", word, max - 1,
			    cpus > 0 ? " (the config's cpus)" : "");
	r->cpu = (int)v;
	word = (++i, NEXT());
	if (word && strcmp(word, "obs") == 0) {
		if (++i >= w->len)
			return fail(err, "\"obs\": no observation follows");
		for (; i < w->len; i++) {
			word = NEXT();
			if (strcmp(word, "->") == 0)
				return fail(err, "\"->\": a record of observations has no result");
			if (!observation(word, r, err))
				return false;
		}
		return true;
	}
	if (!word || !g_str_has_prefix(word, "op="))
		return fail(err, "expected op=NAME or obs after cpu=%d", r->cpu);
	r->op = hm_op_find(word + 3);
	if (!r->op)
		return fail(err, "\"%s\": unknown op \"%s\" (hypsec-model ops lists them)", word,
			    word + 3);
	for (unsigned j = 0; j < r->op->nargs; j++)
		r->args[j].name = r->op->args[j];
	r->nargs = r->op->nargs;
	bool seen[HM_OP_MAX_ARGS] = {0};
	for (i++; (word = NEXT()) && strcmp(word, "->") != 0; i++)
		if (!input(word, r, seen, err))
			return false;
	for (unsigned j = 0; j < r->op->nargs; j++)
		if (!seen[j])
			return fail(err, "missing argument %s=V of %s", r->op->args[j], r->op->name);
	if (!word)
		return fail(err, "missing \"-> RESULT\" after the arguments of %s", r->op->name);
	word = (++i, NEXT());
	if (!word)
		return fail(err, "missing the result after \"->\" (ok, halt, stuck or rely)");
	if (!result_word(word, &r->result, err))
		return false;
	for (i++; (word = NEXT()); i++)
		if (!observation(word, r, err))
			return false;
	return true;
#undef NEXT
}

int hwlog_parse_line(const char *line, int cpus, hwlog_record *r, GString *err)
{
	record_reset(r);
	const char *p = skip_prefix(line);
	size_t m = strlen(HWLOG_MARKER);
	if (strncmp(p, HWLOG_MARKER, m) != 0 || (p[m] && !space(p[m])))
		return 0;
	char *copy = g_strdup(p + m);
	GPtrArray *w = split_words(copy);
	bool ok;
	if (w->len == 0) {
		ok = fail(err, "missing the format version after \"%s\"", HWLOG_MARKER);
	} else {
		const char *ver = g_ptr_array_index(w, 0);
		hm_z v;
		bool digits = *ver != '\0';
		for (const char *c = ver; *c; c++)
			digits = digits && g_ascii_isdigit(*c);
		if (!digits || hm_parse_z(ver, &v) != HM_OK)
			ok = fail(err, "\"%s\": expected the format version after \"%s\" (%d)", ver,
				  HWLOG_MARKER, HWLOG_VERSION);
		else if (v != HWLOG_VERSION)
			ok = fail(err, "\"%s %s\": format version %s; this reader knows version %d",
				  HWLOG_MARKER, ver, ver, HWLOG_VERSION);
		else
			ok = parse_body(w, 1, cpus, r, err);
	}
	g_ptr_array_free(w, TRUE);
	g_free(copy);
	if (!ok)
		record_reset(r);
	return ok ? 1 : -1;
}
