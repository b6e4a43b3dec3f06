/* denial_task.c -- the NSEC/NSEC3 checks on a thread of their own while the signatures are
 * verified: they read only the zone (and the memo's hashes), so they can run beside the crypto.
 * Their findings go to a report of their own (the caller's sink through the run's mutex),
 * merged into the run's report where zg_check_nsec() runs in a serial run: the report is the
 * same for any thread count. In a serial run they have a report of their own as well, so that
 * what they found can be kept for the next run (memo_denial.c), and replayed by it. */
#include <stdlib.h>
#include "verifier/internal/vctx.h"

struct zg_denial_task {
	zg_vctx_t ctx;        /* copy of the run's context with its own report */
	zg_denial_rec_t *rec; /* its findings recorded for memo_out, or NULL */
	pthread_t tid;
};

static void *run_task(void *arg)
{
	zg_denial_task_t *t = arg;
	zg_check_nsec(&t->ctx);
	return NULL;
}

static void side_free(zg_vctx_t *ctx, zg_denial_task_t *t)
{
	zg_memo_denial_end(ctx, t->rec, t->ctx.report, ZG_ENOMEM); /* recorded incomplete */
	zg_report_free(t->ctx.report);
	free(t);
}

/* The checks' own context and report; NULL on ENOMEM. */
static zg_denial_task_t *side_new(zg_vctx_t *ctx)
{
	zg_denial_task_t *t = calloc(1, sizeof(*t));
	if (t == NULL) {
		return NULL;
	}
	t->ctx = *ctx;
	t->ctx.fatal = ZG_EOK;
	t->ctx.buf = (zg_dynbuf_t){ 0 }; /* the run's scratch stays the run's */
	zg_sink_t *user = ctx->locked ? &ctx->locked->sink : NULL;
	t->rec = zg_memo_denial_begin(ctx, user);
	t->ctx.denial_rec = t->rec;
	t->ctx.report = zg_report_new(&ctx->policy, t->rec ? zg_denial_rec_sink(t->rec) : user);
	if (t->ctx.report == NULL) {
		side_free(ctx, t);
		return NULL;
	}
	return t;
}

zg_denial_task_t *zg_denial_start(zg_vctx_t *ctx)
{
	if (ctx->opts->threads < 2 || zg_memo_denial_reusable(ctx)) {
		return NULL;
	}
	zg_denial_task_t *t = side_new(ctx);
	if (t != NULL && pthread_create(&t->tid, NULL, run_task, t) != 0) {
		side_free(ctx, t);
		return NULL;
	}
	return t;
}

void zg_denial_finish(zg_vctx_t *ctx, zg_denial_task_t *t)
{
	if (t == NULL) {
		if (zg_memo_denial_replay(ctx)) {
			return;
		}
		if ((t = side_new(ctx)) == NULL) {
			zg_check_nsec(ctx); /* ENOMEM: checked all the same, not recorded */
			return;
		}
		zg_check_nsec(&t->ctx);
	} else {
		pthread_join(t->tid, NULL);
	}
	zg_memo_denial_end(ctx, t->rec, t->ctx.report, t->ctx.fatal);
	zg_report_merge(ctx->report, t->ctx.report);
	if (ctx->fatal == ZG_EOK) {
		ctx->fatal = t->ctx.fatal;
	}
	zg_report_free(t->ctx.report);
	free(t);
}
