/* zone_merge.c -- models whose names are in file order, not canonical order (BIND writes its
 * secure delegations a little late and its NSEC3 records last), put in canonical order name by
 * name. One pass keeps the names that sort after every name kept before them and before the
 * next one in the file (for such files nearly all, in order) and moves the others aside; those
 * few are sorted by reference and the two sequences merged, each name read from its source.
 * A source's pages are given back behind the merge, up to its first name not yet merged. An
 * owner met more than once is regrouped from its records. No raw records, no sort keys, no
 * sort of the whole zone, no copy of the names moved aside. */
#include <stdlib.h>
#include <string.h>
#include "verifier/internal/introsort.h"
#include "verifier/internal/zone_build.h"
#include "verifier/name.h"
#define RELEASE_STEP (64u << 10) /* consumed source arrays given back in steps of this */
#define PAGE 4096u

typedef struct {
	uint32_t s0, s1, r0, r1, g0, g1; /* rrsets, RRs, RRSIGs of a range of names */
} span_t;

/* What names [from, to) hold, from their own entries only (a neighbour's pages may be gone). */
static span_t span_of(const zg_zone_t *p, uint32_t from, uint32_t to)
{
	if (from >= to) {
		return (span_t){ 0 };
	}
	const zg_name_t *a = &p->names[from], *b = &p->names[to - 1];
	const zg_rrset_t *f = &p->rrsets[a->rrset_first];
	const zg_rrset_t *l = &p->rrsets[b->rrset_first + b->rrset_count - 1u];
	return (span_t){ .s0 = a->rrset_first, .s1 = b->rrset_first + b->rrset_count,
	                 .r0 = f->rr_first, .r1 = l->rr_first + l->rr_count,
	                 .g0 = f->sig_first, .g1 = l->sig_first + l->sig_count };
}

void zg_model_copy(zg_zone_t *z, const zg_zone_t *p, uint32_t from, uint32_t to)
{
	span_t sp = span_of(p, from, to);
	for (uint32_t i = from; i < to; i++) {
		zg_name_t nm = p->names[i];
		nm.rrset_first = nm.rrset_first - sp.s0 + z->nrrsets;
		z->names[z->nnames + i - from] = nm;
	}
	for (uint32_t i = sp.s0; i < sp.s1; i++) {
		zg_rrset_t set = p->rrsets[i];
		set.rr_first = set.rr_first - sp.r0 + z->nrrs;
		set.sig_first = set.sig_first - sp.g0 + z->nsigs;
		z->rrsets[z->nrrsets + i - sp.s0] = set;
	}
	memcpy(z->rrs + z->nrrs, p->rrs + sp.r0, (sp.r1 - sp.r0) * sizeof(zg_rr_t));
	memcpy(z->sigs + z->nsigs, p->sigs + sp.g0, (sp.g1 - sp.g0) * sizeof(zg_rr_t));
	z->nnames += to - from;
	z->nrrsets += sp.s1 - sp.s0;
	z->nrrs += sp.r1 - sp.r0;
	z->nsigs += sp.g1 - sp.g0;
}

/* A name of one of the sources by the start of its sort key (most names moved aside are told
 * apart by that alone, without reading the owner) and its place. */
typedef struct {
	uint64_t pre[2];
	uint32_t src, name;
} ref_t;

/* The sources of the refs being sorted (ref_cmp() has no other argument); one per thread. */
static _Thread_local const zg_zone_t *const *sort_src;

static const uint8_t *ref_owner(const zg_zone_t *const *src, const ref_t *r)
{
	return src[r->src]->names[r->name].owner;
}

enum { KEPT = 0, ASIDE = 1, TAKEN = 2 }; /* TAKEN: moved aside, since appended to the result */

typedef struct {
	zg_zone_t *z;               /* the result */
	zg_caps_t c;
	const zg_zone_t *const *src;
	size_t n;
	uint8_t **state;            /* per source and name: KEPT, ASIDE or TAKEN (zg_pages_resize) */
	uint32_t *low;              /* per source: its names below are all in the result */
	uint32_t *freed;            /* per source: the pages of its names below are given back */
	ref_t *side;                /* the names moved aside, then sorted (zg_pages_resize) */
	size_t nside, capside, sfreed; /* side[0, sfreed) merged and given back */
	size_t k;                   /* the next kept name to append: name i of source k */
	uint32_t i;
} merge_t;

/* Canonical order of a and b, whose key prefixes are pa and pb. */
static int pre_cmp(const uint64_t pa[2], const uint8_t *a, const uint64_t pb[2], const uint8_t *b)
{
	if (pa[0] != pb[0]) {
		return pa[0] < pb[0] ? -1 : 1;
	}
	if (pa[1] != pb[1]) {
		return pa[1] < pb[1] ? -1 : 1;
	}
	return zg_dname_cmp(a, b);
}

/* Canonical order, then file order: no two names of the sources compare equal. */
static int ref_cmp(const ref_t *x, const ref_t *y)
{
	int c = pre_cmp(x->pre, ref_owner(sort_src, x), y->pre, ref_owner(sort_src, y));
	if (c != 0) {
		return c;
	}
	if (x->src != y->src) {
		return x->src < y->src ? -1 : 1;
	}
	return (x->name > y->name) - (x->name < y->name);
}

ZG_INTROSORT(ref_sort, ref_t, ref_cmp) /* in place: qsort() takes a copy of the array */

/* The owner after name i of source k in file order, or NULL. */
static const uint8_t *next_owner(const merge_t *m, size_t k, uint32_t i)
{
	if (i + 1 < m->src[k]->nnames) {
		return m->src[k]->names[i + 1].owner;
	}
	for (k++; k < m->n; k++) {
		if (m->src[k]->nnames > 0) {
			return m->src[k]->names[0].owner;
		}
	}
	return NULL;
}

/* The pass: a name is kept if it sorts after the last name kept and before the next one in
 * the file (so one name written early does not push the names after it aside); the others
 * are moved aside. */
static zg_err_t split_aside(merge_t *m)
{
	const uint8_t *last = NULL;
	uint64_t plast[2] = { 0 }, po[2] = { 0 }, pnx[2] = { 0 }; /* key prefixes: last, o, nx */
	bool after = true; /* the name sorts after the last kept: known when that was the previous */
	bool have_po = false;
	for (size_t k = 0; k < m->n; k++) {
		const zg_zone_t *p = m->src[k];
		if ((m->state[k] = zg_pages_resize(NULL, p->nnames ? p->nnames : 1)) == NULL) {
			return ZG_ENOMEM;
		}
		for (uint32_t i = 0; i < p->nnames; i++) {
			const uint8_t *o = p->names[i].owner, *nx = next_owner(m, k, i);
			if (!have_po) {
				zg_dname_key_prefix(o, po);
			}
			if (nx != NULL) {
				zg_dname_key_prefix(nx, pnx);
			}
			after = after || last == NULL || pre_cmp(po, o, plast, last) > 0;
			bool kept = after && (nx == NULL || pre_cmp(po, o, pnx, nx) < 0);
			if (kept) {
				last = o; /* and nx sorts after it */
				memcpy(plast, po, sizeof(plast));
			} else {
				after = false;
				if (zg_pages_reserve(&m->side, &m->capside, m->nside + 1, sizeof(ref_t)) !=
				    ZG_EOK) {
					return ZG_ENOMEM;
				}
				ref_t *r = &m->side[m->nside++];
				*r = (ref_t){ .src = (uint32_t)k, .name = i };
				memcpy(r->pre, po, sizeof(po));
				m->state[k][i] = ASIDE;
			}
			memcpy(po, pnx, sizeof(po)); /* nx is the next o */
			have_po = nx != NULL;
		}
	}
	sort_src = m->src;
	ref_sort(m->side, m->nside);
	sort_src = NULL;
	return ZG_EOK;
}

zg_err_t zg_model_merge_last(zg_zone_t *z, zg_caps_t *c, const zg_zone_t *p, uint32_t i)
{
	zg_raw_rr_t *run = NULL;
	size_t n = 0, cap = 0;
	zg_name_t last = z->names[z->nnames - 1];
	zg_zone_t view = *p;
	view.nnames = i + 1;
	zg_err_t ret = zg_model_to_raw(z, z->nnames - 1, NULL, &run, &n, &cap);
	if (ret == ZG_EOK) {
		ret = zg_model_to_raw(&view, i, NULL, &run, &n, &cap);
	}
	if (ret == ZG_EOK) {
		for (size_t k = 0; k < n; k++) {
			run[k].owner = last.owner;
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

/* Append names [from, to) of p (ascending); the first may be the owner of z's last name: then
 * both are regrouped as one. */
static zg_err_t append_run(zg_zone_t *z, zg_caps_t *c, const zg_zone_t *p, uint32_t from,
                           uint32_t to)
{
	zg_err_t ret = ZG_EOK;
	if (z->nnames > 0 && zg_dname_equal(z->names[z->nnames - 1].owner, p->names[from].owner)) {
		ret = zg_model_merge_last(z, c, p, from++);
	}
	if (ret != ZG_EOK || from >= to) {
		return ret;
	}
	span_t sp = span_of(p, from, to);
	uint32_t most = sp.s1 - sp.s0;
	most = most > sp.r1 - sp.r0 ? most : sp.r1 - sp.r0;
	most = most > sp.g1 - sp.g0 ? most : sp.g1 - sp.g0;
	ret = zg_model_reserve(z, c, to - from, most);
	if (ret == ZG_EOK) {
		zg_model_copy(z, p, from, to);
	}
	return ret;
}

/* Bytes [from, to) of an array at base are consumed, and so is everything before them: give
 * back their pages and the one holding byte `from` (a range's first and last pages are
 * partly its neighbours': the first is given back with this range, the last with the next),
 * never the page holding base (its mapping's header). */
static void give_back(const void *base, size_t from, size_t to)
{
	uintptr_t b = (uintptr_t)base, lo = (b + from) & ~(uintptr_t)(PAGE - 1);
	lo = lo < b ? b : lo;
	if (b + to > lo) {
		zg_pages_release((void *)lo, b + to - lo);
	}
}

/* Names [*from, to) of p are in the result: give their pages back once there are enough. */
static void release(const zg_zone_t *p, uint32_t *from, uint32_t to, bool force)
{
	if (*from >= to || (!force && (to - *from) * sizeof(zg_rrset_t) < RELEASE_STEP)) {
		return;
	}
	span_t sp = span_of(p, *from, to);
	give_back(p->names, *from * sizeof(zg_name_t), to * sizeof(zg_name_t));
	give_back(p->rrsets, sp.s0 * sizeof(zg_rrset_t), sp.s1 * sizeof(zg_rrset_t));
	give_back(p->rrs, sp.r0 * sizeof(zg_rr_t), sp.r1 * sizeof(zg_rr_t));
	give_back(p->sigs, sp.g0 * sizeof(zg_rr_t), sp.g1 * sizeof(zg_rr_t));
	*from = to;
}

/* Name i of source k is in the result. */
static bool taken(const merge_t *m, size_t k, uint32_t i)
{
	uint8_t st = m->state[k][i];
	return st == TAKEN || (st == KEPT && (k < m->k || (k == m->k && i < m->i)));
}

/* Source k's names in the result, from its start on without a gap, given back in steps: a
 * name moved aside holds back the pages from its own on until it is appended. */
static void settle(merge_t *m, size_t k)
{
	const zg_zone_t *p = m->src[k];
	uint32_t lo = m->low[k];
	while (lo < p->nnames && taken(m, k, lo)) {
		lo++;
	}
	m->low[k] = lo;
	uint32_t was = m->freed[k];
	release(p, &m->freed[k], lo, lo == p->nnames);
	give_back(m->state[k], was, m->freed[k]); /* not read below low[k] */
}

/* The next kept name at or after (m->k, m->i); false at the end (m->k is then m->n). */
static bool next_kept(merge_t *m)
{
	while (m->k < m->n) {
		const zg_zone_t *p = m->src[m->k];
		m->i = m->i > m->low[m->k] ? m->i : m->low[m->k]; /* below: merged, maybe given back */
		while (m->i < p->nnames && m->state[m->k][m->i] != KEPT) {
			m->i++;
		}
		if (m->i < p->nnames) {
			return true;
		}
		m->k++;
		m->i = 0;
	}
	return false;
}

/* Kept names of source k from i on, in one run: up to a name moved aside or one that does not
 * sort before the name moved aside `until` (NULL: no limit); the end of the run. */
static uint32_t kept_run(const merge_t *m, size_t k, uint32_t i, const ref_t *until)
{
	const zg_zone_t *p = m->src[k];
	const uint8_t *u = until != NULL ? ref_owner(m->src, until) : NULL;
	for (i++; i < p->nnames && m->state[k][i] == KEPT; i++) {
		uint64_t pre[2];
		if (u != NULL) {
			zg_dname_key_prefix(p->names[i].owner, pre);
			if (pre_cmp(pre, p->names[i].owner, until->pre, u) >= 0) {
				break;
			}
		}
	}
	return i;
}

/* A run of kept names into the result; the sources it finished settled. */
static zg_err_t take_kept(merge_t *m, const ref_t *until)
{
	size_t k = m->k;
	uint32_t from = m->i;
	m->i = kept_run(m, k, from, until);
	zg_err_t ret = append_run(m->z, &m->c, m->src[k], from, m->i);
	(void)next_kept(m);
	for (size_t x = k; x <= m->k && x < m->n; x++) {
		settle(m, x);
	}
	return ret;
}

/* The kept names (in order) and those moved aside (sorted) merged into the result, each read
 * from its source, whose pages are given back behind the merge. */
static zg_err_t merge_two(merge_t *m)
{
	size_t j = 0;
	zg_err_t ret = zg_model_reserve(m->z, &m->c, 1, 1);
	bool more = next_kept(m);
	while (ret == ZG_EOK && (more || j < m->nside)) {
		const uint8_t *kh = more ? m->src[m->k]->names[m->i].owner : NULL;
		const ref_t *sh = j < m->nside ? &m->side[j] : NULL;
		uint64_t pk[2] = { 0 };
		if (kh != NULL && sh != NULL) {
			zg_dname_key_prefix(kh, pk);
		}
		if (kh != NULL && (sh == NULL || pre_cmp(pk, kh, sh->pre, ref_owner(m->src, sh)) <= 0)) {
			ret = take_kept(m, sh);
			more = m->k < m->n;
		} else {
			const ref_t *r = &m->side[j++];
			ret = append_run(m->z, &m->c, m->src[r->src], r->name, r->name + 1);
			m->state[r->src][r->name] = TAKEN;
			settle(m, r->src);
			if ((j - m->sfreed) * sizeof(ref_t) >= RELEASE_STEP) {
				give_back(m->side, m->sfreed * sizeof(ref_t), j * sizeof(ref_t));
				m->sfreed = j;
			}
		}
	}
	return ret;
}

zg_err_t zg_merge_names(zg_zone_t *z, const zg_zone_t *const *src, size_t n)
{
	size_t cnt = n ? n : 1;
	merge_t m = { .z = z, .src = src, .n = n, .state = calloc(cnt, sizeof(uint8_t *)),
	              .low = calloc(cnt, sizeof(uint32_t)), .freed = calloc(cnt, sizeof(uint32_t)) };
	zg_err_t ret = m.state && m.low && m.freed ? split_aside(&m) : ZG_ENOMEM;
	if (ret == ZG_EOK) {
		ret = merge_two(&m);
	}
	zg_model_shrink(z, &m.c);
	for (size_t k = 0; m.state != NULL && k < n; k++) {
		zg_pages_resize(m.state[k], 0);
	}
	free(m.state);
	free(m.low);
	free(m.freed);
	zg_pages_resize(m.side, 0);
	return ret;
}
