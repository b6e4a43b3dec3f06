/* zone_diff.c -- diffs between zone versions: build one RR by RR (an IXFR) or from two loaded
 * zones, and apply one to a base version by merging it into the base's canonical record order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libknot/descriptor.h>
#include "verifier/incremental.h"
#include "verifier/internal/zone_build.h"
#include "verifier/internal/zone_model.h"
#include "verifier/name.h"
#include "verifier/rdata.h"

struct zg_diff {
	zg_arena_t *arena; /* owners, keys and RDATA of every record; shared with applied zones */
	zg_raw_rr_t *rm, *add;
	size_t nrm, caprm, nadd, capadd;
};

zg_diff_t *zg_diff_new(void)
{
	zg_diff_t *d = calloc(1, sizeof(*d));
	if (d != NULL && (d->arena = zg_arena_new(0)) == NULL) {
		free(d);
		return NULL;
	}
	return d;
}

void zg_diff_free(zg_diff_t *diff)
{
	if (diff == NULL) {
		return;
	}
	zg_arena_free(diff->arena);
	free(diff->rm);
	free(diff->add);
	free(diff);
}

void zg_diff_counts(const zg_diff_t *diff, size_t *removed, size_t *added)
{
	*removed = diff ? diff->nrm : 0;
	*added = diff ? diff->nadd : 0;
}

zg_err_t zg_diff_add(zg_diff_t *diff, bool remove, const uint8_t *owner, uint16_t type,
                     uint32_t ttl, const uint8_t *rdata, uint16_t rdlen, uint32_t line)
{
	if (diff == NULL || owner == NULL || (rdata == NULL && rdlen > 0)) {
		return ZG_EINVAL;
	}
	size_t olen = zg_dname_len(owner, ZG_DNAME_MAXLEN);
	if (olen == 0 || (type == KNOT_RRTYPE_RRSIG && rdlen < 18)) {
		return ZG_EMALF;
	}
	zg_raw_rr_t **arr = remove ? &diff->rm : &diff->add;
	size_t *n = remove ? &diff->nrm : &diff->nadd, *cap = remove ? &diff->caprm : &diff->capadd;
	uint8_t key[ZG_DNAME_KEYLEN];
	uint8_t *own = zg_arena_dup(diff->arena, owner, olen);
	uint8_t *rd = zg_arena_dup(diff->arena, rdata, rdlen ? rdlen : 1);
	if (own == NULL || rd == NULL || zg_array_reserve(arr, cap, *n, sizeof(**arr), 256)) {
		return ZG_ENOMEM;
	}
	zg_dname_lower(own);
	if (zg_rdata_canonicalize(type, rd, rdlen) != ZG_EOK) {
		return ZG_EMALF;
	}
	size_t klen = zg_dname_sort_key(own, key);
	const uint8_t *k = zg_arena_dup(diff->arena, key, klen);
	if (k == NULL) {
		return ZG_ENOMEM;
	}
	uint16_t gtype = type == KNOT_RRTYPE_RRSIG ? (uint16_t)(rd[0] << 8 | rd[1]) : type;
	(*arr)[(*n)++] = (zg_raw_rr_t){ .owner = own, .key = k, .rdata = rd, .ttl = ttl,
		.line = line, .type = type, .gtype = gtype, .rdlen = rdlen, .keylen = (uint16_t)klen };
	return ZG_EOK;
}

/* ---- the diff of two loaded zones ---- */

static int bytes_cmp(const uint8_t *a, uint16_t la, const uint8_t *b, uint16_t lb)
{
	int c = memcmp(a, b, la < lb ? la : lb);
	return c != 0 ? c : (la > lb) - (la < lb);
}

static zg_err_t add_rr(zg_diff_t *d, bool remove, const uint8_t *owner, const zg_rrset_t *s,
                       const zg_rr_t *rr, bool sig)
{
	return zg_diff_add(d, remove, owner, sig ? KNOT_RRTYPE_RRSIG : s->type,
	                   rr->ttl, rr->rdata, rr->rdlen, rr->line);
}

/* Two sorted RR lists of one (owner, type): what a lacks is added, what b lacks removed. */
static zg_err_t diff_rrs(zg_diff_t *d, const uint8_t *owner, const zg_zone_t *za,
                         const zg_rrset_t *sa, const zg_zone_t *zb, const zg_rrset_t *sb,
                         bool sig)
{
	const zg_rr_t *a = sa ? (sig ? &za->sigs[sa->sig_first] : &za->rrs[sa->rr_first]) : NULL;
	const zg_rr_t *b = sb ? (sig ? &zb->sigs[sb->sig_first] : &zb->rrs[sb->rr_first]) : NULL;
	uint32_t na = sa ? (sig ? sa->sig_count : sa->rr_count) : 0;
	uint32_t nb = sb ? (sig ? sb->sig_count : sb->rr_count) : 0;
	uint32_t i = 0, j = 0;
	zg_err_t ret = ZG_EOK;
	while (ret == ZG_EOK && (i < na || j < nb)) {
		int c = i == na ? 1 : j == nb ? -1 : bytes_cmp(a[i].rdata, a[i].rdlen, b[j].rdata,
		                                               b[j].rdlen);
		if (c < 0) {
			ret = add_rr(d, true, owner, sa, &a[i++], sig);
		} else if (c > 0) {
			ret = add_rr(d, false, owner, sb, &b[j++], sig);
		} else if (a[i].ttl != b[j].ttl) {
			ret = add_rr(d, true, owner, sa, &a[i++], sig);
			ret = ret == ZG_EOK ? add_rr(d, false, owner, sb, &b[j++], sig) : ret;
		} else {
			i++;
			j++;
		}
	}
	return ret;
}

static zg_err_t diff_sets(zg_diff_t *d, const uint8_t *owner, const zg_zone_t *za,
                          const zg_rrset_t *sa, const zg_zone_t *zb, const zg_rrset_t *sb)
{
	zg_err_t ret = diff_rrs(d, owner, za, sa, zb, sb, false);
	return ret == ZG_EOK ? diff_rrs(d, owner, za, sa, zb, sb, true) : ret;
}

/* The RRsets of one owner in a (ia, or ZG_NONE) and b (ib, or ZG_NONE), merged by type. */
static zg_err_t diff_name(zg_diff_t *d, const zg_zone_t *a, uint32_t ia, const zg_zone_t *b,
                          uint32_t ib)
{
	uint32_t na = ia == ZG_NONE ? 0 : a->names[ia].rrset_count;
	uint32_t nb = ib == ZG_NONE ? 0 : b->names[ib].rrset_count;
	const zg_rrset_t *sa = na ? &a->rrsets[a->names[ia].rrset_first] : NULL;
	const zg_rrset_t *sb = nb ? &b->rrsets[b->names[ib].rrset_first] : NULL;
	const uint8_t *owner = ia == ZG_NONE ? b->names[ib].owner : a->names[ia].owner;
	uint32_t i = 0, j = 0;
	zg_err_t ret = ZG_EOK;
	while (ret == ZG_EOK && (i < na || j < nb)) {
		if (j == nb || (i < na && sa[i].type < sb[j].type)) {
			ret = diff_sets(d, owner, a, &sa[i++], b, NULL);
		} else if (i == na || sb[j].type < sa[i].type) {
			ret = diff_sets(d, owner, a, NULL, b, &sb[j++]);
		} else {
			ret = diff_sets(d, owner, a, &sa[i++], b, &sb[j++]);
		}
	}
	return ret;
}

zg_err_t zg_zone_diff(const zg_zone_t *a, const zg_zone_t *b, zg_diff_t **diff)
{
	if (a == NULL || b == NULL || diff == NULL) {
		return ZG_EINVAL;
	}
	zg_diff_t *d = zg_diff_new();
	if (d == NULL) {
		return ZG_ENOMEM;
	}
	uint32_t i = 0, j = 0;
	zg_err_t ret = ZG_EOK;
	while (ret == ZG_EOK && (i < a->nnames || j < b->nnames)) {
		int c = i == a->nnames ? 1 : j == b->nnames ? -1 :
		        zg_dname_equal(a->names[i].owner, b->names[j].owner) ? 0 :
		        zg_dname_cmp(a->names[i].owner, b->names[j].owner);
		uint32_t ia = c <= 0 ? i++ : ZG_NONE, ib = c >= 0 ? j++ : ZG_NONE;
		ret = diff_name(d, a, ia, b, ib);
	}
	if (ret != ZG_EOK) {
		zg_diff_free(d);
		return ret;
	}
	*diff = d;
	return ZG_EOK;
}

/* ---- applying a diff: unchanged names copied in runs, each changed owner regrouped ---- */

static int raw_sort(const void *pa, const void *pb)
{
	const zg_raw_rr_t *a = pa, *b = pb;
	int c = zg_raw_order(a, b);
	return c != 0 ? c : (a->line > b->line) - (a->line < b->line);
}

typedef struct {
	const zg_zone_t *base;
	const zg_diff_t *d;
	zg_zone_t *z;
	zg_caps_t caps;
	size_t ai, ri;          /* next added, next removed record */
	uint32_t next;          /* next name of base not yet copied */
	zg_raw_rr_t *run;       /* one changed owner's records */
	size_t nrun, caprun;
	zg_copy_run_t *runs;    /* what was copied as it was, and regrouped (zone_model.h) */
	size_t nruns, capruns;
	zg_regrouped_t *regrouped;
	size_t nregrouped, capregrouped;
	int64_t soa;            /* SOA RRs: base's, less the removed, plus the added */
	bool remark;            /* a cut or DNAME came or went: every name is marked again */
	char *errmsg;
	size_t errlen;
} apply_t;

static zg_err_t absent(apply_t *a, const zg_raw_rr_t *rm)
{
	char ob[ZG_DNAME_STRLEN], tb[32];
	if (knot_rrtype_to_string(rm->type, tb, sizeof(tb)) < 0) {
		snprintf(tb, sizeof(tb), "TYPE%u", rm->type);
	}
	if (a->errmsg != NULL && a->errlen > 0) {
		snprintf(a->errmsg, a->errlen, "the diff removes %s %s, which the base version does "
		         "not hold", zg_dname_str(rm->owner, ob, sizeof(ob)), tb);
	}
	return ZG_EINVAL;
}

static int owner_cmp(const zg_raw_rr_t *a, const zg_raw_rr_t *b)
{
	int c = memcmp(a->key, b->key, a->keylen < b->keylen ? a->keylen : b->keylen);
	return c != 0 ? c : (a->keylen > b->keylen) - (a->keylen < b->keylen);
}

/* The diff's records of the next owner: add[ai, *ae) and rm[ri, *re); that owner. */
static const zg_raw_rr_t *next_owner(const apply_t *a, size_t *ae, size_t *re)
{
	const zg_diff_t *d = a->d;
	const zg_raw_rr_t *o = a->ai < d->nadd ? &d->add[a->ai] : NULL;
	if (a->ri < d->nrm && (o == NULL || owner_cmp(&d->rm[a->ri], o) < 0)) {
		o = &d->rm[a->ri];
	}
	for (*ae = a->ai; *ae < d->nadd && owner_cmp(&d->add[*ae], o) == 0; (*ae)++) {
	}
	for (*re = a->ri; *re < d->nrm && owner_cmp(&d->rm[*re], o) == 0; (*re)++) {
	}
	return o;
}

/* First name of base at or after `from` not before owner. */
static uint32_t lower_bound(const zg_zone_t *z, uint32_t from, const uint8_t *owner)
{
	uint32_t lo = from, hi = z->nnames;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (zg_dname_cmp(z->names[mid].owner, owner) < 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo;
}

static zg_err_t push(apply_t *a, const zg_raw_rr_t *r)
{
	return zg_raw_push(&a->run, &a->nrun, &a->caprun, r);
}

/* Base's records of name i (canonical order), less rm[ri, re), with add[ai, ae) merged in. */
static zg_err_t merge_owner(apply_t *a, uint32_t i, const zg_raw_rr_t *o, size_t ae, size_t re)
{
	const zg_zone_t *b = a->base;
	const zg_diff_t *d = a->d;
	zg_err_t ret = ZG_EOK;
	a->nrun = 0;
	const zg_name_t *nm = i == ZG_NONE ? NULL : &b->names[i];
	for (uint32_t s = 0; nm != NULL && s < nm->rrset_count && ret == ZG_EOK; s++) {
		const zg_rrset_t *set = &b->rrsets[nm->rrset_first + s];
		for (uint32_t k = 0; k < set->rr_count + set->sig_count && ret == ZG_EOK; k++) {
			bool sig = k >= set->rr_count;
			const zg_rr_t *rr = sig ? &b->sigs[set->sig_first + k - set->rr_count]
			                        : &b->rrs[set->rr_first + k];
			zg_raw_rr_t r = { .owner = nm->owner, .key = o->key, .rdata = rr->rdata,
				.ttl = rr->ttl, .line = rr->line, .rdlen = rr->rdlen,
				.type = sig ? KNOT_RRTYPE_RRSIG : set->type, .gtype = set->type,
				.keylen = o->keylen };
			while (ret == ZG_EOK && a->ai < ae && zg_raw_order(&d->add[a->ai], &r) < 0) {
				ret = push(a, &d->add[a->ai++]);
			}
			if (a->ri < re && zg_raw_order(&d->rm[a->ri], &r) < 0) {
				return absent(a, &d->rm[a->ri]);
			}
			if (a->ri < re && zg_raw_order(&d->rm[a->ri], &r) == 0) {
				while (a->ri < re && zg_raw_order(&d->rm[a->ri], &r) == 0) {
					a->ri++; /* the same RR listed twice removes it once */
				}
			} else if (ret == ZG_EOK) {
				ret = push(a, &r);
			}
		}
	}
	if (a->ri < re) {
		return absent(a, &d->rm[a->ri]);
	}
	while (ret == ZG_EOK && a->ai < ae) {
		ret = push(a, &d->add[a->ai++]);
	}
	return ret;
}

/* Does name i (of z) cut the zone for the names below it: NS below the apex, or a DNAME? */
static bool cuts(const zg_zone_t *z, uint32_t i)
{
	if (i == ZG_NONE) {
		return false;
	}
	bool apex = zg_dname_cmp(z->names[i].owner, z->origin) == 0;
	return (!apex && zg_zone_rrset(z, i, KNOT_RRTYPE_NS) != NULL) ||
	       zg_zone_rrset(z, i, KNOT_RRTYPE_DNAME) != NULL;
}

/* Does base hold a name below owner? Its descendants follow it in canonical order: the first
 * name after owner's place (i) tells. */
static bool has_below(const zg_zone_t *base, uint32_t i, const uint8_t *owner)
{
	return i < base->nnames && !zg_dname_equal(base->names[i].owner, owner) &&
	       zg_dname_under(base->names[i].owner, owner);
}

static uint32_t soa_rrs(const zg_zone_t *z, uint32_t i)
{
	const zg_rrset_t *s = i == ZG_NONE ? NULL : zg_zone_rrset(z, i, KNOT_RRTYPE_SOA);
	return s ? s->rr_count : 0;
}

/* Names [from, to) of base copied as they are behind z's, and noted as such. */
static zg_err_t copy_names(apply_t *a, uint32_t from, uint32_t to)
{
	if (from >= to) {
		return ZG_EOK;
	}
	const zg_zone_t *b = a->base;
	zg_copy_run_t r = { .base_name = from, .name = a->z->nnames, .count = to - from,
	                    .base_sig = b->rrsets[b->names[from].rrset_first].sig_first,
	                    .sig = a->z->nsigs };
	zg_model_copy(a->z, b, from, to);
	r.nsigs = a->z->nsigs - r.sig;
	if (zg_array_reserve(&a->runs, &a->capruns, a->nruns, sizeof(*a->runs), 64) != ZG_EOK) {
		return ZG_ENOMEM;
	}
	a->runs[a->nruns++] = r;
	return ZG_EOK;
}

static zg_err_t note_regrouped(apply_t *a, uint32_t name, uint32_t base_name)
{
	if (zg_array_reserve(&a->regrouped, &a->capregrouped, a->nregrouped,
	                     sizeof(*a->regrouped), 64) != ZG_EOK) {
		return ZG_ENOMEM;
	}
	a->regrouped[a->nregrouped++] = (zg_regrouped_t){ .name = name, .base_name = base_name };
	return ZG_EOK;
}

/* One changed owner: base's names before it copied as they are, then its records regrouped. */
static zg_err_t apply_owner(apply_t *a)
{
	size_t ae, re;
	const zg_raw_rr_t *o = next_owner(a, &ae, &re);
	uint32_t pos = lower_bound(a->base, a->next, o->owner);
	bool held = pos < a->base->nnames && zg_dname_equal(a->base->names[pos].owner, o->owner);
	uint32_t was = held ? pos : ZG_NONE;
	zg_err_t ret = copy_names(a, a->next, pos);
	a->next = held ? pos + 1 : pos;
	if (ret == ZG_EOK) {
		ret = merge_owner(a, was, o, ae, re);
	}
	if (ret != ZG_EOK) {
		return ret;
	}
	a->soa -= soa_rrs(a->base, was);
	/* a cut or DNAME that comes or goes changes the names below it, if base has any (names
	 * the diff adds below it are marked one by one anyway) */
	bool below = has_below(a->base, a->next, o->owner);
	if (a->nrun == 0) { /* every record of the name removed */
		a->remark |= cuts(a->base, was) && below;
		return was == ZG_NONE ? ZG_EOK : note_regrouped(a, ZG_NONE, was);
	}
	uint32_t at = a->z->nnames;
	ret = zg_model_add_name(a->z, a->run, a->nrun);
	if (ret == ZG_EOK) {
		a->soa += soa_rrs(a->z, at);
		a->remark |= cuts(a->base, was) != cuts(a->z, at) && below;
		ret = note_regrouped(a, at, was);
	}
	return ret;
}

/* Apex, cuts and occlusion: for the regrouped names only, unless a cut came or went. */
static void mark(apply_t *a)
{
	zg_zone_t *z = a->z;
	z->soa_count = (uint32_t)a->soa;
	if (!a->remark) {
		for (size_t k = 0; k < a->nregrouped; k++) {
			if (a->regrouped[k].name != ZG_NONE) {
				zg_zone_mark_name(z, a->regrouped[k].name);
			}
		}
		z->apex = zg_zone_find_name(z, z->origin);
		return;
	}
	for (uint32_t i = 0; i < z->nnames; i++) {
		z->names[i].flags = 0;
	}
	for (uint32_t i = 0; i < z->nrrsets; i++) {
		z->rrsets[i].flags &= (uint16_t)~ZG_RRSET_AUTH;
	}
	zg_zone_mark(z);
}

/* The new zone shares the arenas of base (and of base's own bases) and of the diff. */
static zg_err_t share_arenas(zg_zone_t *z, const zg_zone_t *base, const zg_diff_t *d)
{
	z->shared = calloc(base->nshared + 2u, sizeof(*z->shared));
	if (z->shared == NULL) {
		return ZG_ENOMEM;
	}
	z->shared[z->nshared++] = zg_arena_ref(base->arena);
	for (uint32_t i = 0; i < base->nshared; i++) {
		z->shared[z->nshared++] = zg_arena_ref(base->shared[i]);
	}
	z->shared[z->nshared++] = zg_arena_ref(d->arena);
	return ZG_EOK;
}

static zg_err_t new_zone(const zg_zone_t *base, const zg_diff_t *d, zg_zone_t **out)
{
	zg_zone_t *z = calloc(1, sizeof(*z));
	if (z == NULL || (z->arena = zg_arena_new(0)) == NULL) {
		free(z);
		return ZG_ENOMEM;
	}
	z->id = zg_zone_new_id();
	memcpy(z->origin, base->origin, sizeof(z->origin));
	z->path = base->path ? zg_arena_dup(z->arena, base->path, strlen(base->path) + 1) : NULL;
	zg_err_t ret = share_arenas(z, base, d);
	if (ret != ZG_EOK) {
		zg_zone_free(z);
		return ret;
	}
	*out = z;
	return ZG_EOK;
}

/* Room for base's arrays and everything the diff adds (the tails are given back after). */
static zg_err_t reserve(apply_t *a)
{
	const zg_zone_t *b = a->base;
	size_t most = b->nrrsets > b->nrrs ? b->nrrsets : b->nrrs;
	most = (most > b->nsigs ? most : b->nsigs) + a->d->nadd + 1;
	zg_err_t ret = zg_model_reserve(a->z, &a->caps, (size_t)b->nnames + a->d->nadd + 1, most);
	if (ret == ZG_EOK) { /* base's arrays are copied whole: their pages in one call each */
		zg_pages_populate(a->z->names, (size_t)b->nnames * sizeof(zg_name_t));
		zg_pages_populate(a->z->rrsets, (size_t)b->nrrsets * sizeof(zg_rrset_t));
		zg_pages_populate(a->z->rrs, (size_t)b->nrrs * sizeof(zg_rr_t));
		zg_pages_populate(a->z->sigs, (size_t)b->nsigs * sizeof(zg_rr_t));
	}
	return ret;
}

static zg_err_t apply(apply_t *a)
{
	zg_err_t ret = reserve(a);
	while (ret == ZG_EOK && (a->ai < a->d->nadd || a->ri < a->d->nrm)) {
		ret = apply_owner(a);
	}
	if (ret != ZG_EOK) {
		return ret;
	}
	ret = copy_names(a, a->next, a->base->nnames);
	if (ret != ZG_EOK) {
		return ret;
	}
	if (a->z->nnames == 0) {
		if (a->errmsg != NULL && a->errlen > 0) {
			snprintf(a->errmsg, a->errlen, "the diff removes every record of the zone");
		}
		return ZG_EINVAL;
	}
	zg_model_shrink(a->z, &a->caps);
	mark(a);
	if (!a->remark) { /* the memo's map may follow the runs (memo.c) */
		a->z->base_id = a->base->id;
		a->z->runs = a->runs;
		a->z->nruns = (uint32_t)a->nruns;
		a->z->regrouped = a->regrouped;
		a->z->nregrouped = (uint32_t)a->nregrouped;
		a->runs = NULL;
		a->regrouped = NULL;
	}
	return ZG_EOK;
}

zg_err_t zg_zone_apply_diff(const zg_zone_t *base, zg_diff_t *diff, zg_zone_t **zone,
                            char *errmsg, size_t errlen)
{
	if (base == NULL || diff == NULL || zone == NULL) {
		return ZG_EINVAL;
	}
	zg_diff_t *d = diff;
	if (d->nrm > 0) {
		qsort(d->rm, d->nrm, sizeof(zg_raw_rr_t), raw_sort);
	}
	if (d->nadd > 0) {
		qsort(d->add, d->nadd, sizeof(zg_raw_rr_t), raw_sort);
	}
	apply_t a = { .base = base, .d = d, .soa = base->soa_count, .errmsg = errmsg,
	              .errlen = errlen };
	zg_err_t ret = new_zone(base, d, &a.z);
	if (ret == ZG_EOK) {
		ret = apply(&a);
	}
	zg_pages_resize(a.run, 0);
	free(a.runs);
	free(a.regrouped);
	if (ret != ZG_EOK) {
		zg_zone_free(a.z);
		return ret;
	}
	*zone = a.z;
	return ZG_EOK;
}

static bool same_rrs(const zg_rr_t *a, const zg_rr_t *b, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (a[i].rdlen != b[i].rdlen || a[i].ttl != b[i].ttl ||
		    memcmp(a[i].rdata, b[i].rdata, a[i].rdlen) != 0) {
			return false;
		}
	}
	return true;
}

zg_err_t zg_zone_adopt_lines(zg_zone_t *zone, const zg_zone_t *from)
{
	if (zone == NULL || from == NULL || zone->nnames != from->nnames ||
	    zone->nrrsets != from->nrrsets || zone->nrrs != from->nrrs ||
	    zone->nsigs != from->nsigs || !same_rrs(zone->rrs, from->rrs, zone->nrrs) ||
	    !same_rrs(zone->sigs, from->sigs, zone->nsigs)) {
		return ZG_EINVAL;
	}
	for (uint32_t i = 0; i < zone->nnames; i++) {
		const zg_name_t *a = &zone->names[i], *b = &from->names[i];
		if (!zg_dname_equal(a->owner, b->owner) || a->rrset_first != b->rrset_first ||
		    a->rrset_count != b->rrset_count) {
			return ZG_EINVAL;
		}
	}
	for (uint32_t i = 0; i < zone->nrrsets; i++) {
		const zg_rrset_t *a = &zone->rrsets[i], *b = &from->rrsets[i];
		if (a->type != b->type || a->rr_first != b->rr_first ||
		    a->rr_count != b->rr_count || a->sig_first != b->sig_first) {
			return ZG_EINVAL;
		}
	}
	const char *path = from->path ? zg_arena_dup(zone->arena, from->path,
	                                             strlen(from->path) + 1) : NULL;
	if (from->path != NULL && path == NULL) {
		return ZG_ENOMEM;
	}
	zone->path = path;
	for (uint32_t i = 0; i < zone->nrrs; i++) {
		zone->rrs[i].line = from->rrs[i].line;
	}
	for (uint32_t i = 0; i < zone->nsigs; i++) {
		zone->sigs[i].line = from->sigs[i].line;
	}
	return ZG_EOK;
}
