/* rrsig_batch.c -- run check_rrsig.c over batches of RRsets on N threads. Each batch has its own
 * context (report, scratch buffer, key statistics, diagnosis), set up when a thread takes it;
 * batches are merged in order as soon as every earlier one is done, and freed, so the report is
 * the same for any thread count and only the batches in flight hold memory. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "verifier/internal/vctx.h"

#define BATCH_RRSETS 512u
#define MAX_THREADS 256u

typedef struct {
	zg_vctx_t ctx;    /* copy of the run's context with its own report, buffer, keys */
	zg_diag_t *diag;
	uint32_t first, last;
	bool done;        /* under merge_lock */
} batch_t;

typedef struct {
	zg_vctx_t *main;
	zg_vctx_t proto;       /* main as it was before the threads: what a batch starts from */
	batch_t *batches;
	size_t nbatches;
	atomic_size_t next;
	pthread_mutex_t merge_lock;
	size_t merged;         /* under merge_lock: batches [0, merged) are in main and freed */
	zg_diag_t *diag;       /* the run's diagnosis, merged into under merge_lock */
	zg_err_t ret;          /* under merge_lock: the first batch's fatal error */
	uint64_t done_sigs;    /* under main->locked's lock: for progress */
	uint64_t total_sigs;
} run_t;

static zg_err_t batch_init(run_t *r, batch_t *b, uint32_t first, uint32_t last)
{
	zg_vctx_t *m = r->main;
	b->first = first;
	b->last = last;
	b->ctx = r->proto; /* not *m: merges update it meanwhile */
	b->ctx.keys = NULL;
	zg_dynbuf_init(&b->ctx.buf, ZG_MAX_SIGNED_DATA);
	bool sink = m->opts->sink != NULL && m->opts->sink->finding != NULL;
	b->ctx.report = zg_report_new(&m->policy, sink ? &m->locked->sink : NULL);
	b->diag = zg_diag_new();
	if (m->nkeys > 0 && (b->ctx.keys = calloc(m->nkeys, sizeof(zg_key_t))) != NULL) {
		for (size_t k = 0; k < m->nkeys; k++) { /* shared read-only parts, zeroed stats */
			b->ctx.keys[k] = (zg_key_t){ .rdata = m->keys[k].rdata, .rdlen = m->keys[k].rdlen,
				.flags = m->keys[k].flags, .protocol = m->keys[k].protocol,
				.algorithm = m->keys[k].algorithm, .tag = m->keys[k].tag,
				.line = m->keys[k].line, .pk = m->keys[k].pk,
				.zone_key = m->keys[k].zone_key, .in_prev = m->keys[k].in_prev };
		}
	}
	bool ok = b->ctx.report && b->diag && (m->nkeys == 0 || b->ctx.keys);
	return ok ? ZG_EOK : ZG_ENOMEM;
}

static void batch_deinit(batch_t *b)
{
	zg_dynbuf_deinit(&b->ctx.buf);
	zg_report_free(b->ctx.report);
	zg_diag_free(b->diag);
	free(b->ctx.keys);
	b->ctx.report = NULL;
	b->diag = NULL;
	b->ctx.keys = NULL;
}

static void progress(run_t *r, const batch_t *b)
{
	zg_sink_t *user = r->main->opts->sink;
	if (user == NULL || user->progress == NULL) {
		return;
	}
	uint64_t sigs = 0;
	for (uint32_t i = b->first; i < b->last; i++) {
		sigs += r->main->zone->rrsets[i].sig_count;
	}
	pthread_mutex_lock(&r->main->locked->lock);
	r->done_sigs += sigs;
	user->progress(user, r->done_sigs, r->total_sigs);
	pthread_mutex_unlock(&r->main->locked->lock);
}

static void merge_keys(zg_key_t *dst, const zg_key_t *src, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		dst[k].sigs += src[k].sigs;
		dst[k].valid += src[k].valid;
		dst[k].bogus += src[k].bogus;
		dst[k].signs_dnskey |= src[k].signs_dnskey;
		if (src[k].has_exp && (!dst[k].has_exp ||
		                       zg_serial_cmp(src[k].earliest_exp, dst[k].earliest_exp) < 0)) {
			dst[k].earliest_exp = src[k].earliest_exp;
			dst[k].has_exp = true;
		}
	}
}

/* One batch into the run (batches in order): findings, counts, key statistics, diagnosis. */
static zg_err_t merge_one(run_t *r, batch_t *b)
{
	zg_vctx_t *m = r->main;
	if (b->ctx.fatal != ZG_EOK) {
		return b->ctx.fatal;
	}
	zg_report_merge(m->report, b->ctx.report);
	merge_keys(m->keys, b->ctx.keys, m->nkeys);
	m->memo_hits += b->ctx.memo_hits;
	m->memo_misses += b->ctx.memo_misses;
	return zg_diag_merge(r->diag, b->diag, m->ncands);
}

/* b is done: merge it and every done batch after it, in order, once all before are merged. */
static void batch_done(run_t *r, batch_t *b)
{
	pthread_mutex_lock(&r->merge_lock);
	b->done = true;
	while (r->merged < r->nbatches && r->batches[r->merged].done) {
		batch_t *m = &r->batches[r->merged++];
		if (r->ret == ZG_EOK) {
			r->ret = merge_one(r, m);
		}
		batch_deinit(m);
	}
	pthread_mutex_unlock(&r->merge_lock);
}

static void *worker(void *arg)
{
	run_t *r = arg;
	size_t i;
	while ((i = atomic_fetch_add(&r->next, 1)) < r->nbatches) {
		batch_t *b = &r->batches[i];
		uint32_t first = (uint32_t)(i * BATCH_RRSETS);
		uint32_t n = r->main->zone->nrrsets;
		uint32_t last = first + BATCH_RRSETS < n ? first + BATCH_RRSETS : n;
		zg_err_t ret = batch_init(r, b, first, last);
		if (ret == ZG_EOK) {
			zg_rrsig_range(&b->ctx, b->diag, b->first, b->last);
			progress(r, b);
		} else {
			b->ctx.fatal = ret;
		}
		batch_done(r, b);
	}
	return NULL;
}

static zg_err_t run_threads(run_t *r, unsigned n)
{
	pthread_t tid[MAX_THREADS];
	unsigned started = 0;
	for (; started + 1 < n; started++) {
		if (pthread_create(&tid[started], NULL, worker, r) != 0) {
			break; /* fewer threads is still correct */
		}
	}
	worker(r); /* the calling thread works too */
	for (unsigned t = 0; t < started; t++) {
		pthread_join(tid[t], NULL);
	}
	return ZG_EOK;
}

static void run_free(run_t *r)
{
	for (size_t i = 0; i < r->nbatches; i++) {
		batch_deinit(&r->batches[i]);
	}
	free(r->batches);
	zg_diag_free(r->diag);
	pthread_mutex_destroy(&r->merge_lock);
}

/* The batches' ranges only: a thread sets up a batch when it takes it. */
static zg_err_t run_init(run_t *r, zg_vctx_t *ctx)
{
	uint32_t n = ctx->zone->nrrsets;
	*r = (run_t){ .main = ctx, .proto = *ctx };
	for (uint32_t i = 0; ctx->opts->sink != NULL && ctx->opts->sink->progress != NULL && i < n;
	     i++) {
		r->total_sigs += ctx->zone->rrsets[i].sig_count; /* the denominator of progress */
	}
	pthread_mutex_init(&r->merge_lock, NULL);
	atomic_init(&r->next, 0);
	size_t nb = (n + BATCH_RRSETS - 1) / BATCH_RRSETS;
	r->batches = calloc(nb ? nb : 1, sizeof(batch_t));
	r->diag = zg_diag_new();
	if (r->batches == NULL || r->diag == NULL) {
		return ZG_ENOMEM;
	}
	r->nbatches = nb;
	return ZG_EOK;
}

void zg_check_rrsigs(zg_vctx_t *ctx)
{
	if (ctx->skip_sigs) {
		return;
	}
	run_t r;
	zg_err_t ret = run_init(&r, ctx);
	if (ret == ZG_EOK) {
		unsigned n = ctx->opts->threads ? ctx->opts->threads : 1;
		n = n > MAX_THREADS ? MAX_THREADS : n;
		n = n > r.nbatches ? (unsigned)(r.nbatches ? r.nbatches : 1) : n;
		ret = run_threads(&r, n);
	}
	if (ret == ZG_EOK) {
		ret = r.ret; /* every batch is merged once the threads are joined */
	}
	if (ret == ZG_EOK) {
		ret = zg_diag_finish(ctx, r.diag);
	}
	if (ctx->fatal == ZG_EOK) {
		ctx->fatal = ret;
	}
	run_free(&r);
}
