/* PageManagerSpec.md, Section PageManagerSpec. */
#include "page_manager_spec.h"

/* adt {shared: (shared adt) {s2page: (s2page (shared adt)) # pfn == page}} */
static hm_rdata *with_page(const hm_rdata *adt, hm_z pfn, hm_s2page page)
{
	hm_shared *sh = sh_edit(adt->shared);
	SETP(sh, s2page, hm_map_set(adt->shared->s2page, pfn, &page));
	hm_rdata *r = rd_edit(adt);
	SETP(r, shared, sh);
	return r;
}

/* PageManagerSpec: get_pfn_owner_spec */
hm_sres get_pfn_owner_spec(const hm_rdata *adt, hm_z pfn)
{
	RELY(is_gfn(pfn));
	if (adt->halt) {
		COV("halt adt: true");
		return SOME_RET(adt, 0);
	}
	hm_z id = S2PAGE_ID;
	if (lock_at(adt->lock, id) != HM_LOCK_OWN_TRUE) {
		COV("ZMap.get id (lock adt): not LockOwn true");
		return NONE();
	}
	COV("ZMap.get id (lock adt): LockOwn true");
	hm_s2page page = *s2page_at(adt->shared->s2page, pfn);
	RELY(is_int(page.s2_owner));
	return SOME_RET(adt, page.s2_owner);
}

/* PageManagerSpec: set_pfn_owner_spec */
hm_sres set_pfn_owner_spec(const hm_rdata *adt, hm_z pfn, hm_z vmid)
{
	RELY(is_gfn(pfn));
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	hm_z id = S2PAGE_ID;
	if (lock_at(adt->lock, id) != HM_LOCK_OWN_TRUE) {
		COV("ZMap.get id (lock adt): not LockOwn true");
		return NONE();
	}
	hm_s2page page = *s2page_at(adt->shared->s2page, pfn);
	if (page.s2_owner == INVALID) {
		COV("s2_owner page =? INVALID: true");
		return SOME(adt);
	}
	COV("s2_owner page =? INVALID: false");
	RELY(is_vmid(vmid));
	page.s2_owner = vmid;
	return SOME(with_page(adt, pfn, page));
}

/* PageManagerSpec: get_pfn_count_spec */
hm_sres get_pfn_count_spec(const hm_rdata *adt, hm_z pfn)
{
	RELY(is_gfn(pfn));
	if (adt->halt) {
		COV("halt adt: true");
		return SOME_RET(adt, 0);
	}
	hm_z id = S2PAGE_ID;
	if (lock_at(adt->lock, id) != HM_LOCK_OWN_TRUE) {
		COV("ZMap.get id (lock adt): not LockOwn true");
		return NONE();
	}
	COV("ZMap.get id (lock adt): LockOwn true");
	hm_s2page page = *s2page_at(adt->shared->s2page, pfn);
	RELY(is_int(page.s2_count));
	return SOME_RET(adt, page.s2_count);
}

/* PageManagerSpec: set_pfn_count_spec */
hm_sres set_pfn_count_spec(const hm_rdata *adt, hm_z pfn, hm_z count)
{
	RELY(is_gfn(pfn));
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	hm_z id = S2PAGE_ID;
	if (lock_at(adt->lock, id) != HM_LOCK_OWN_TRUE) {
		COV("ZMap.get id (lock adt): not LockOwn true");
		return NONE();
	}
	hm_s2page page = *s2page_at(adt->shared->s2page, pfn);
	if (page.s2_owner == INVALID) {
		COV("s2_owner page =? INVALID: true");
		return SOME(adt);
	}
	COV("s2_owner page =? INVALID: false");
	page.s2_count = count;
	return SOME(with_page(adt, pfn, page));
}

/* PageManagerSpec: get_pfn_map_spec */
hm_sres get_pfn_map_spec(const hm_rdata *adt, hm_z pfn)
{
	RELY(is_gfn(pfn));
	if (adt->halt) {
		COV("halt adt: true");
		return SOME_RET(adt, 0);
	}
	hm_z id = S2PAGE_ID;
	if (lock_at(adt->lock, id) != HM_LOCK_OWN_TRUE) {
		COV("ZMap.get id (lock adt): not LockOwn true");
		return NONE();
	}
	COV("ZMap.get id (lock adt): LockOwn true");
	hm_s2page page = *s2page_at(adt->shared->s2page, pfn);
	RELY(is_int64(page.s2_gfn));
	return SOME_RET(adt, page.s2_gfn);
}

/* PageManagerSpec: set_pfn_map_spec */
hm_sres set_pfn_map_spec(const hm_rdata *adt, hm_z pfn, hm_z gfn)
{
	RELY(is_gfn(pfn));
	if (adt->halt) {
		COV("halt adt: true");
		return SOME(adt);
	}
	hm_z id = S2PAGE_ID;
	if (lock_at(adt->lock, id) != HM_LOCK_OWN_TRUE) {
		COV("ZMap.get id (lock adt): not LockOwn true");
		return NONE();
	}
	hm_s2page page = *s2page_at(adt->shared->s2page, pfn);
	if (page.s2_owner == INVALID) {
		COV("s2_owner page =? INVALID: true");
		return SOME(adt);
	}
	COV("s2_owner page =? INVALID: false");
	page.s2_gfn = gfn;
	return SOME(with_page(adt, pfn, page));
}
