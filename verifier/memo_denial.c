/* memo_denial.c -- the NSEC/NSEC3 checks' results kept for the next run. Those checks read only
 * the names, their flags, which types they hold, the NSEC/NSEC3/NSEC3PARAM data and the policy's
 * severities. When a new version differs from the memo's base in nothing of that (memo.c
 * compares name by name: a re-signed RRset, a delegation's new name servers, a new SOA serial),
 * the base's findings and counts are theirs exactly, and are replayed instead of computed. */
#include <stdlib.h>
#include <string.h>
#include "verifier/internal/memo.h"
#include "verifier/internal/vctx.h"

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
		d->counts = *zg_report_counts(side);
		memset(d->counts.findings, 0, sizeof(d->counts.findings));
	}
	memcpy(d->severity, ctx->policy.severity, sizeof(d->severity));
	d->complete = d->complete && side != NULL && fatal == ZG_EOK;
	zg_memo_denial_unref(ctx->memo_out->denial);
	ctx->memo_out->denial = d;
	free(r);
}

bool zg_memo_denial_reusable(const zg_vctx_t *ctx)
{
	const zg_memo_t *in = ctx->memo_in;
	return in != NULL && ctx->denial_same && in->denial != NULL && in->denial->complete &&
	       memcmp(in->denial->severity, ctx->policy.severity, sizeof(in->denial->severity)) == 0;
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
	zg_report_add_counts(ctx->report, &d->counts);
	zg_memo_t *out = ctx->memo_out;
	if (out != NULL) { /* the same names in the same order: the hashes hold as they are */
		d->refs++;
		zg_memo_denial_unref(out->denial);
		out->denial = d;
		in->hashes->refs++;
		zg_memo_hashes_unref(out->hashes);
		out->hashes = in->hashes;
		out->has_params = in->has_params;
		out->alg = in->alg;
		out->iter = in->iter;
		out->saltlen = in->saltlen;
		memcpy(out->salt, in->salt, sizeof(out->salt));
		out->stats.denial_reused = true;
	}
	return true;
}
