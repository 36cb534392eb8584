/* Reading and validating traces; see cli_trace_reader.h. */
#include "cli_trace_reader.h"

#include <errno.h>
#include <string.h>

#include "json.h"
#include "model.h"

#define TRACE_FORMAT "hypsec-trace/1"

/* ---- messages ---- */

static void where_file(GString *out, const cli_trace *t, size_t line)
{
	g_string_append_printf(out, "%s: ", t->file);
	if (t->jsonl && line)
		g_string_append_printf(out, "line %zu: ", line);
}

void cli_step_where(GString *out, const cli_trace *t, const cli_step *s)
{
	where_file(out, t, s ? s->line : t->line);
	if (s)
		g_string_append_printf(out, "step %zu: ", s->index);
}

/* Library messages start with a path relative to the value they were
 * given ("shared.s2page[0x1]: ...", "(state): ..."); put prefix first. */
void cli_prefixed(GString *out, const char *prefix, const char *msg)
{
	if (!prefix || !*prefix) {
		g_string_append(out, msg);
		return;
	}
	if (g_str_has_prefix(msg, "(state)"))
		g_string_append_printf(out, "%s%s", prefix, msg + strlen("(state)"));
	else if (msg[0] == '[')
		g_string_append_printf(out, "%s%s", prefix, msg);
	else
		g_string_append_printf(out, "%s.%s", prefix, msg);
}

void cli_step_error(GString *err, const cli_trace *t, const cli_step *s, const char *prefix,
		    const char *msg)
{
	cli_step_where(err, t, s);
	cli_prefixed(err, prefix, msg);
}

static bool step_fail(GString *err, const cli_trace *t, const cli_step *s, const char *fmt, ...)
	G_GNUC_PRINTF(4, 5);

static bool step_fail(GString *err, const cli_trace *t, const cli_step *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cli_step_where(err, t, s);
	g_string_append_vprintf(err, fmt, ap);
	va_end(ap);
	return false;
}

static bool header_fail(GString *err, const cli_trace *t, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static bool header_fail(GString *err, const cli_trace *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	where_file(err, t, 1);
	g_string_append_vprintf(err, fmt, ap);
	va_end(ap);
	return false;
}

/* ---- the op table, by name ---- */

/* The op named name and its index in the op table (for the fast
 * hm_model_step_index), or NULL. */
static const hm_op_def *find_op(const char *name, size_t *index)
{
	static GHashTable *ops;
	if (!ops) {
		ops = g_hash_table_new(g_str_hash, g_str_equal);
		for (size_t i = 0; i < hm_op_total(); i++)
			g_hash_table_insert(ops, (gpointer)hm_op_at(i)->name, GSIZE_TO_POINTER(i + 1));
	}
	size_t i = GPOINTER_TO_SIZE(g_hash_table_lookup(ops, name));
	if (!i)
		return NULL;
	*index = i - 1;
	return hm_op_at(i - 1);
}

/* ---- the header ---- */

static const char *const header_fields[] = {"format", "name", "description", "config", "init",
					    "steps", NULL};

static bool known(const char *key, const char *const *names)
{
	for (; *names; names++)
		if (strcmp(key, *names) == 0)
			return true;
	return false;
}

static bool optional_string(const cli_trace *t, const char *field, const char **out, GString *err)
{
	const json_t *v = json_object_get(t->root, field);
	*out = NULL;
	if (!v)
		return true;
	if (!json_is_string(v))
		return header_fail(err, t, "%s: expected a string", field);
	*out = json_string_value(v);
	return true;
}

static bool read_header(cli_trace *t, GString *err)
{
	if (!json_is_object(t->root))
		return header_fail(err, t, "expected the trace object {\"format\": \"%s\", ...}",
				   TRACE_FORMAT);
	const char *key;
	json_t *v;
	json_object_foreach(t->root, key, v)
	{
		if (!known(key, header_fields))
			return header_fail(err, t, "%s: unknown field of the trace object (format, name, "
						   "description, config, init, steps)", key);
	}
	const char *format;
	if (!optional_string(t, "format", &format, err) || !optional_string(t, "name", &t->name, err) ||
	    !optional_string(t, "description", &t->description, err))
		return false;
	if (format && strcmp(format, TRACE_FORMAT) != 0)
		return header_fail(err, t, "format: \"%s\" is not \"%s\"", format, TRACE_FORMAT);

	const json_t *config = json_object_get(t->root, "config");
	if (config) {
		char *text = cli_json_text(config, false), *cerr = NULL;
		t->config = hm_config_from_json(text, &cerr);
		g_free(text);
		if (!t->config) {
			header_fail(err, t, "%s", cerr ? cerr : "config: invalid");
			g_free(cerr);
			return false;
		}
	} else {
		t->config = hm_config_new();
	}
	t->cpus = t->config->cpus;

	t->init = json_object_get(t->root, "init");
	if (t->init && !json_is_object(t->init))
		return header_fail(err, t, "init: expected a partial state (an object)");

	const json_t *steps = json_object_get(t->root, "steps");
	if (t->jsonl) {
		if (steps)
			return header_fail(err, t, "steps: in a .jsonl trace the steps follow the first "
						   "line, one a line");
	} else if (steps && !json_is_array(steps)) {
		return header_fail(err, t, "steps: expected an array of steps");
	}
	t->steps = steps;
	return true;
}

static bool blank(const char *s)
{
	for (; *s; s++)
		if (!g_ascii_isspace(*s))
			return false;
	return true;
}

/* The next non-blank line of a JSON Lines trace: 1, 0 at the end, -1 on
 * a read error. */
static int read_line(cli_trace *t, GString *err)
{
	for (;;) {
		errno = 0;
		ssize_t n = getline(&t->buf, &t->cap, t->fp);
		if (n < 0) {
			if (ferror(t->fp)) {
				where_file(err, t, t->line + 1);
				g_string_append_printf(err, "cannot read: %s", g_strerror(errno));
				return -1;
			}
			return 0;
		}
		t->line++;
		t->len = (size_t)n;
		if (!blank(t->buf))
			return 1;
	}
}

/* Parses the line just read; s names the step in messages (NULL for
 * the header line). */
/* jansson's message, with a hint where the fix is not obvious. */
static void json_error_text(GString *err, const json_error_t *jerr)
{
	g_string_append(err, jerr->text);
	if (strstr(jerr->text, "too big integer"))
		g_string_append(err, " (write integers beyond 2^63 - 1 as strings: \"0x...\")");
}

static json_t *parse_line(cli_trace *t, const cli_step *s, GString *err)
{
	json_error_t jerr;
	/* By length, not as a C string: a NUL byte in the line is an error
	 * jansson reports, not the end of the line; and no strlen. */
	json_t *j = json_loadb(t->buf, t->len, JSON_REJECT_DUPLICATES, &jerr);
	if (!j) {
		where_file(err, t, t->line);
		if (s)
			g_string_append_printf(err, "step %zu: ", s->index);
		g_string_append_printf(err, "invalid JSON at column %d: ", jerr.column);
		json_error_text(err, &jerr);
	}
	return j;
}

bool cli_trace_open(cli_trace *t, const char *file, GString *err)
{
	memset(t, 0, sizeof *t);
	t->file = g_strdup(file);
	t->jsonl = g_str_has_suffix(file, ".jsonl");
	if (g_file_test(file, G_FILE_TEST_IS_DIR)) {
		g_string_append_printf(err, "%s: is a directory, not a trace", file);
		return false;
	}
	if (t->jsonl) {
		t->fp = fopen(file, "r");
		if (!t->fp) {
			g_string_append_printf(err, "%s: cannot open: %s", file, g_strerror(errno));
			return false;
		}
		int r = read_line(t, err);
		if (r < 0)
			return false;
		if (r == 0)
			return header_fail(err, t, "empty file: expected the trace object on the first line");
		t->root = parse_line(t, NULL, err);
		if (!t->root)
			return false;
	} else {
		json_error_t jerr;
		t->root = json_load_file(file, JSON_REJECT_DUPLICATES, &jerr);
		if (!t->root) {
			if (jerr.line < 0) {
				g_string_append_printf(err, "%s: %s", file, jerr.text);
			} else {
				g_string_append_printf(err, "%s: invalid JSON at line %d, column %d: ",
						       file, jerr.line, jerr.column);
				json_error_text(err, &jerr);
			}
			return false;
		}
	}
	return read_header(t, err);
}

void cli_trace_close(cli_trace *t)
{
	if (t->fp)
		fclose(t->fp);
	json_decref(t->root);
	hm_config_free(t->config);
	free(t->buf);
	g_free(t->file);
	memset(t, 0, sizeof *t);
}

/* ---- steps ---- */

/* The fields of each object of a step, with the index each is read into
 * by take_fields. */
static const char *const step_fields[] = {"cpu", "op", "args", "level", "set", "oracle",
					  "expect", "comment", NULL};
enum { F_CPU, F_OP, F_ARGS, F_LEVEL, F_SET, F_ORACLE, F_EXPECT, F_COMMENT, F_STEP_COUNT };
static const char *const expect_fields[] = {"result", "state", "ret", NULL};
enum { F_RESULT, F_STATE, F_RET, F_EXPECT_COUNT };
static const char *const oracle_fields[] = {"doracle", "core_doracle", NULL};
enum { F_DORACLE, F_CORE_DORACLE, F_ORACLE_COUNT };
static const char *const scripted_fields[] = {"vmid", "logn", "value", NULL};
enum { F_SCRIPTED_COUNT = 3 };
#define FIELDS_MATCH(names, count) _Static_assert(sizeof names / sizeof *names == (count) + 1, #names)
FIELDS_MATCH(step_fields, F_STEP_COUNT);
FIELDS_MATCH(expect_fields, F_EXPECT_COUNT);
FIELDS_MATCH(oracle_fields, F_ORACLE_COUNT);
FIELDS_MATCH(scripted_fields, F_SCRIPTED_COUNT);

static bool step_z(const cli_trace *t, const cli_step *s, const json_t *v, const char *path,
		   hm_z *out, GString *err)
{
	const char *why = "missing";
	if (v && hm_json_to_z(v, out, &why))
		return true;
	return step_fail(err, t, s, "%s: %s", path, why);
}

/* Reads the fields of object o in one pass: values[i] becomes the value
 * of names[i], or NULL when o has none. A field not in names is an error
 * naming it and the fields there are (list). */
static bool take_fields(const cli_trace *t, const cli_step *s, const json_t *o,
			const char *const *names, const json_t **values, const char *path,
			const char *list, GString *err)
{
	size_t n = 0;
	while (names[n])
		values[n++] = NULL;
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)o, key, v)
	{
		size_t i = 0;
		while (i < n && strcmp(key, names[i]) != 0)
			i++;
		if (i == n)
			return step_fail(err, t, s, "%s%s%s: unknown field (%s)", path, *path ? "." : "",
					 key, list);
		values[i] = v;
	}
	return true;
}

/* "vmid, gfn, pfn" (caller frees) */
static char *arg_names(const hm_op_def *op)
{
	GString *names = g_string_new(NULL);
	for (unsigned i = 0; i < op->nargs; i++)
		g_string_append_printf(names, "%s%s", i ? ", " : "", op->args[i]);
	if (!op->nargs)
		g_string_append(names, "no arguments");
	return g_string_free(names, FALSE);
}

static bool read_args(const cli_trace *t, cli_step *s, const json_t *args, GString *err)
{
	const hm_op_def *op = s->op;
	if (!args && op->nargs == 0)
		return true;
	if (!args || !json_is_object(args)) {
		char *names = arg_names(op);
		step_fail(err, t, s, "args: %s (%s takes %s)",
			  args ? "expected an object of arguments by their Coq names" : "missing",
			  op->name, names);
		g_free(names);
		return false;
	}
	for (unsigned i = 0; i < op->nargs; i++) {
		const json_t *v = json_object_get(args, op->args[i]);
		const char *why = "missing";
		if (!v || !hm_json_to_z(v, &s->args[i].value, &why))
			return step_fail(err, t, s, "args.%s: %s%s%s%s", op->args[i], why,
					 v ? "" : " (argument of ", v ? "" : op->name, v ? "" : ")");
		s->argv[i] = s->args[i].value;
		s->args[i].name = op->args[i];
	}
	s->nargs = op->nargs;
	if (json_object_size(args) == op->nargs)
		return true;
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)args, key, v)
	{
		bool found = false;
		for (unsigned i = 0; i < op->nargs; i++)
			found = found || strcmp(op->args[i], key) == 0;
		if (!found) {
			char *names = arg_names(op);
			step_fail(err, t, s, "args.%s: unknown argument of %s (it takes %s)", key, op->name,
				  names);
			g_free(names);
			return false;
		}
	}
	return true;
}

static bool read_scripted(const cli_trace *t, const cli_step *s, const json_t *a, const char *name,
			  GString *err)
{
	char path[64];
	snprintf(path, sizeof path, "oracle.%s", name);
	if (!json_is_array(a))
		return step_fail(err, t, s, "%s: expected an array of {vmid, logn, value}", path);
	for (size_t i = 0; i < json_array_size(a); i++) {
		const json_t *e = json_array_get(a, i);
		char sub[96];
		snprintf(sub, sizeof sub, "%s[%zu]", path, i);
		if (!json_is_object(e))
			return step_fail(err, t, s, "%s: expected an object {vmid, logn, value}", sub);
		const json_t *fields[F_SCRIPTED_COUNT];
		if (!take_fields(t, s, e, scripted_fields, fields, sub, "vmid, logn, value", err))
			return false;
		for (size_t f = 0; f < F_SCRIPTED_COUNT; f++) {
			char fp[128];
			hm_z v;
			snprintf(fp, sizeof fp, "%s.%s", sub, scripted_fields[f]);
			if (!step_z(t, s, fields[f], fp, &v, err))
				return false;
		}
	}
	return true;
}

static bool read_expect(const cli_trace *t, cli_step *s, const json_t *e, GString *err)
{
	if (!json_is_object(e))
		return step_fail(err, t, s, "expect: expected an object {result, state, ret}");
	const json_t *fields[F_EXPECT_COUNT];
	if (!take_fields(t, s, e, expect_fields, fields, "expect", "result, state, ret", err))
		return false;
	const json_t *r = fields[F_RESULT];
	if (r) {
		if (!json_is_string(r) || !cli_result_from_name(json_string_value(r), &s->result))
			return step_fail(err, t, s,
					 "expect.result: expected \"ok\", \"halt\", \"stuck\" or \"rely\"");
		s->has_result = true;
	}
	s->expect_state = fields[F_STATE];
	if (s->expect_state && !json_is_object(s->expect_state))
		return step_fail(err, t, s, "expect.state: expected a partial state (an object)");
	const json_t *ret = fields[F_RET];
	if (ret) {
		if (!step_z(t, s, ret, "expect.ret", &s->ret, err))
			return false;
		s->has_ret = true;
	}
	return true;
}

static bool read_step(const cli_trace *t, cli_step *s, GString *err)
{
	const json_t *j = s->json;
	if (!json_is_object(j))
		return step_fail(err, t, s, "expected a step object {cpu, op, args, ...}");
	const json_t *fields[F_STEP_COUNT];
	if (!take_fields(t, s, j, step_fields, fields, "",
			 "cpu, op, args, level, set, oracle, expect, comment", err))
		return false;

	const json_t *cpu = fields[F_CPU];
	s->cpu = 0;
	if (cpu) {
		hm_z c;
		if (!step_z(t, s, cpu, "cpu", &c, err))
			return false;
		if (c < 0 || c >= t->cpus) {
			char buf[48];
			return step_fail(err, t, s, "cpu: %s%s is not in 0..%d (config.cpus is %d)",
					 c < 0 ? "-" : "", hm_key_text(c < 0 ? -c : c, buf), t->cpus - 1,
					 t->cpus);
		}
		s->cpu = (int)c;
	}

	const json_t *op = fields[F_OP];
	if (!op)
		return step_fail(err, t, s, "op: missing");
	if (!json_is_string(op))
		return step_fail(err, t, s, "op: expected the Coq name of a definition (a string)");
	s->op = find_op(json_string_value(op), &s->op_index);
	if (!s->op)
		return step_fail(err, t, s, "op: unknown op \"%s\" (hypsec-model ops lists them)",
				 json_string_value(op));
	if (!read_args(t, s, fields[F_ARGS], err))
		return false;

	const json_t *level = fields[F_LEVEL];
	if (level) {
		if (!json_is_string(level) || !cli_level_from_name(json_string_value(level), &s->level))
			return step_fail(err, t, s, "level: expected \"high\", \"low\" or \"both\"");
		if (s->level != HM_LEVEL_HIGH && !s->op->low)
			return step_fail(err, t, s, "level: %s has no low level (_spec0) to run at \"%s\"",
					 s->op->name, json_string_value(level));
		s->has_level = true;
	}

	s->set = fields[F_SET];
	if (s->set && !json_is_object(s->set))
		return step_fail(err, t, s, "set: expected a partial state (an object)");

	const json_t *oracle = fields[F_ORACLE];
	if (oracle) {
		if (!json_is_object(oracle))
			return step_fail(err, t, s, "oracle: expected an object {doracle, core_doracle}");
		const json_t *scripted[F_ORACLE_COUNT];
		if (!take_fields(t, s, oracle, oracle_fields, scripted, "oracle",
				 "doracle, core_doracle", err))
			return false;
		s->doracle = scripted[F_DORACLE];
		s->core_doracle = scripted[F_CORE_DORACLE];
		if (s->doracle && !read_scripted(t, s, s->doracle, "doracle", err))
			return false;
		if (s->core_doracle && !read_scripted(t, s, s->core_doracle, "core_doracle", err))
			return false;
	}

	const json_t *comment = fields[F_COMMENT];
	if (comment && !json_is_string(comment))
		return step_fail(err, t, s, "comment: expected a string");

	const json_t *expect = fields[F_EXPECT];
	return !expect || read_expect(t, s, expect, err);
}

int cli_trace_next(cli_trace *t, cli_step *s, GString *err)
{
	memset(s, 0, sizeof *s);
	s->index = t->next;
	if (t->jsonl) {
		int r = read_line(t, err);
		if (r <= 0)
			return r;
		s->line = t->line;
		s->json = parse_line(t, s, err);
		if (!s->json)
			return -1;
	} else {
		if (!t->steps || t->next >= json_array_size(t->steps))
			return 0;
		s->json = json_incref(json_array_get(t->steps, t->next));
	}
	t->next++;
	if (!read_step(t, s, err)) {
		cli_step_clear(s);
		return -1;
	}
	return 1;
}

void cli_step_clear(cli_step *s)
{
	json_decref(s->json);
	s->json = NULL;
}
