/* check_nsec3.c -- nsec3.*: parameters (RFC 5155 4, RFC 9276), one NSEC3 per name and empty
 * non-terminal except opt-out insecure delegations (RFC 5155 7.1), hash-ordered cycle, exact
 * bitmaps, no orphans. */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libknot/descriptor.h>
#include <libknot/wire.h>
#include "verifier/internal/vctx.h"
#include "verifier/name.h"
#include "verifier/nsec3.h"

#define H ZG_NSEC3_SHA1_LEN
#define ITER_ERROR 100

typedef struct {
	uint8_t alg, flags;
	uint16_t iter;
	uint8_t saltlen;
	const uint8_t *salt;
	const uint8_t *rest; /* hash length, next hash, bitmap (NSEC3 only) */
	size_t restlen;
} params_t;

/* 28 bytes: the next hash and the bitmap are read from the zone when needed (n3_rest()). */
typedef struct {
	uint8_t hash[H];
	uint32_t name;
	bool optout, used;
	bool bm_ok;    /* false: malformed bitmap, reported once by parse_entry() */
} n3_t;

/* 28 bytes: a TLD holds a few hundred thousand at a time. */
typedef struct {
	uint8_t hash[H];
	uint32_t name; /* the name, or for an empty non-terminal a name below it */
	uint8_t up;    /* labels above name: 0 the name itself, else an empty non-terminal */
	bool needed;   /* false: insecure delegation (or ENT above only such), opt-out may skip */
	bool hashed;   /* hash taken from the memo */
} cand_t;

typedef struct {
	zg_vctx_t *ctx;
	params_t p;
	n3_t *n3;        /* zg_pages_resize() arrays, like cand */
	size_t nn3, capn3;
	uint32_t *first; /* by a hash's first two bytes: the first NSEC3 at or above (NULL: none) */
	bool dups;       /* two NSEC3 with one hash: find_n3() picks as bsearch() does */
	cand_t *cand;
	size_t ncand, capcand;
} n3ctx_t;

static bool parse_params(const uint8_t *rd, size_t len, params_t *p)
{
	if (len < 5 || len < 5u + rd[4]) {
		return false;
	}
	*p = (params_t){ .alg = rd[0], .flags = rd[1], .iter = knot_wire_read_u16(rd + 2),
	                 .saltlen = rd[4], .salt = rd + 5, .rest = rd + 5 + rd[4],
	                 .restlen = len - 5u - rd[4] };
	return true;
}

static bool same_params(const params_t *a, const params_t *b)
{
	return a->alg == b->alg && a->iter == b->iter && a->saltlen == b->saltlen &&
	       memcmp(a->salt, b->salt, a->saltlen) == 0;
}

static const char *hash_str(const uint8_t *h, char buf[40])
{
	zg_base32hex_encode(h, H, buf);
	return buf;
}

/* Entry e's NSEC3 RDATA past the salt and the hash length (parse_entry() checked it): the
 * next hash (H bytes), then the type bitmap, *bmlen bytes. */
static const uint8_t *n3_rest(const n3ctx_t *c, const n3_t *e, size_t *bmlen)
{
	const zg_zone_t *z = c->ctx->zone;
	const zg_rr_t *rr = &z->rrs[zg_zone_rrset(z, e->name, KNOT_RRTYPE_NSEC3)->rr_first];
	size_t at = 6u + rr->rdata[4];
	*bmlen = rr->rdlen - at - H;
	return rr->rdata + at;
}

/* A candidate's owner: the name's, or labels above it for an empty non-terminal. */
static const uint8_t *cand_owner(const n3ctx_t *c, const cand_t *x)
{
	return zg_dname_skip(c->ctx->zone->names[x->name].owner, x->up);
}

static int n3_cmp(const void *a, const void *b)
{
	return memcmp(((const n3_t *)a)->hash, ((const n3_t *)b)->hash, H);
}

static int cand_cmp(const void *a, const void *b)
{
	return memcmp(((const cand_t *)a)->hash, ((const cand_t *)b)->hash, H);
}

/* The zone's parameters: NSEC3PARAM at the apex, else the first NSEC3's. */
static bool zone_params(n3ctx_t *c)
{
	zg_vctx_t *ctx = c->ctx;
	const zg_zone_t *z = ctx->zone;
	const zg_rrset_t *ps = zg_zone_rrset(z, z->apex, KNOT_RRTYPE_NSEC3PARAM);
	const zg_rr_t *src = ps ? &z->rrs[ps->rr_first] : NULL;
	if (ps == NULL) {
		zg_emit(ctx, ZG_F_NSEC3_PARAM, z->apex, KNOT_RRTYPE_NSEC3PARAM, NULL,
		        "NSEC3 records but no NSEC3PARAM at the apex");
		for (uint32_t i = 0; i < z->nrrsets && src == NULL; i++) {
			const zg_rrset_t *s = &z->rrsets[i];
			src = s->type == KNOT_RRTYPE_NSEC3 && s->rr_count ? &z->rrs[s->rr_first] : NULL;
		}
	} else if (ps->rr_count != 1) {
		zg_emit(ctx, ZG_F_NSEC3_PARAM, z->apex, KNOT_RRTYPE_NSEC3PARAM, NULL,
		        "%u NSEC3PARAM records, expected one", ps->rr_count);
	}
	if (src == NULL || !parse_params(src->rdata, src->rdlen, &c->p)) {
		return false;
	}
	if (ps != NULL && c->p.flags != 0) {
		zg_emit(ctx, ZG_F_NSEC3_PARAM, z->apex, KNOT_RRTYPE_NSEC3PARAM, NULL,
		        "NSEC3PARAM flags %u, must be 0 (RFC 5155 4.1.2)", c->p.flags);
	}
	if (c->p.alg != 1) {
		zg_emit(ctx, ZG_F_NSEC3_PARAM, z->apex, KNOT_RRTYPE_NSEC3PARAM, NULL,
		        "unknown NSEC3 hash algorithm %u: no name can be matched", c->p.alg);
		return false;
	}
	return true;
}

static void check_iterations(n3ctx_t *c)
{
	const params_t *p = &c->p;
	uint32_t apex = c->ctx->zone->apex;
	if (p->iter > ITER_ERROR) {
		zg_emit_sev(c->ctx, ZG_F_NSEC3_ITERATIONS, ZG_SEV_ERROR, apex, KNOT_RRTYPE_NSEC3PARAM,
		            NULL, "%u NSEC3 iterations: validators treat the zone as insecure or bogus "
		            "above %u (RFC 9276 3.2)", p->iter, ITER_ERROR);
	} else if (p->iter > 0 || p->saltlen > 0) {
		zg_emit(c->ctx, ZG_F_NSEC3_ITERATIONS, apex, KNOT_RRTYPE_NSEC3PARAM, NULL,
		        "%u iterations, %u-byte salt: RFC 9276 asks for 0 and none", p->iter,
		        p->saltlen);
	}
}

/* One NSEC3 RR -> entry; false (with a finding) if its owner or RDATA cannot be used. */
static bool parse_entry(n3ctx_t *c, uint32_t i, const zg_rr_t *rr, n3_t *e)
{
	zg_vctx_t *ctx = c->ctx;
	const zg_zone_t *z = ctx->zone;
	const uint8_t *owner = z->names[i].owner;
	params_t p;
	if (zg_dname_labels(owner) != zg_dname_labels(z->origin) + 1 || owner[0] == 0 ||
	    zg_base32hex_decode(owner + 1, owner[0], e->hash, H) != H) {
		zg_emit(ctx, ZG_F_NSEC3_MALFORMED, i, KNOT_RRTYPE_NSEC3, NULL,
		        "owner is not a %u-byte base32hex hash label directly under the apex", H);
		return false;
	}
	if (!parse_params(rr->rdata, rr->rdlen, &p) || p.restlen < 1 || p.rest[0] != H ||
	    p.restlen < 1u + H) {
		zg_emit(ctx, ZG_F_NSEC3_MALFORMED, i, KNOT_RRTYPE_NSEC3, NULL,
		        "NSEC3 RDATA is malformed or its next hash is not %u bytes", H);
		return false;
	}
	if (!same_params(&p, &c->p)) {
		zg_emit(ctx, ZG_F_NSEC3_PARAM, i, KNOT_RRTYPE_NSEC3, NULL,
		        "NSEC3 uses hash %u, %u iterations, %u-byte salt; NSEC3PARAM says %u, %u, %u",
		        p.alg, p.iter, p.saltlen, c->p.alg, c->p.iter, c->p.saltlen);
	}
	e->optout = p.flags & 1;
	e->name = i;
	e->used = false;
	size_t ntypes = 0;
	e->bm_ok = zg_bitmap_decode(p.rest + 1 + H, p.restlen - 1 - H, ctx->bm_types,
	                            ZG_BITMAP_MAX_TYPES, &ntypes) == ZG_EOK;
	if (!e->bm_ok) {
		zg_emit(ctx, ZG_F_NSEC3_BITMAP, i, KNOT_RRTYPE_NSEC3, NULL,
		        "NSEC3: malformed type bitmap windows"); /* once here, not when matched */
	}
	return true;
}

#define PREFIXES 65536u

static unsigned prefix(const uint8_t *hash)
{
	return (unsigned)hash[0] << 8 | hash[1];
}

/* The sorted NSEC3s indexed by their hashes' first two bytes: a TLD looks a million hashes up
 * among them, each search then a step or two instead of seventeen. */
static zg_err_t index_n3(n3ctx_t *c)
{
	c->first = zg_pages_resize(NULL, (PREFIXES + 1) * sizeof(uint32_t));
	if (c->first == NULL) {
		return ZG_ENOMEM;
	}
	size_t k = 0;
	for (unsigned p = 0; p <= PREFIXES; p++) {
		while (k < c->nn3 && prefix(c->n3[k].hash) < p) {
			k++;
		}
		c->first[p] = (uint32_t)k;
	}
	for (size_t i = 1; i < c->nn3 && !c->dups; i++) {
		c->dups = memcmp(c->n3[i - 1].hash, c->n3[i].hash, H) == 0;
	}
	return ZG_EOK;
}

/* The first NSEC3 whose hash is not below hash (nn3: none). */
static size_t lower_bound(const n3ctx_t *c, const uint8_t *hash)
{
	unsigned p = prefix(hash);
	size_t lo = c->first[p], hi = c->first[p + 1];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (memcmp(c->n3[mid].hash, hash, H) < 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo;
}

/* Hashed owners in canonical order are in hash order (base32hex keeps it): usually no sort. */
static bool sorted_n3(const n3ctx_t *c)
{
	for (size_t i = 1; i < c->nn3; i++) {
		if (memcmp(c->n3[i - 1].hash, c->n3[i].hash, H) > 0) {
			return false;
		}
	}
	return true;
}

static zg_err_t collect_nsec3(n3ctx_t *c)
{
	const zg_zone_t *z = c->ctx->zone;
	for (uint32_t i = 0; i < z->nnames; i++) {
		const zg_rrset_t *s = zg_zone_rrset(z, i, KNOT_RRTYPE_NSEC3);
		if (s == NULL) {
			continue;
		}
		if (s->rr_count > 1) {
			zg_emit(c->ctx, ZG_F_NSEC3_CHAIN, i, KNOT_RRTYPE_NSEC3, NULL,
			        "%u NSEC3 records at one owner", s->rr_count);
		}
		if (zg_pages_reserve(&c->n3, &c->capn3, c->nn3 + 1, sizeof(n3_t)) != ZG_EOK) {
			return ZG_ENOMEM;
		}
		if (parse_entry(c, i, &z->rrs[s->rr_first], &c->n3[c->nn3])) {
			c->nn3++;
		}
	}
	if (!sorted_n3(c)) {
		qsort(c->n3, c->nn3, sizeof(n3_t), n3_cmp);
	}
	zg_report_counts_mut(c->ctx->report)->nsec3 = c->nn3;
	return index_n3(c);
}

/* Sorted by hash, each next hash names the following owner; the last names the first. */
static void check_chain(n3ctx_t *c)
{
	char a[40], b[40];
	for (size_t k = 0; k < c->nn3; k++) {
		const n3_t *e = &c->n3[k], *nx = &c->n3[(k + 1) % c->nn3];
		size_t bmlen;
		const uint8_t *next = n3_rest(c, e, &bmlen);
		if (k + 1 < c->nn3 && memcmp(e->hash, nx->hash, H) == 0) {
			zg_emit(c->ctx, ZG_F_NSEC3_CHAIN, nx->name, KNOT_RRTYPE_NSEC3, NULL,
			        "duplicate NSEC3 hash %s", hash_str(e->hash, a));
		} else if (memcmp(next, nx->hash, H) != 0) {
			zg_emit(c->ctx, ZG_F_NSEC3_CHAIN, e->name, KNOT_RRTYPE_NSEC3, NULL,
			        "next hashed owner %s, but the next NSEC3 in hash order is %s",
			        hash_str(next, a), hash_str(nx->hash, b));
		}
	}
}

/* Name `name`, or its ancestor `up` labels above (an empty non-terminal). */
static zg_err_t add_cand(n3ctx_t *c, uint32_t name, unsigned up, bool needed)
{
	if (zg_pages_reserve(&c->cand, &c->capcand, c->ncand + 1, sizeof(cand_t)) != ZG_EOK) {
		return ZG_ENOMEM;
	}
	c->cand[c->ncand++] = (cand_t){ .name = name, .up = (uint8_t)up, .needed = needed };
	return ZG_EOK;
}

typedef struct {
	n3ctx_t *c;
	size_t first, last;
	zg_err_t ret;
} hash_job_t;

static void *hash_range(void *arg)
{
	hash_job_t *j = arg;
	const params_t *p = &j->c->p;
	for (size_t i = j->first; i < j->last && j->ret == ZG_EOK; i++) {
		cand_t *x = &j->c->cand[i];
		if (!x->hashed) {
			j->ret = zg_nsec3_hash(p->alg, p->iter, p->salt, p->saltlen,
			                       cand_owner(j->c, x), x->hash);
		}
	}
	return NULL;
}

#define HASH_THREADS_MAX 64
#define HASH_PER_THREAD_MIN 4096

/* Candidates [from, ncand)' hashes: from the memo where it has it, the rest on the run's
 * threads. */
static zg_err_t hash_cands(n3ctx_t *c, size_t from)
{
	for (size_t i = from; i < c->ncand; i++) {
		cand_t *x = &c->cand[i];
		x->hashed = x->up == 0 && zg_memo_hash_get(c->ctx, x->name, x->hash);
	}
	unsigned n = c->ctx->opts->threads ? c->ctx->opts->threads : 1;
	n = n > HASH_THREADS_MAX ? HASH_THREADS_MAX : n;
	size_t count = c->ncand - from, most = count / HASH_PER_THREAD_MIN + 1;
	n = n > most ? (unsigned)most : n;
	hash_job_t job[HASH_THREADS_MAX];
	pthread_t tid[HASH_THREADS_MAX];
	bool started[HASH_THREADS_MAX] = { false };
	for (unsigned t = 0; t < n; t++) {
		job[t] = (hash_job_t){ .c = c, .first = from + count * t / n,
		                       .last = from + count * (t + 1) / n };
		started[t] = t + 1 < n && pthread_create(&tid[t], NULL, hash_range, &job[t]) == 0;
	}
	zg_err_t ret = ZG_EOK;
	for (unsigned t = 0; t < n; t++) {
		if (started[t]) {
			pthread_join(tid[t], NULL);
		} else {
			hash_range(&job[t]); /* the last share, or a thread that did not start */
		}
		ret = ret == ZG_EOK ? job[t].ret : ret;
	}
	for (size_t i = from; ret == ZG_EOK && i < c->ncand; i++) {
		if (c->cand[i].up == 0 && !c->cand[i].hashed) {
			zg_memo_hash_put(c->ctx, c->cand[i].name, c->cand[i].hash);
		}
	}
	return ret;
}

static n3_t *find_n3(n3ctx_t *c, const uint8_t *hash);
static const n3_t *covering(const n3ctx_t *c, const uint8_t *hash);

/* A name's NSEC3 (not an ENT's: those are grouped by hash at the end) settled at once when it
 * leaves nothing to report: its NSEC3 matched with the bitmap it should have (or one already
 * reported malformed), or none, as an insecure delegation under an opt-out span. Counted here
 * as match_one() would count it; only candidates with a finding to make are held and sorted,
 * so a TLD's million names are never all held at once. */
static bool settled_now(n3ctx_t *c, const cand_t *x)
{
	zg_vctx_t *ctx = c->ctx;
	n3_t *e = NULL;
	const n3_t *span = NULL; /* the covering NSEC3, found with the same search */
	if (c->dups) {
		e = find_n3(c, x->hash);
	} else if (c->nn3 > 0) {
		size_t at = lower_bound(c, x->hash);
		e = at < c->nn3 && memcmp(c->n3[at].hash, x->hash, H) == 0 ? &c->n3[at] : NULL;
		span = at == 0 ? &c->n3[c->nn3 - 1] : &c->n3[at - 1];
	}
	if (e == NULL) {
		if (x->needed || c->nn3 == 0 || !(span ? span : covering(c, x->hash))->optout) {
			return false;
		}
		zg_report_counts_mut(ctx->report)->nsec3_optout++;
		return true;
	}
	if (e->used) {
		return true; /* same hash as a name matched before: one group, matched once */
	}
	if (e->bm_ok) {
		uint16_t want[ZG_MAX_NAME_TYPES];
		size_t n = zg_denial_types(ctx->zone, x->name, true, want), nhave = 0, bmlen;
		const uint8_t *bm = n3_rest(c, e, &bmlen) + H;
		if (zg_bitmap_decode(bm, bmlen, ctx->bm_types, ZG_BITMAP_MAX_TYPES, &nhave) != ZG_EOK ||
		    nhave != n || memcmp(ctx->bm_types, want, n * sizeof(*want)) != 0) {
			return false; /* zg_check_bitmap() will say what differs */
		}
	}
	e->used = true;
	zg_report_counts_mut(ctx->report)->nsec3_matched++;
	return true;
}

/* Hash candidates [from, ncand) and drop the names settled at once. */
static zg_err_t settle(n3ctx_t *c, size_t from)
{
	zg_err_t ret = hash_cands(c, from);
	size_t kept = from;
	for (size_t i = from; ret == ZG_EOK && i < c->ncand; i++) {
		const cand_t *x = &c->cand[i];
		if (x->up == 0 && settled_now(c, x)) {
			continue;
		}
		c->cand[kept++] = *x;
	}
	c->ncand = ret == ZG_EOK ? kept : c->ncand;
	return ret;
}

#define SETTLE_EVERY 16384 /* candidates hashed and settled at a time */

/* Names that need an NSEC3: authoritative names with data, and the empty non-terminals
 * between them and the apex. Insecure delegations (and ENTs above only such) are optional. */
static zg_err_t collect_names(n3ctx_t *c)
{
	size_t settled = 0;
	const zg_zone_t *z = c->ctx->zone;
	zg_err_t ret = ZG_EOK;
	unsigned apex_labels = zg_dname_labels(z->origin);
	for (uint32_t i = 0; i < z->nnames && ret == ZG_EOK; i++) {
		const zg_name_t *nm = &z->names[i];
		/* data besides NSEC3: a hashed owner can be an ordinary name too (RFC 5155 App. A) */
		if ((nm->flags & (ZG_NAME_OUTSIDE | ZG_NAME_OCCLUDED)) ||
		    !zg_zone_has_data(z, i, KNOT_RRTYPE_NSEC3)) {
			continue;
		}
		bool needed = !((nm->flags & ZG_NAME_CUT) &&
		                zg_zone_rrset(z, i, KNOT_RRTYPE_DS) == NULL);
		ret = add_cand(c, i, 0, needed);
		const uint8_t *p = nm->owner;
		unsigned labels = zg_dname_labels(p);
		for (unsigned l = labels; ret == ZG_EOK && l > apex_labels + 1; l--) {
			p = zg_dname_skip(p, 1);
			if (zg_zone_find_name(z, p) != ZG_NONE) {
				break; /* an existing name: its own ancestors are its business */
			}
			ret = add_cand(c, i, labels - l + 1, needed);
		}
		if (ret == ZG_EOK && c->ncand - settled >= SETTLE_EVERY) {
			ret = settle(c, settled);
			settled = c->ncand;
		}
	}
	if (ret == ZG_EOK) {
		ret = settle(c, settled);
	}
	if (ret == ZG_EOK && c->ncand > 0) {
		qsort(c->cand, c->ncand, sizeof(cand_t), cand_cmp);
	}
	return ret;
}

static n3_t *find_n3(n3ctx_t *c, const uint8_t *hash)
{
	if (c->dups) {
		n3_t key;
		memcpy(key.hash, hash, H);
		return bsearch(&key, c->n3, c->nn3, sizeof(n3_t), n3_cmp);
	}
	size_t at = lower_bound(c, hash);
	return at < c->nn3 && memcmp(c->n3[at].hash, hash, H) == 0 ? &c->n3[at] : NULL;
}

/* The NSEC3 whose span covers hash: the last owner hash below it (wrapping). */
static const n3_t *covering(const n3ctx_t *c, const uint8_t *hash)
{
	size_t lo = lower_bound(c, hash);
	return lo == 0 ? &c->n3[c->nn3 - 1] : &c->n3[lo - 1];
}

static void match_one(n3ctx_t *c, const cand_t *x, bool needed)
{
	zg_vctx_t *ctx = c->ctx;
	char hb[40];
	n3_t *e = find_n3(c, x->hash);
	if (e != NULL) {
		e->used = true;
		zg_report_counts_mut(ctx->report)->nsec3_matched++;
		if (e->bm_ok) {
			uint16_t want[ZG_MAX_NAME_TYPES];
			size_t n = x->up > 0 ? 0 : zg_denial_types(ctx->zone, x->name, true, want);
			zg_bitmap_of_t of = { .what = "NSEC3", .owner = cand_owner(c, x), .ent = x->up > 0 };
			size_t bmlen;
			const uint8_t *bm = n3_rest(c, e, &bmlen) + H;
			zg_check_bitmap(ctx, ZG_F_NSEC3_BITMAP, e->name, bm, bmlen, want, n, &of);
		}
		return;
	}
	if (!needed && c->nn3 > 0 && covering(c, x->hash)->optout) {
		zg_report_counts_mut(ctx->report)->nsec3_optout++;
		return; /* insecure delegation under an opt-out span (RFC 5155 6) */
	}
	zg_emit_owner(ctx, ZG_F_NSEC3_MISSING, cand_owner(c, x), KNOT_RRTYPE_NSEC3,
	              "%s has no NSEC3 (hash %s)%s",
	              x->up > 0 ? "empty non-terminal" :
	              needed ? "name" : "insecure delegation outside any opt-out span",
	              hash_str(x->hash, hb),
	              needed && x->up == 0 && (ctx->zone->names[x->name].flags & ZG_NAME_CUT)
	                  ? ": a secure delegation is never covered by opt-out" : "");
}

static void match_names(n3ctx_t *c)
{
	size_t i = 0;
	while (i < c->ncand) {
		size_t j = i;
		bool needed = false;
		while (j < c->ncand && memcmp(c->cand[j].hash, c->cand[i].hash, H) == 0) {
			needed |= c->cand[j].needed; /* an ENT reached from several children */
			j++;
		}
		match_one(c, &c->cand[i], needed);
		i = j;
	}
	char hb[40];
	for (size_t k = 0; k < c->nn3; k++) {
		if (!c->n3[k].used) {
			zg_emit(c->ctx, ZG_F_NSEC3_ORPHAN, c->n3[k].name, KNOT_RRTYPE_NSEC3, NULL,
			        "hash %s matches no name or empty non-terminal of the zone",
			        hash_str(c->n3[k].hash, hb));
		}
	}
}

void zg_check_nsec3(zg_vctx_t *ctx)
{
	n3ctx_t c = { .ctx = ctx };
	if (!zone_params(&c)) {
		return;
	}
	zg_memo_hash_params(ctx, c.p.alg, c.p.iter, c.p.salt, c.p.saltlen);
	check_iterations(&c);
	zg_err_t ret = collect_nsec3(&c);
	if (ret == ZG_EOK) {
		check_chain(&c);
		ret = collect_names(&c);
	}
	if (ret == ZG_EOK) {
		match_names(&c);
		zg_memo_denial_chain(ctx, c.n3, sizeof(n3_t), offsetof(n3_t, hash),
		                     offsetof(n3_t, optout), c.nn3);
	}
	if (ret != ZG_EOK) {
		ctx->fatal = ret;
	}
	zg_pages_resize(c.n3, 0);
	zg_pages_resize(c.first, 0);
	zg_pages_resize(c.cand, 0);
}
