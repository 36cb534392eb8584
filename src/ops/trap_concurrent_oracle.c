/* TrapHandlerSpec (seed), Section ConcurrentSpec: CalStateH and
 * query_oracle, how a CPU catches up with the atomic events other CPUs
 * logged in the single log. */
#include "trap_handler_concurrent.h"

/* TrapHandlerSpec: CalStateH
 * The Fixpoint computes `sdt' := CalStateH slog' sdt` and never uses it:
 * the OMAP_HOST arm rebinds sdt' to the result of local_map_host applied
 * to the ORIGINAL sdt, and every other event returns the ORIGINAL sdt.
 * The value is therefore a function of the newest event alone; the
 * recursive call is pure and its result dead, so it is not computed
 * (this also keeps a log of millions of events at O(1)). */
const hm_shared *CalStateH(const hm_slog *slog, const hm_shared *sdt)
{
	if (!slog) {
		COV("slog = nil");
		return sdt;
	}
	if (slog->ev == HM_AEV_OMAP_HOST) {
		COV("newest event OMAP_HOST addr");
		return local_map_host(slog->a[0], sdt).sdt;
	}
	COV("newest event other than OMAP_HOST");
	return sdt;
}

/* TrapHandlerSpec: query_oracle
 * The oracle is a function: both uses of `(soracle adt) (curid adt)
 * (slog adt)` are the same list, asked for once. */
hm_rdata *query_oracle(const hm_rdata *adt)
{
	const hm_slog *l = hm_oracle_single(adt->soracle, adt->curid, adt->slog);
	hm_rdata *r = rd_edit(adt);
	SETP(r, slog, hm_slog_append(l, adt->slog));
	SETP(r, shared, CalStateH(l, adt->shared));
	return r;
}
