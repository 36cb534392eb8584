/* The logs of RData.md: MultiLog (per shared object, ticket and shared-
 * memory events), SingleLog (atomic events), NPT.pt_updates, and the
 * oracles that extend them.
 *
 * A log is an immutable cons list, newest event first, exactly as the
 * Coq `e :: l`. Cells are shared between versions and between CPUs. Each
 * MultiLog cell remembers its length and the H_CalLock value of the list
 * that starts at it, so that the lock check of a step costs O(1) instead
 * of a replay of the whole log (H_CalLock folds from the tail, so the
 * value for e :: l is a function of e and the value for l).
 */
#ifndef HM_LOG_H
#define HM_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "obj.h"
#include "values.h"

typedef struct hm_mlog hm_mlog;
typedef struct hm_slog hm_slog;
typedef struct hm_ulist hm_ulist;
typedef struct hm_oracle hm_oracle;

/* TicketOracleEvent and SharedMemEvent, flattened. */
typedef enum hm_mev {
	/* TTICKET */
	HM_MEV_INC_TICKET, /* INC_TICKET (n: nat) */
	HM_MEV_INC_NOW,
	HM_MEV_GET_NOW,
	HM_MEV_CAS_TICKET,
	HM_MEV_HOLD_LOCK,
	HM_MEV_WAIT_LOCK, /* WAIT_LOCK (n: nat) */
	HM_MEV_REL_LOCK,
	/* TSHARED */
	HM_MEV_OPULL,      /* OPULL (id: Z) */
	HM_MEV_OCORE_DATA, /* OCORE_DATA (core_data: CoreData) */
	HM_MEV_OS2_PAGE,   /* OS2_PAGE (s2page: ZMap.t S2Page) */
	HM_MEV_ONPT,       /* ONPT (npt: NPT) */
	HM_MEV_OVMINFO,    /* OVMINFO (info: VMInfo) */
	HM_MEV_OSPT,       /* OSPT (smmu: SPT) */
	HM_MEV_OSMMU,      /* OSMMU (smmu_vmid: ZMap.t Z) */
	HM_MEV_OFLATMEM,   /* OFLATMEM (flatmem: ZMap.t Z) */
	HM_MEV_COUNT,
	/* Not a Coq event: the bottom cell of a compacted log, standing for
	 * `n` older events (see hm_mlog_compact). */
	HM_MEV_COMPACTED = HM_MEV_COUNT
} hm_mev;

static inline bool hm_mev_is_ticket(hm_mev e) { return e <= HM_MEV_REL_LOCK; }

/* The value of H_CalLock (LocksSpec.md) on a list:
 * option (nat * (LEMPTY | LHOLD) * option Z). */
typedef struct hm_calock {
	bool some;  /* Some _ */
	bool hold;  /* LHOLD (else LEMPTY) */
	bool has_i; /* Some i (else None) */
	hm_z n;     /* the nat: remaining shared events the holder may log */
	hm_z i;     /* the holder's CPU */
} hm_calock;

/* TEVENT cpuid e :: next.
 *
 * Field order: the first 64 bytes hold what the walks read (next, snap,
 * ev, lazy, len) and what freeing a cell reads (its header, prefix_of),
 * so that walking or freeing cold cells (compaction, mlog_summary, the
 * oracle) touches one cache line a cell; the 192 bytes are three whole
 * lines. The rest is read when a cell is made, compared or printed. */
struct hm_mlog {
	hm_obj o;
	hm_mlog *next;
	const void *snap; /* OS2_PAGE, OSMMU, OFLATMEM: a map;
	                     ONPT, OVMINFO, OSPT: a record */
	/* Not part of the value: set on the head of a list hm_mlog_prefix
	 * made, the list it is the first `len` events of (a reference).
	 * hm_mlog_append uses it to hand back that list instead of a copy. */
	const hm_mlog *prefix_of;
	size_t len;
	hm_mev ev;
	/* Not part of the value: a prefix not yet copied. The head holds
	 * the first event of prefix_of, but next, fresh and calock are not
	 * set until the list is walked past its head (hm_mlog_next,
	 * hm_h_calock), which copies the other len - 1 events. Most pulls
	 * never get there: Cal* reads the events in place and
	 * hm_mlog_append hands back prefix_of. */
	bool lazy;
	/* Not part of the value: a number no other cell made in the
	 * process has, for the compacted cells' origin. */
	uint64_t serial;
	/* second and third lines */
	size_t fresh; /* cells from here down to a compacted cell or nil */
	hm_calock calock; /* H_CalLock of this list */
	hm_z cpu;
	hm_z n;                 /* INC_TICKET, WAIT_LOCK: the nat; OPULL: the id */
	hm_core_data core_data; /* OCORE_DATA */
};
_Static_assert(sizeof(hm_mlog) % 64 == 0 && __builtin_offsetof(hm_mlog, serial) < 64,
	       "a log cell is whole cache lines, the walked fields in the first");

/* The list after the head c, copying the rest of a lazy prefix first.
 * Every walk of a MultiLog goes through it. */
const hm_mlog *hm_mlog_next_slow(const hm_mlog *c);
static inline const hm_mlog *hm_mlog_next(const hm_mlog *c)
{
	return c->lazy ? hm_mlog_next_slow(c) : c->next;
}

/* The cells of kind HM_MEV_COMPACTED: n is the number of events they
 * stand for; snaps[e - HM_MEV_OS2_PAGE] the newest snapshot of kind e
 * among them; core_data valid when has_core. */
#define HM_SNAP_KINDS (HM_MEV_OFLATMEM - HM_MEV_OS2_PAGE + 1)
typedef struct hm_mlog_compacted {
	hm_mlog cell;
	const void *snaps[HM_SNAP_KINDS];
	bool has_core;
	/* The serial of the cell whose list this one replaced (the list
	 * stands for exactly those events), 0 if not known: a view still on
	 * that list is equivalent without a walk (mlog_equivalent). */
	uint64_t origin;
} hm_mlog_compacted;

/* TEVENT cpu e :: next (autoreleased). `snap` is retained. */
hm_mlog *hm_mlog_cons(hm_z cpu, hm_mev ev, hm_z n, const void *snap, const hm_mlog *next);
hm_mlog *hm_mlog_cons_core(hm_z cpu, hm_core_data cd, const hm_mlog *next);

static inline size_t hm_mlog_len(const hm_mlog *l) { return l ? l->len : 0; }

/* H_CalLock l (LocksSpec.md), O(1) thanks to the memo. */
hm_calock hm_h_calock(const hm_mlog *l);

/* The snapshot of the newest event of kind ev in l (a shared-memory
 * event carrying one), NULL when l has none: what Cal* replays. */
const void *hm_mlog_newest_snap(const hm_mlog *l, hm_mev ev);
bool hm_mlog_newest_core(const hm_mlog *l, hm_core_data *out);

/* Log compaction (DESIGN.md: bounded memory). The spec reads a log only
 * through H_CalLock of the whole list (memoized in each cell), its length
 * (the oracle), and the newest snapshot of each kind among the events an
 * oracle returns (Cal*). A compacted log keeps its newest `keep` events
 * as they are and replaces the older ones by one HM_MEV_COMPACTED cell
 * holding their number, the H_CalLock value of the list it replaces and
 * the newest snapshot of each kind among them: every spec computation on
 * the log gives the same result. Returns l itself while l has at most
 * HM_COMPACT_SLACK * keep events above its compacted cell, so a rebuild
 * (a walk of the older events and a copy of `keep` cells) happens once
 * per (HM_COMPACT_SLACK - 1) * keep new events. */
#define HM_COMPACT_SLACK 8
hm_mlog *hm_mlog_compact(const hm_mlog *l, size_t keep);
/* A compacted cell like `from` (its snapshots and H_CalLock value) for
 * `count` events on top of next (autoreleased): for decoding. */
hm_mlog *hm_mlog_compacted_new(const hm_mlog_compacted *from, hm_z count, const hm_mlog *next);

/* a ++ b (autoreleased). Copies the cells of a, except when a is a
 * prefix that hm_mlog_prefix took of a list L and b equals the rest of
 * L: then a ++ b is L, which is returned, sharing its cells. That is
 * the common case of a pull (oracle events ++ the view's log), and the
 * sharing keeps the views and the global log on the same cells. */
hm_mlog *hm_mlog_append(const hm_mlog *a, const hm_mlog *b);

/* The first k events of l as a list of their own (autoreleased). The
 * copy is lazy (see hm_mlog.lazy): a pull that only reads the events
 * and appends them back onto the rest of l copies nothing. */
hm_mlog *hm_mlog_prefix(const hm_mlog *l, size_t k);

const char *hm_mev_name(hm_mev e);
bool hm_mev_from_name(const char *name, hm_mev *out);
bool hm_mlog_cells_equal(const hm_mlog *a, const hm_mlog *b); /* heads only */

/* AtomicEvent (the single log). */
typedef enum hm_aev {
	HM_AEV_OPT_GET,
	HM_AEV_OMAP_HOST,
	HM_AEV_OCLEAR_VM,
	HM_AEV_OASSIGN_VM,
	HM_AEV_OMAP_VM,
	HM_AEV_OMAP_IO,
	HM_AEV_OGRANT,
	HM_AEV_OREVOKE,
	HM_AEV_OVM_GET,
	HM_AEV_OVM_ACTIVE,
	HM_AEV_OVM_INACTIVE,
	HM_AEV_OVM_POWEROFF,
	HM_AEV_OREG_VCPU,
	HM_AEV_OGEN_VMID,
	HM_AEV_OREG_KVM,
	HM_AEV_OBOOT_INFO,
	HM_AEV_OREMAP_IMAGE,
	HM_AEV_OVERIFY,
	HM_AEV_OSMMU_GET,
	HM_AEV_OASSIGN_SMMU,
	HM_AEV_OSMMU_FREE,
	HM_AEV_OSMMU_ALLOC,
	HM_AEV_OSMMU_MAP,
	HM_AEV_OSMMU_CLEAR,
	HM_AEV_OLOAD_ENC_VCPU,
	HM_AEV_OSAVE_ENC_BUF,
	HM_AEV_OLOAD_ENC_BUF,
	HM_AEV_COUNT,
	/* Not a Coq event: a[0] older events, compacted away. */
	HM_AEV_COMPACTED = HM_AEV_COUNT
} hm_aev;

#define HM_AEV_MAX_ARGS 4

/* The shape of each AtomicEvent constructor: its Z arguments in Coq
 * order (the DataOracle and register arguments are held apart). */
typedef struct hm_aev_info {
	const char *name;
	unsigned nargs;
	const char *args[HM_AEV_MAX_ARGS];
	bool has_dorc;  /* carries a data oracle (and its logn among args) */
	bool has_ctxt;  /* OLOAD_ENC_VCPU: cregs and cstates */
} hm_aev_info;

extern const hm_aev_info hm_aev_table[HM_AEV_COUNT + 1];
bool hm_aev_from_name(const char *name, hm_aev *out);

/* SEVENT cpuid e :: next */
struct hm_slog {
	hm_obj o;
	hm_slog *next;
	size_t len;
	size_t fresh; /* cells from here down to a compacted cell or nil */
	hm_z cpu;
	hm_aev ev;
	hm_z a[HM_AEV_MAX_ARGS];
	hm_oracle *dorc;       /* the data oracle the event carries */
	const void *ctxt;      /* OLOAD_ENC_VCPU: an hm_ctxt holding cregs, cstates */
};

/* SEVENT cpu e :: next (autoreleased). */
hm_slog *hm_slog_cons(hm_z cpu, hm_aev ev, const hm_z *args, hm_oracle *dorc,
		      const void *ctxt, const hm_slog *next);
hm_slog *hm_slog_append(const hm_slog *a, const hm_slog *b);
/* Compaction of the single log: CalStateH reads only the newest event an
 * oracle returns, so older events become one count (HM_AEV_COMPACTED). */
hm_slog *hm_slog_compact(const hm_slog *l, size_t keep);
hm_slog *hm_slog_prefix(const hm_slog *l, size_t k);
static inline size_t hm_slog_len(const hm_slog *l) { return l ? l->len : 0; }

/* NPT_UPDATE and its list. */
typedef enum hm_upd { HM_UPDATE_PGD, HM_UPDATE_PUD, HM_UPDATE_PMD, HM_UPDATE_PTE } hm_upd;
struct hm_ulist {
	hm_obj o;
	hm_ulist *next;
	size_t len;
	hm_upd kind;
	hm_z addr, val;
};
hm_ulist *hm_ulist_cons(hm_upd kind, hm_z addr, hm_z val, const hm_ulist *next);
const char *hm_upd_name(hm_upd u);
bool hm_upd_from_name(const char *name, hm_upd *out);

/* Oracles: the functions of RData that are not data. */
typedef struct hm_oracle_ops {
	/* MultiOracle: events for object `id` that CPU `cpu` has not seen,
	 * given its log `l` (newest first), as a fresh list. */
	hm_mlog *(*multi)(hm_oracle *o, hm_z id, hm_z cpu, const hm_mlog *l);
	/* SingleOracle */
	hm_slog *(*single)(hm_oracle *o, hm_z cpu, const hm_slog *l);
	/* DataOracle: value for (vmid, logn) */
	hm_z (*data)(hm_oracle *o, hm_z vmid, hm_z logn);
} hm_oracle_ops;

struct hm_oracle {
	hm_obj o;
	const hm_oracle_ops *ops;
	void *ctx;       /* owned by whoever made the oracle (the model) */
	char desc[48];   /* how it shows in JSON: "none", "multi-cpu", "data" */
};

hm_oracle *hm_oracle_new(const hm_oracle_ops *ops, void *ctx, const char *desc);

/* Calling an oracle: an oracle with no function gives nothing (the empty
 * list, and 0 for data). */
hm_mlog *hm_oracle_multi(hm_oracle *o, hm_z id, hm_z cpu, const hm_mlog *l);
hm_slog *hm_oracle_single(hm_oracle *o, hm_z cpu, const hm_slog *l);
hm_z hm_oracle_data(hm_oracle *o, hm_z vmid, hm_z logn);

#endif
