/* denial_task.c -- the NSEC/NSEC3 checks on a thread of their own while the signatures are
 * verified: they read only the zone (and the memo's hashes), so they can run beside the crypto.
 * Their findings go to a report of their own (the caller's sink through the run's mutex),
 * merged into the run's report where zg_check_nsec() runs in a serial run: the report is the
 * same for any thread count. */
#include <stdlib.h>
#include "verifier/internal/vctx.h"

struct zg_denial_task {
	zg_vctx_t ctx; /* copy of the run's context with its own report */
	pthread_t tid;
};

static void *run_task(void *arg)
{
	zg_denial_task_t *t = arg;
	zg_check_nsec(&t->ctx);
	return NULL;
}

zg_denial_task_t *zg_denial_start(zg_vctx_t *ctx)
{
	if (ctx->opts->threads < 2) {
		return NULL;
	}
	zg_denial_task_t *t = calloc(1, sizeof(*t));
	if (t == NULL) {
		return NULL;
	}
	t->ctx = *ctx;
	t->ctx.fatal = ZG_EOK;
	t->ctx.buf = (zg_dynbuf_t){ 0 }; /* the run's scratch stays the run's */
	t->ctx.report = zg_report_new(&ctx->policy, ctx->locked ? &ctx->locked->sink : NULL);
	if (t->ctx.report == NULL || pthread_create(&t->tid, NULL, run_task, t) != 0) {
		zg_report_free(t->ctx.report);
		free(t);
		return NULL;
	}
	return t;
}

void zg_denial_finish(zg_vctx_t *ctx, zg_denial_task_t *t)
{
	if (t == NULL) {
		zg_check_nsec(ctx);
		return;
	}
	pthread_join(t->tid, NULL);
	zg_report_merge(ctx->report, t->ctx.report);
	if (ctx->fatal == ZG_EOK) {
		ctx->fatal = t->ctx.fatal;
	}
	zg_report_free(t->ctx.report);
	free(t);
}
