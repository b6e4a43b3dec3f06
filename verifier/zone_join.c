/* zone_join.c -- the models of the parts of a split load joined into one, in file order. */
#include <stdlib.h>
#include <string.h>
#include "verifier/internal/zone_build.h"
#include "verifier/name.h"

#define RELEASE_STEP (256u << 10) /* raw records given back in steps while the model is built */

/* Copy part's names [skip, nnames) and what they hold behind z's (room reserved). */
static void concat(zg_zone_t *z, const zg_zone_t *p, uint32_t skip)
{
	uint32_t s0 = skip < p->nnames ? p->names[skip].rrset_first : p->nrrsets;
	uint32_t r0 = s0 < p->nrrsets ? p->rrsets[s0].rr_first : p->nrrs;
	uint32_t g0 = s0 < p->nrrsets ? p->rrsets[s0].sig_first : p->nsigs;
	for (uint32_t i = skip; i < p->nnames; i++) {
		zg_name_t nm = p->names[i];
		nm.rrset_first = nm.rrset_first - s0 + z->nrrsets;
		z->names[z->nnames + i - skip] = nm;
	}
	for (uint32_t i = s0; i < p->nrrsets; i++) {
		zg_rrset_t set = p->rrsets[i];
		set.name = set.name - skip + z->nnames;
		set.rr_first = set.rr_first - r0 + z->nrrs;
		set.sig_first = set.sig_first - g0 + z->nsigs;
		z->rrsets[z->nrrsets + i - s0] = set;
	}
	memcpy(z->rrs + z->nrrs, p->rrs + r0, (p->nrrs - r0) * sizeof(zg_rr_t));
	memcpy(z->sigs + z->nsigs, p->sigs + g0, (p->nsigs - g0) * sizeof(zg_rr_t));
	z->nnames += p->nnames - skip;
	z->nrrsets += p->nrrsets - s0;
	z->nrrs += p->nrrs - r0;
	z->nsigs += p->nsigs - g0;
}

/* z's last name and p's first are one owner: regroup their records as one name. */
static zg_err_t merge_seam(zg_zone_t *z, zg_caps_t *c, const zg_zone_t *p)
{
	zg_raw_rr_t *run = NULL;
	size_t n = 0, cap = 0;
	zg_name_t last = z->names[z->nnames - 1];
	zg_zone_t first = *p;
	first.nnames = 1;
	zg_err_t ret = zg_model_to_raw(z, z->nnames - 1, NULL, &run, &n, &cap);
	if (ret == ZG_EOK) {
		ret = zg_model_to_raw(&first, 0, NULL, &run, &n, &cap);
	}
	if (ret == ZG_EOK) {
		for (size_t i = 0; i < n; i++) {
			run[i].owner = last.owner;
		}
		const zg_rrset_t *s = &z->rrsets[last.rrset_first];
		z->nrrsets = last.rrset_first;
		z->nrrs = s->rr_first;
		z->nsigs = s->sig_first;
		z->nnames--;
		ret = zg_model_reserve(z, c, 1, n);
	}
	if (ret == ZG_EOK) {
		zg_build_sort(run, n);
		ret = zg_model_add_name(z, run, n);
	}
	zg_pages_resize(run, 0);
	return ret;
}

static int seam_cmp(const zg_zone_t *z, const zg_zone_t *p)
{
	const uint8_t *a = z->names[z->nnames - 1].owner, *b = p->names[0].owner;
	return zg_owner_same(a, b) ? 0 : zg_dname_cmp(a, b);
}

/* p follows z in canonical order: append its arrays, then release them. */
static zg_err_t append_part(zg_zone_t *z, zg_caps_t *c, zg_zone_t *p)
{
	int cmp = p->nnames == 0 || z->nnames == 0 ? -1 : seam_cmp(z, p);
	zg_err_t ret = cmp == 0 ? merge_seam(z, c, p) : ZG_EOK;
	if (ret == ZG_EOK) {
		ret = zg_model_reserve(z, c, p->nnames, (size_t)p->nrrs + p->nsigs + p->nrrsets);
	}
	if (ret == ZG_EOK) {
		concat(z, p, cmp == 0 ? 1 : 0);
	}
	zg_model_drop(p);
	return ret;
}

static bool parts_in_order(zg_build_t *const *parts, size_t n)
{
	const zg_zone_t *prev = NULL;
	for (size_t i = 0; i < n; i++) {
		const zg_zone_t *p = parts[i]->z;
		if (parts[i]->unsorted) {
			return false;
		}
		if (p->nnames == 0) {
			continue;
		}
		if (prev != NULL && seam_cmp(prev, p) > 0) {
			return false;
		}
		prev = p;
	}
	return true;
}

/* Canonical order of two owners through their sort keys. */
static int key_cmp(const zg_raw_rr_t *a, const zg_raw_rr_t *b)
{
	if (a->key == b->key) {
		return 0;
	}
	int c = memcmp(a->key, b->key, a->keylen < b->keylen ? a->keylen : b->keylen);
	return c != 0 ? c : (a->keylen > b->keylen) - (a->keylen < b->keylen);
}

/* Ranked records: owners by rank (kept in the key field), then zg_raw_cmp() (equal "keys"). */
static int ranked_cmp(const zg_raw_rr_t *a, const zg_raw_rr_t *b)
{
	uintptr_t ra = (uintptr_t)a->key, rb = (uintptr_t)b->key;
	if (ra != rb) {
		return ra < rb ? -1 : 1;
	}
	return zg_raw_cmp(a, b);
}

/* The part whose head sorts first (k-way merge); SIZE_MAX when every part is consumed. */
static size_t next_part(zg_build_t *const *parts, const size_t *at, size_t n, bool ranked)
{
	size_t best = SIZE_MAX;
	for (size_t i = 0; i < n; i++) {
		if (at[i] >= parts[i]->nraw) {
			continue;
		}
		const zg_raw_rr_t *a = &parts[i]->raw[at[i]];
		if (best == SIZE_MAX ||
		    (ranked ? ranked_cmp(a, &parts[best]->raw[at[best]])
		            : key_cmp(a, &parts[best]->raw[at[best]])) < 0) {
			best = i;
		}
	}
	return best;
}

/* Number the owners of all parts in canonical order (a k-way merge over the parts' sorted
 * records, one owner at a time) and keep the number in each record's key field: the keys can
 * go before the records are merged, as in a sequential load. */
static zg_err_t rank_owners(zg_build_t **parts, size_t n)
{
	size_t *at = calloc(n, sizeof(*at)), i;
	zg_raw_rr_t last = { 0 };
	uintptr_t rank = 0;
	if (at == NULL) {
		return ZG_ENOMEM;
	}
	while ((i = next_part(parts, at, n, false)) != SIZE_MAX) {
		zg_raw_rr_t *r = parts[i]->raw, head = r[at[i]];
		rank += rank == 0 || key_cmp(&head, &last) != 0;
		last = head;
		while (at[i] < parts[i]->nraw && r[at[i]].key == head.key) {
			r[at[i]].key = (const uint8_t *)rank;
			r[at[i]++].keylen = 0;
		}
	}
	free(at);
	return ZG_EOK;
}

/* Merge the parts' ranked records into the model, one name at a time, giving the parts'
 * pages back as they are consumed: no copy of all the records at once. */
static zg_err_t merge_build(zg_zone_t *z, zg_build_t **parts, size_t n, size_t total)
{
	size_t *at = calloc(n, sizeof(*at)), *done = calloc(n, sizeof(*done));
	zg_raw_rr_t *run = NULL;
	size_t nrun = 0, caprun = 0, i;
	zg_caps_t c = { 0 };
	zg_err_t ret = at && done ? zg_model_reserve(z, &c, total + 1, total + 1) : ZG_ENOMEM;
	while (ret == ZG_EOK && (i = next_part(parts, at, n, true)) != SIZE_MAX) {
		const zg_raw_rr_t *r = &parts[i]->raw[at[i]++];
		if (nrun > 0 && run[0].key != r->key) { /* another owner */
			ret = zg_model_add_name(z, run, nrun);
			nrun = 0;
		}
		ret = ret == ZG_EOK ? zg_raw_push(&run, &nrun, &caprun, r) : ret;
		if ((at[i] - done[i]) * sizeof(*r) >= RELEASE_STEP) {
			zg_pages_release(parts[i]->raw + done[i], (at[i] - done[i]) * sizeof(*r));
			done[i] = at[i];
		}
	}
	if (ret == ZG_EOK && nrun > 0) {
		ret = zg_model_add_name(z, run, nrun);
	}
	zg_model_shrink(z, &c);
	zg_pages_resize(run, 0);
	free(at);
	free(done);
	return ret;
}

static void free_keys(zg_build_t **parts, size_t n, zg_arena_t **keys)
{
	for (size_t i = 0; i < n; i++) {
		zg_arena_free(parts[i]->keys);
		parts[i]->keys = NULL;
	}
	zg_arena_free(*keys);
	*keys = NULL;
}

/* Not in canonical order across a seam, or within a part: every part's records as raw records
 * (a part's model converted, already in order), merged. */
static zg_err_t join_raw(zg_zone_t *z, zg_build_t **parts, size_t n, size_t total)
{
	zg_arena_t *keys = zg_arena_new(0);
	zg_err_t ret = keys != NULL ? ZG_EOK : ZG_ENOMEM;
	for (size_t i = 0; i < n && ret == ZG_EOK; i++) {
		zg_build_t *b = parts[i];
		if (!b->unsorted) {
			ret = zg_model_to_raw(b->z, 0, keys, &b->raw, &b->nraw, &b->capraw);
			zg_model_drop(b->z);
			b->unsorted = true;
		}
	}
	if (ret == ZG_EOK) {
		ret = rank_owners(parts, n);
	}
	free_keys(parts, n, &keys);
	if (ret == ZG_EOK) {
		ret = merge_build(z, parts, n, total);
	}
	for (size_t i = 0; i < n; i++) {
		zg_pages_resize(parts[i]->raw, 0);
		parts[i]->raw = NULL;
		parts[i]->nraw = parts[i]->capraw = 0;
	}
	return ret;
}

zg_err_t zg_build_join(zg_zone_t *z, zg_build_t **parts, size_t n)
{
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++) {
		total += parts[i]->count;
	}
	zg_err_t ret = total >= ZG_NONE ? ZG_ETOOBIG : ZG_EOK;
	if (ret == ZG_EOK && !parts_in_order(parts, n)) {
		ret = join_raw(z, parts, n, (size_t)total);
	} else if (ret == ZG_EOK) {
		zg_caps_t c = { 0 };
		for (size_t i = 0; i < n && ret == ZG_EOK; i++) {
			ret = append_part(z, &c, parts[i]->z);
		}
		if (ret == ZG_EOK && z->names == NULL) {
			ret = zg_model_reserve(z, &c, 1, 1);
		}
		if (ret == ZG_EOK) {
			zg_model_shrink(z, &c);
		}
	}
	for (size_t i = 0; i < n; i++) {
		zg_model_drop(parts[i]->z);
		zg_arena_adopt(z->arena, parts[i]->z->arena);
		parts[i]->z->arena = NULL;
	}
	return ret;
}
