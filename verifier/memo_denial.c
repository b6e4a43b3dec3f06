/* memo_denial.c -- the NSEC/NSEC3 checks' results kept for the next run. Those checks read only
 * the names, their flags, which types they hold, the NSEC/NSEC3/NSEC3PARAM data and the policy's
 * severities. When a new version differs from the memo's base in nothing of that (memo.c
 * compares name by name: a re-signed RRset, a delegation's new name servers, a new SOA serial),
 * the base's findings and counts are theirs exactly, and are replayed instead of computed. Names
 * that come or go may be glue (occluded, never part of a denial chain) and, in an NSEC3 zone,
 * insecure delegations just below the apex with no NSEC3 of their own under an opt-out span:
 * each only moves the count of delegations left to opt-out (RFC 5155 6, 7.1). */
#include <stdlib.h>
#include <string.h>
#include "verifier/internal/memo.h"
#include "verifier/internal/vctx.h"
#include "verifier/nsec3.h"

#define RECORD_MAX 4096 /* findings kept per run; a zone with more is checked again */

struct zg_denial_rec {
	zg_sink_t sink;
	zg_sink_t *forward;   /* the caller's sink, or NULL */
	zg_memo_denial_t *d;
};

void zg_memo_denial_unref(zg_memo_denial_t *d)
{
	if (d == NULL || --d->refs > 0) {
		return;
	}
	for (size_t i = 0; i < d->n; i++) {
		free((char *)d->f[i].owner);
		free((char *)d->f[i].reason);
	}
	free(d->f);
	free(d->n3);
	free(d->n3_optout);
	free(d);
}

static bool keep(zg_memo_denial_t *d, const zg_finding_t *f)
{
	if (d->n == RECORD_MAX ||
	    zg_array_reserve(&d->f, &d->cap, d->n, sizeof(*d->f), 16) != ZG_EOK) {
		return false;
	}
	zg_finding_t c = *f;
	c.owner = f->owner ? strdup(f->owner) : NULL;
	c.reason = f->reason ? strdup(f->reason) : NULL;
	if ((f->owner && c.owner == NULL) || (f->reason && c.reason == NULL)) {
		free((char *)c.owner);
		free((char *)c.reason);
		return false;
	}
	d->f[d->n++] = c;
	return true;
}

/* On the checks' thread only: no lock of its own (the forward sink has one). */
static void on_finding(zg_sink_t *s, const zg_finding_t *f)
{
	zg_denial_rec_t *r = (zg_denial_rec_t *)s;
	if (r->d->complete && !keep(r->d, f)) {
		r->d->complete = false;
	}
	if (r->forward != NULL && r->forward->finding != NULL) {
		r->forward->finding(r->forward, f);
	}
}

zg_denial_rec_t *zg_memo_denial_begin(const zg_vctx_t *ctx, zg_sink_t *forward)
{
	if (ctx->memo_out == NULL) {
		return NULL;
	}
	zg_denial_rec_t *r = calloc(1, sizeof(*r));
	zg_memo_denial_t *d = r ? calloc(1, sizeof(*d)) : NULL;
	if (d == NULL) {
		free(r);
		return NULL; /* not recorded: the next run checks again */
	}
	*d = (zg_memo_denial_t){ .refs = 1, .complete = true };
	*r = (zg_denial_rec_t){ .sink = { .finding = on_finding }, .forward = forward, .d = d };
	return r;
}

zg_sink_t *zg_denial_rec_sink(zg_denial_rec_t *r)
{
	return &r->sink;
}

void zg_memo_denial_end(zg_vctx_t *ctx, zg_denial_rec_t *r, const zg_report_t *side,
                        zg_err_t fatal)
{
	if (r == NULL) {
		return;
	}
	zg_memo_denial_t *d = r->d;
	if (side != NULL) {
		ctx->memo_out->denial_counts = *zg_report_counts(side);
		memset(ctx->memo_out->denial_counts.findings, 0,
		       sizeof(ctx->memo_out->denial_counts.findings));
	}
	memcpy(d->severity, ctx->policy.severity, sizeof(d->severity));
	d->complete = d->complete && side != NULL && fatal == ZG_EOK;
	zg_memo_denial_unref(ctx->memo_out->denial);
	ctx->memo_out->denial = d;
	free(r);
}

void zg_memo_denial_chain(zg_vctx_t *ctx, const void *entries, size_t stride, size_t hash_at,
                          size_t optout_at, size_t n)
{
	zg_denial_rec_t *r = ctx->denial_rec;
	if (r == NULL || n == 0) {
		return;
	}
	zg_memo_denial_t *d = r->d;
	d->n3 = malloc(n * sizeof(*d->n3));
	d->n3_optout = malloc(n);
	if (d->n3 == NULL || d->n3_optout == NULL) {
		free(d->n3);
		free(d->n3_optout);
		d->n3 = NULL;
		d->n3_optout = NULL;
		return; /* insecure delegations that come or go are checked again */
	}
	const uint8_t *e = entries;
	for (size_t i = 0; i < n; i++, e += stride) {
		memcpy(d->n3[i], e + hash_at, 20);
		d->n3_optout[i] = *(const bool *)(const void *)(e + optout_at);
	}
	d->nn3 = n;
}

/* The first chain hash not below h (nn3: none), as check_nsec3.c's lower_bound(). */
static size_t chain_at(const zg_memo_denial_t *d, const uint8_t h[20])
{
	size_t lo = 0, hi = d->nn3;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (memcmp(d->n3[mid], h, 20) < 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo;
}

/* An insecure delegation with this hash, no NSEC3 of its own and under an opt-out span: the
 * NSEC3 checks count it as left to opt-out and say nothing else (check_nsec3.c settle()). */
static bool left_to_optout(const zg_memo_denial_t *d, const uint8_t h[20])
{
	size_t at = chain_at(d, h);
	if (d->nn3 == 0 || (at < d->nn3 && memcmp(d->n3[at], h, 20) == 0)) {
		return false;
	}
	return d->n3_optout[at == 0 ? d->nn3 - 1 : at - 1] != 0;
}

static bool hash_of(const zg_memo_t *in, const uint8_t *owner, uint8_t out[20])
{
	return in->has_params &&
	       zg_nsec3_hash(in->alg, in->iter, in->salt, in->saltlen, owner, out) == ZG_EOK;
}

bool zg_memo_denial_delta(zg_vctx_t *ctx, const zg_zone_t *base, const uint32_t *plus,
                          size_t np, const uint32_t *minus, size_t nm)
{
	const zg_memo_t *in = ctx->memo_in;
	const zg_memo_denial_t *d = in->denial;
	if (d == NULL || (np + nm > 0 && d->n3 == NULL)) {
		return false;
	}
	ctx->denial_plus = np ? calloc(np, sizeof(*ctx->denial_plus)) : NULL;
	if (np > 0 && ctx->denial_plus == NULL) {
		return false;
	}
	for (size_t i = 0; i < np; i++) {
		zg_denial_plus_t *x = &ctx->denial_plus[ctx->ndenial_plus++];
		x->name = plus[i];
		if (!hash_of(in, ctx->zone->names[plus[i]].owner, x->hash) ||
		    !left_to_optout(d, x->hash)) {
			return false;
		}
	}
	for (size_t i = 0; i < nm; i++) {
		uint8_t h[20];
		if (!hash_of(in, base->names[minus[i]].owner, h) || !left_to_optout(d, h)) {
			return false;
		}
	}
	ctx->denial_optout_delta = (int64_t)np - (int64_t)nm;
	return true;
}

bool zg_memo_denial_reusable(const zg_vctx_t *ctx)
{
	const zg_memo_t *in = ctx->memo_in;
	return in != NULL && ctx->denial_same && in->denial != NULL && in->denial->complete &&
	       memcmp(in->denial->severity, ctx->policy.severity, sizeof(in->denial->severity)) == 0;
}

/* memo_out's hashes: memo_in's as they are for the same names in the same order, else copied
 * name by name (unchanged names keep theirs, the delegations that came have theirs). */
static void carry_hashes(zg_vctx_t *ctx, const zg_memo_t *in, zg_memo_t *out)
{
	out->has_params = in->has_params;
	out->alg = in->alg;
	out->iter = in->iter;
	out->saltlen = in->saltlen;
	memcpy(out->salt, in->salt, sizeof(out->salt));
	if (!ctx->denial_shifted) {
		in->hashes->refs++;
		zg_memo_hashes_unref(out->hashes);
		out->hashes = in->hashes;
		return;
	}
	for (uint32_t i = 0; i < ctx->zone->nnames; i++) {
		uint32_t from = ctx->name_from[i];
		if (from != ZG_NONE && in->hashes->hashed[from]) {
			memcpy(out->hashes->hash[i], in->hashes->hash[from], 20);
			out->hashes->hashed[i] = 1;
		}
	}
	for (size_t k = 0; k < ctx->ndenial_plus; k++) {
		memcpy(out->hashes->hash[ctx->denial_plus[k].name], ctx->denial_plus[k].hash, 20);
		out->hashes->hashed[ctx->denial_plus[k].name] = 1;
	}
}

bool zg_memo_denial_replay(zg_vctx_t *ctx)
{
	if (!zg_memo_denial_reusable(ctx)) {
		return false;
	}
	const zg_memo_t *in = ctx->memo_in;
	zg_memo_denial_t *d = in->denial;
	for (size_t i = 0; i < d->n; i++) {
		zg_report_add(ctx->report, &d->f[i]);
	}
	zg_counts_t counts = in->denial_counts;
	counts.nsec3_optout = (uint64_t)((int64_t)counts.nsec3_optout + ctx->denial_optout_delta);
	zg_report_add_counts(ctx->report, &counts);
	zg_memo_t *out = ctx->memo_out;
	if (out != NULL) {
		d->refs++;
		zg_memo_denial_unref(out->denial);
		out->denial = d;
		out->denial_counts = counts;
		carry_hashes(ctx, in, out);
		out->stats.denial_reused = true;
	}
	return true;
}
