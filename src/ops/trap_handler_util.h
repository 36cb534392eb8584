/* The record updates the TrapHandlerSpec entry points repeat, written
 * once (trap_handler_*.c). Each returns a new value (autoreleased) and
 * never writes to its inputs. */
#ifndef HM_TRAP_HANDLER_UTIL_H
#define HM_TRAP_HANDLER_UTIL_H

#include "abstract_machine_specx.h"
#include "spec.h"
#include "state.h"

/* ctxt {ctxt_regs: cregs} */
static inline hm_ctxt *th_ctxt_regs_set(const hm_ctxt *ctxt, hm_ctxt_regs cregs)
{
	hm_ctxt *c = ctxt_edit(ctxt);
	c->ctxt_regs = cregs;
	return c;
}

/* ctxt {ctxt_states: cstates} */
static inline hm_ctxt *th_ctxt_states_set(const hm_ctxt *ctxt, hm_ctxt_states cstates)
{
	hm_ctxt *c = ctxt_edit(ctxt);
	c->ctxt_states = cstates;
	return c;
}

/* ctxt {ctxt_regs: cregs} {ctxt_states: cstates} */
static inline hm_ctxt *th_ctxt_set(const hm_ctxt *ctxt, hm_ctxt_regs cregs, hm_ctxt_states cstates)
{
	hm_ctxt *c = ctxt_edit(ctxt);
	c->ctxt_regs = cregs;
	c->ctxt_states = cstates;
	return c;
}

/* regs {trap_regs: regt} */
static inline hm_ctxt *th_trap_regs_set(const hm_ctxt *regs, hm_trap_regs regt)
{
	hm_ctxt *c = ctxt_edit(regs);
	c->trap_regs = regt;
	return c;
}

/* (shadow_ctxts adt) # ctxtid == ctxt */
static inline hm_map *th_shadow_set(const hm_map *shadow, hm_z ctxtid, const hm_ctxt *ctxt)
{
	return hm_map_set_ptr(shadow, ctxtid, ctxt);
}

/* ctxtid @ (shadow_ctxts adt) */
static inline const hm_ctxt *th_shadow_at(const hm_rdata *adt, hm_z ctxtid)
{
	return ctxt_at(adt->shadow_ctxts, ctxtid);
}

/* (hlock (shared adt)) @ id */
static inline bool th_hlock(const hm_rdata *adt, hm_z id)
{
	return hm_map_get_bool(adt->shared->hlock, id);
}

/* SEVENT cpu e :: l, e with Z arguments args (in Coq order), the data
 * oracle it carries (or NULL) and, for OLOAD_ENC_VCPU, a Ctxt holding its
 * cregs and cstates (or NULL). */
static inline hm_slog *th_sevent(hm_z cpu, hm_aev ev, const hm_z *args, hm_oracle *dorc,
				 const hm_ctxt *ctxt, const hm_slog *l)
{
	return hm_slog_cons(cpu, ev, args, dorc, ctxt, l);
}

/* adt {halt: true} */
static inline hm_rdata *th_halted(const hm_rdata *adt)
{
	hm_rdata *r = rd_edit(adt);
	r->halt = true;
	return r;
}

/* adt {shared: sdt} {halt: halt} {slog: l}: the result of one atomic
 * step `local_*` on the shared state. */
static inline hm_rdata *th_atomic(const hm_rdata *adt, const hm_shared *sdt, bool halt,
				  const hm_slog *l)
{
	hm_rdata *r = rd_edit(adt);
	SETP(r, shared, sdt);
	r->halt = halt;
	SETP(r, slog, l);
	return r;
}

#endif
