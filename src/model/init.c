/* The initial state, exactly as TRACE-FORMAT.md fixes it, built from the
 * config; docs/state.md lists the fields the contract leaves open. */
#include <glib.h>
#include <string.h>

#include "model.h"

hm_config *hm_config_new(void)
{
	hm_config *c = g_new0(hm_config, 1);
	c->cpus = 1;
	c->memory = g_array_new(FALSE, FALSE, sizeof(hm_region));
	c->smmu = g_array_new(FALSE, FALSE, sizeof(hm_smmu_dev));
	hm_region ram = {0x40000000, 0x40000000}; /* 1 GiB at 0x40000000 */
	g_array_append_val(c->memory, ram);
	return c;
}

void hm_config_free(hm_config *c)
{
	if (!c)
		return;
	g_array_free(c->memory, TRUE);
	g_array_free(c->smmu, TRUE);
	hm_platform_tables_clear(&c->platform);
	g_free(c);
}

hm_error hm_config_set_cpus(hm_config *c, int cpus)
{
	if (cpus < 1 || cpus > TOTAL_CPU)
		return HM_EINVAL;
	c->cpus = cpus;
	return HM_OK;
}

hm_error hm_config_clear_memory(hm_config *c)
{
	g_array_set_size(c->memory, 0);
	return HM_OK;
}

hm_error hm_config_add_memory(hm_config *c, hm_z base, hm_z size)
{
	/* Regions are page-aligned pieces of the physical space the specs
	 * address (is_paddr). */
	if (base < 0 || size <= 0 || base % PAGE_SIZE != 0 || size % PAGE_SIZE != 0 ||
	    base + size > KVM_PHYS_SIZE)
		return HM_EINVAL;
	if (c->memory->len >= MAX_MEMBLOCK_NUM)
		return HM_EINVAL;
	hm_region r = {base, size};
	g_array_append_val(c->memory, r);
	return HM_OK;
}

hm_error hm_config_add_smmu(hm_config *c, hm_z phys_base, hm_z size, hm_z context_banks)
{
	if (c->smmu->len >= SMMU_NUM || phys_base < 0 || size < 0 || context_banks < 0 ||
	    context_banks > SMMU_NUM_CTXT_BANKS)
		return HM_EINVAL;
	hm_smmu_dev d = {0};
	d.names[0] = "smmu_phys_base";
	d.values[0] = phys_base;
	d.names[1] = "smmu_size";
	d.values[1] = size;
	d.names[2] = "smmu_dev_context_banks";
	d.values[2] = context_banks;
	d.nfields = 3;
	g_array_append_val(c->smmu, d);
	return HM_OK;
}

void hm_config_set_seed(hm_config *c, uint64_t seed) { c->seed = seed; }

/* Sets field `name` of device i in the SMMUConf maps. */
static bool smmu_conf_set(hm_smmu_conf *conf, const char *name, hm_z dev, hm_z value)
{
#define SET_IF(n)                                                  \
	if (strcmp(name, #n) == 0) {                               \
		SETP(conf, n, hm_map_set_z(conf->n, dev, value));  \
		return true;                                       \
	}
	HM_SMMU_CONF_MAPS(SET_IF)
#undef SET_IF
	return false;
}

static hm_map *initial_s2page(const hm_config *c)
{
	hm_s2page invalid_page = {INVALID, 0, INVALID64};
	hm_map *s2p = hm_retain(hm_map_new(&hm_t_map_s2page, &invalid_page));
	for (guint i = 0; i < c->memory->len; i++) {
		const hm_region *r = &g_array_index(c->memory, hm_region, i);
		hm_z pfn = r->base / PAGE_SIZE, end = (r->base + r->size) / PAGE_SIZE;
		while (pfn < end) {
			/* A nested pool per batch: the intermediate maps of a
			 * million-page region die as soon as they are replaced. */
			hm_pool *batch = hm_pool_push();
			hm_map *acc = s2p;
			for (int n = 0; n < 1024 && pfn < end; n++, pfn++) {
				if (pfn == 0)
					continue; /* page_0_invalid */
				hm_s2page page = {HOSTVISOR, 0, pfn + SMMU_HOST_OFFSET};
				acc = hm_map_set(acc, pfn, &page);
			}
			hm_retain(acc);
			hm_pool_pop(batch);
			hm_release(s2p);
			s2p = acc;
		}
	}
	return hm_autorelease(s2p);
}

hm_rdata *hm_initial_state(const hm_config *c, int cpu, hm_model *m)
{
	hm_rdata *st = hm_rdata_empty();
	st->halt = false;
	st->icore = false;
	st->ihost = true;
	st->tstate = 0;
	st->curid = cpu;
	st->cur_vmid = HOSTVISOR;
	st->cur_vcpuid = cpu;
	st->bars = HM_BARRIER_VALID;

	/* Memory regions become the memblocks of the hypervisor's view. */
	st->region_cnt = c->memory->len;
	for (guint i = 0; i < c->memory->len; i++) {
		const hm_region *r = &g_array_index(c->memory, hm_region, i);
		hm_memblock mb = {r->base, r->size, 0, i};
		SETP(st, regions, hm_map_set(st->regions, i, &mb));
	}

	hm_smmu_conf *conf = smmu_conf_edit(st->smmu_conf);
	conf->smmu_num = c->smmu->len;
	for (guint i = 0; i < c->smmu->len; i++) {
		const hm_smmu_dev *d = &g_array_index(c->smmu, hm_smmu_dev, i);
		for (unsigned f = 0; f < d->nfields; f++)
			smmu_conf_set(conf, d->names[f], i, d->values[f]);
	}
	SETP(st, smmu_conf, conf);

	hm_shared *sh = sh_edit(st->shared);
	SETP(sh, s2page, initial_s2page(c));
	/* Every NPT empty, its allocation cursors at the start of its pools. */
	for (hm_z vmid = 0; vmid <= COREVISOR; vmid++) {
		hm_npt *npt = npt_edit(hm_npt_empty());
		npt->pt_pgd_next = pgd_start(vmid);
		npt->pt_pud_next = pud_start(vmid);
		npt->pt_pmd_next = pmd_start(vmid);
		SETP(sh, npts, hm_map_set_ptr(sh->npts, vmid, npt));
	}
	hm_spt *spt = spt_edit(sh->spts);
	spt->spt_pgd_next = SMMU_PGD_START;
	spt->spt_pmd_next = SMMU_PMD_START;
	SETP(sh, spts, spt);
	sh->core_data.next_vmid = 1;
	sh->core_data.next_remap_ptr = REMAP_START;
	SETP(st, shared, sh);

	if (m) {
		SETP(st, oracle, m->multi_oracle);
		SETP(st, soracle, m->single_oracle);
		SETP(st, doracle, m->doracle);
		SETP(st, core_doracle, m->core_doracle);
	}
	return st;
}
