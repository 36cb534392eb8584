/* The scenario of check_mini_hyp.c run against a mini_hyp with a bug: its
 * grant_vm_page forgets the MAX_SHARE_COUNT limit, so the VM's 101st grant
 * of a page raises its share count to 101. Exits 0 only if the checker
 * reports that, first, right after that grant. */
#define MINI_HYP_BUG_GRANT_UNLIMITED
#include "mini_hyp/mini_hyp.h"
#include "mini_hyp/scenario.h"

#include <string.h>

struct first_report {
	bool seen;
	size_t op_number;
	hm_divergence_kind kind;
	char op[32], path[64], implementation[32], model[32];
};

static void keep_first(const hm_divergence *d, void *ctx)
{
	struct first_report *f = ctx;
	printf("%s\n", d->report);
	if (f->seen)
		return;
	f->seen = true;
	f->op_number = d->op_number;
	f->kind = d->kind;
	snprintf(f->op, sizeof f->op, "%s", d->op ? d->op : "");
	snprintf(f->path, sizeof f->path, "%s", d->path);
	snprintf(f->implementation, sizeof f->implementation, "%s", d->implementation);
	snprintf(f->model, sizeof f->model, "%s", d->model);
}

int main(void)
{
	struct driver d;
	struct first_report first = {0};
	sc_setup(&d, keep_first, &first);
	sc_run(&d);
	size_t divergences = hm_checker_divergences(d.chk);
	printf("buggy mini_hyp: %zu operations checked, %zu divergences in all\n",
	       hm_checker_ops(d.chk), divergences);
	/* The 101st grant is the first operation whose effect differs: the
	 * spec keeps the count of 0x40003 at MAX_SHARE_COUNT (100). */
	bool right = first.seen && first.op_number == d.op_grant_over_limit &&
		     first.kind == HM_DIV_PAGE && strcmp(first.op, "grant_vm_page") == 0 &&
		     strcmp(first.path, "shared.s2page[0x40003].s2_count") == 0 &&
		     strcmp(first.implementation, "101") == 0 && strcmp(first.model, "100") == 0;
	if (!right)
		printf("expected the first divergence after operation %zu (grant_vm_page): "
		       "shared.s2page[0x40003].s2_count: implementation 101, model 100\n",
		       d.op_grant_over_limit);
	else
		printf("the checker caught the bug at operation %zu\n", first.op_number);
	sc_teardown(&d);
	return right ? 0 : 1;
}
