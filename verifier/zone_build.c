/* zone_build.c -- fill the zone model one owner at a time; names out of canonical order are
 * ordered at the end (zone_merge.c). */
#include <stdlib.h>
#include <string.h>
#include <libknot/descriptor.h>
#include "verifier/internal/zone_build.h"
#include "verifier/name.h"

#define MODEL_INITIAL 1024

/* Room for `need` elements in one of the model's arrays (doubling, moved without a copy). */
static zg_err_t grow(zg_arena_t *a, void *arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap) {
		return ZG_EOK;
	}
	size_t n = *cap ? *cap : MODEL_INITIAL;
	while (n < need) {
		if (n > SIZE_MAX / 2 / elem) {
			return ZG_ENOMEM;
		}
		n *= 2;
	}
	void **p = arr;
	void *g = zg_arena_block(a, *p, n * elem);
	if (g == NULL) {
		return ZG_ENOMEM;
	}
	*p = g;
	*cap = n;
	return ZG_EOK;
}

/* Room for `names` more names holding n more records. */
zg_err_t zg_model_reserve(zg_zone_t *z, zg_caps_t *c, size_t names, size_t n)
{
	zg_arena_t *a = z->arena;
	if (grow(a, &z->names, &c->names, z->nnames + names, sizeof(zg_name_t)) != ZG_EOK ||
	    grow(a, &z->rrsets, &c->rrsets, z->nrrsets + n, sizeof(zg_rrset_t)) != ZG_EOK ||
	    grow(a, &z->rrs, &c->rrs, z->nrrs + n, sizeof(zg_rr_t)) != ZG_EOK ||
	    grow(a, &z->sigs, &c->sigs, z->nsigs + n, sizeof(zg_rr_t)) != ZG_EOK) {
		return ZG_ENOMEM;
	}
	return ZG_EOK;
}

/* Give back the unused tails (never below one element: the arrays stay non-NULL). */
void zg_model_shrink(zg_zone_t *z, zg_caps_t *c)
{
	zg_arena_t *a = z->arena;
	void *p;
	if ((p = zg_arena_block(a, z->names, (z->nnames + 1u) * sizeof(zg_name_t))) != NULL) {
		z->names = p;
	}
	if ((p = zg_arena_block(a, z->rrsets, (z->nrrsets + 1u) * sizeof(zg_rrset_t))) != NULL) {
		z->rrsets = p;
	}
	if ((p = zg_arena_block(a, z->rrs, (z->nrrs + 1u) * sizeof(zg_rr_t))) != NULL) {
		z->rrs = p;
	}
	if ((p = zg_arena_block(a, z->sigs, (z->nsigs + 1u) * sizeof(zg_rr_t))) != NULL) {
		z->sigs = p;
	}
	*c = (zg_caps_t){ z->nnames + 1u, z->nrrsets + 1u, z->nrrs + 1u, z->nsigs + 1u };
}

void zg_model_drop(zg_zone_t *z)
{
	zg_arena_block(z->arena, z->names, 0);
	zg_arena_block(z->arena, z->rrsets, 0);
	zg_arena_block(z->arena, z->rrs, 0);
	zg_arena_block(z->arena, z->sigs, 0);
	z->names = NULL;
	z->rrsets = NULL;
	z->rrs = z->sigs = NULL;
	z->nnames = z->nrrsets = z->nrrs = z->nsigs = 0;
}

static zg_rr_t rr_of(const zg_raw_rr_t *r)
{
	return (zg_rr_t){ .rdata = r->rdata, .ttl = r->ttl, .line = r->line, .rdlen = r->rdlen };
}

static bool same_rr(const zg_raw_rr_t *a, const zg_raw_rr_t *b)
{
	return a->type == b->type && a->rdlen == b->rdlen &&
	       (a->rdata == b->rdata || memcmp(a->rdata, b->rdata, a->rdlen) == 0);
}

/* Append one RRset (raw[i..j) share owner and grouping type) to the zone. */
static zg_err_t add_rrset(zg_zone_t *z, const zg_raw_rr_t *raw, size_t i, size_t j)
{
	zg_rrset_t *set = &z->rrsets[z->nrrsets++];
	*set = (zg_rrset_t){ .type = raw[i].gtype, .rr_first = z->nrrs, .sig_first = z->nsigs };
	z->names[z->nnames - 1].rrset_count++;
	for (size_t k = i; k < j; k++) {
		if (k > i && same_rr(&raw[k], &raw[k - 1])) {
			continue; /* duplicate RR: RFC 4034 6.3 */
		}
		if (set->rr_count == UINT16_MAX || set->sig_count == UINT16_MAX) {
			return ZG_ETOOBIG;
		}
		if (raw[k].type == KNOT_RRTYPE_RRSIG) {
			z->sigs[z->nsigs++] = rr_of(&raw[k]);
			set->sig_count++;
			continue;
		}
		if (set->rr_count > 0 && raw[k].ttl != z->rrs[set->rr_first].ttl) {
			set->flags |= ZG_RRSET_TTL_MISMATCH;
		}
		z->rrs[z->nrrs++] = rr_of(&raw[k]);
		set->rr_count++;
	}
	return ZG_EOK;
}

/* Append one name: r[0..n) are its records in zg_raw_cmp() order (room reserved). */
zg_err_t zg_model_add_name(zg_zone_t *z, const zg_raw_rr_t *r, size_t n)
{
	z->names[z->nnames++] = (zg_name_t){ .owner = r[0].owner, .rrset_first = z->nrrsets };
	size_t i = 0;
	while (i < n) {
		size_t j = i + 1;
		while (j < n && r[j].gtype == r[i].gtype) {
			j++;
		}
		if (z->names[z->nnames - 1].rrset_count == UINT16_MAX) {
			return ZG_ETOOBIG;
		}
		zg_err_t ret = add_rrset(z, r, i, j);
		if (ret != ZG_EOK) {
			return ret;
		}
		i = j;
	}
	return ZG_EOK;
}

/* The model of sorted raw records. */
static zg_err_t build_runs(zg_zone_t *z, const zg_raw_rr_t *raw, size_t n)
{
	zg_caps_t c = { 0 };
	size_t m = n ? n : 1;
	if (zg_model_reserve(z, &c, m, m) != ZG_EOK) {
		return ZG_ENOMEM;
	}
	size_t i = 0;
	zg_err_t ret = ZG_EOK;
	while (i < n && ret == ZG_EOK) {
		size_t j = i + 1;
		while (j < n && zg_dname_equal(raw[j].owner, raw[i].owner)) {
			j++;
		}
		ret = zg_model_add_name(z, &raw[i], j - i);
		i = j;
	}
	zg_model_shrink(z, &c);
	return ret;
}

zg_err_t zg_build_sorted(zg_zone_t *z, const zg_raw_rr_t *raw, size_t n)
{
	return build_runs(z, raw, n);
}

void zg_build_init(zg_build_t *b, zg_zone_t *z)
{
	*b = (zg_build_t){ .z = z };
}

void zg_build_deinit(zg_build_t *b)
{
	zg_pages_resize(b->run, 0);
	*b = (zg_build_t){ 0 };
}

/* The current owner's records into the model. */
static zg_err_t flush(zg_build_t *b)
{
	if (b->nrun == 0) {
		return ZG_EOK;
	}
	zg_caps_t c = { b->cap_names, b->cap_rrsets, b->cap_rrs, b->cap_sigs };
	zg_err_t ret = zg_model_reserve(b->z, &c, 1, b->nrun);
	b->cap_names = c.names;
	b->cap_rrsets = c.rrsets;
	b->cap_rrs = c.rrs;
	b->cap_sigs = c.sigs;
	if (ret != ZG_EOK) {
		return ret;
	}
	zg_build_sort(b->run, b->nrun);
	ret = zg_model_add_name(b->z, b->run, b->nrun);
	b->nrun = 0;
	return ret;
}

zg_err_t zg_raw_push(zg_raw_rr_t **arr, size_t *n, size_t *cap, const zg_raw_rr_t *r)
{
	if (zg_pages_reserve(arr, cap, *n + 1, sizeof(**arr)) != ZG_EOK) {
		return ZG_ENOMEM;
	}
	(*arr)[(*n)++] = *r;
	return ZG_EOK;
}

/* The records of names [from, nnames) of z in raw form, appended to *raw; keys go to `keys`. */
zg_err_t zg_model_to_raw(const zg_zone_t *z, uint32_t from, zg_arena_t *keys,
                             zg_raw_rr_t **raw, size_t *n, size_t *cap)
{
	uint8_t kb[ZG_DNAME_KEYLEN];
	for (uint32_t i = from; i < z->nnames; i++) {
		const zg_name_t *nm = &z->names[i];
		size_t klen = keys ? zg_dname_sort_key(nm->owner, kb) : 0;
		const uint8_t *key = keys ? zg_arena_dup_bytes(keys, kb, klen) : NULL;
		if (keys != NULL && key == NULL) {
			return ZG_ENOMEM;
		}
		for (uint32_t s = nm->rrset_first; s < nm->rrset_first + nm->rrset_count; s++) {
			const zg_rrset_t *set = &z->rrsets[s];
			for (uint32_t k = 0; k < set->rr_count + set->sig_count; k++) {
				bool sig = k >= set->rr_count;
				const zg_rr_t *rr = sig ? &z->sigs[set->sig_first + k - set->rr_count]
				                        : &z->rrs[set->rr_first + k];
				zg_raw_rr_t r = { .owner = nm->owner, .key = key, .rdata = rr->rdata,
					.ttl = rr->ttl, .line = rr->line, .rdlen = rr->rdlen,
					.type = sig ? KNOT_RRTYPE_RRSIG : set->type, .gtype = set->type,
					.keylen = (uint16_t)klen };
				if (zg_raw_push(raw, n, cap, &r) != ZG_EOK) {
					return ZG_ENOMEM;
				}
			}
		}
	}
	return ZG_EOK;
}

zg_err_t zg_build_add(zg_build_t *b, const uint8_t *owner, size_t olen, uint16_t type,
                      uint16_t gtype, uint32_t ttl, const uint8_t *rdata, uint16_t rdlen,
                      uint32_t line)
{
	if (b->count >= ZG_NONE - 1u) {
		return ZG_ETOOBIG;
	}
	b->count++;
	zg_raw_rr_t r = { .rdata = rdata, .ttl = ttl, .line = line, .type = type, .gtype = gtype,
	                  .rdlen = rdlen };
	if (b->owner == NULL || olen != b->olen || memcmp(owner, b->owner, olen) != 0) {
		zg_err_t ret = flush(b);
		if (ret != ZG_EOK) {
			return ret;
		}
		if (b->owner != NULL && !b->shuffled && zg_dname_cmp(b->owner, owner) > 0) {
			b->shuffled = true; /* names stay in file order; ordered at the end */
		}
		b->owner = zg_arena_dup_bytes(b->z->arena, owner, olen);
		b->olen = olen;
		if (b->owner == NULL) {
			return ZG_ENOMEM;
		}
	}
	r.owner = b->owner;
	return zg_raw_push(&b->run, &b->nrun, &b->caprun, &r);
}

zg_err_t zg_build_end(zg_build_t *b)
{
	zg_err_t ret = flush(b);
	zg_pages_resize(b->run, 0);
	b->run = NULL;
	b->caprun = b->nrun = 0;
	zg_caps_t c = { b->cap_names, b->cap_rrsets, b->cap_rrs, b->cap_sigs };
	if (ret == ZG_EOK && b->z->names == NULL) {
		ret = zg_model_reserve(b->z, &c, 1, 1); /* no records: still non-NULL arrays */
	}
	if (ret == ZG_EOK) {
		zg_model_shrink(b->z, &c);
	}
	return ret;
}

void zg_build_shift_lines(zg_build_t *b, uint64_t by)
{
	zg_zone_t *z = b->z;
	for (uint32_t i = 0; i < z->nrrs; i++) {
		z->rrs[i].line = (uint32_t)(z->rrs[i].line + by);
	}
	for (uint32_t i = 0; i < z->nsigs; i++) {
		z->sigs[i].line = (uint32_t)(z->sigs[i].line + by);
	}
}

/* A shuffled model's names put in canonical order: new arrays, the old ones freed. */
static zg_err_t order_names(zg_build_t *b)
{
	zg_zone_t *z = b->z, src = *z;
	const zg_zone_t *srcs[1] = { &src };
	z->names = NULL;
	z->rrsets = NULL;
	z->rrs = z->sigs = NULL;
	z->nnames = z->nrrsets = z->nrrs = z->nsigs = 0;
	zg_err_t ret = zg_merge_names(z, srcs, 1);
	zg_model_drop(&src);
	b->shuffled = false;
	return ret;
}

zg_err_t zg_build_finish(zg_build_t *b)
{
	zg_err_t ret = zg_build_end(b);
	if (ret == ZG_EOK && b->shuffled) {
		ret = order_names(b);
	}
	return ret;
}
