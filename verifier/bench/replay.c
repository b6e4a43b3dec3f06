/* replay.c -- the steady state of incremental verification, as a daemon that keeps the last
 * verified version sees it: verify OLD fully once, then ROUNDS times make NEW from OLD and the
 * diff between them (zg_zone_apply_diff) and verify it with OLD's memo. Prints one line per
 * round and the median; asserts nothing (verifier/bench/incremental runs it).
 *   replay OLD NEW THREADS ROUNDS NOW   (NOW: the evaluation time, UNIX seconds) */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "verifier/incremental.h"
#include "verifier/report.h"
#include "verifier/verify.h"

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* One round: apply and verify seconds into *apply and *verify; false on an error. */
static int round_once(const zg_zone_t *old, const zg_zone_t *new_zone, const zg_memo_t *memo,
                      const zg_verify_opts_t *base_opts, double *apply, double *verify)
{
	zg_diff_t *d = NULL;
	zg_zone_t *made = NULL;
	zg_memo_t *out = zg_memo_new();
	zg_report_t *rep = NULL;
	char msg[ZG_ERRMSG_LEN] = "";
	int ok = out != NULL && zg_zone_diff(old, new_zone, &d) == ZG_EOK;
	double t0 = now_s();
	ok = ok && zg_zone_apply_diff(old, d, &made, msg, sizeof(msg)) == ZG_EOK;
	double t1 = now_s();
	zg_verify_opts_t o = *base_opts;
	o.memo_in = memo;
	o.memo_base = old;
	o.memo_out = out;
	o.prev = old;
	ok = ok && zg_verify(made, &o, &rep) == ZG_EOK;
	*apply = t1 - t0;
	*verify = now_s() - t1;
	if (!ok) {
		fprintf(stderr, "replay: round failed%s%s\n", msg[0] ? ": " : "", msg);
	}
	zg_report_free(rep);
	zg_memo_free(out);
	zg_zone_free(made);
	zg_diff_free(d);
	return ok;
}

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: replay OLD NEW THREADS ROUNDS NOW\n");
		return 2;
	}
	unsigned threads = (unsigned)strtoul(argv[3], NULL, 10);
	int rounds = (int)strtol(argv[4], NULL, 10);
	uint64_t now = strtoull(argv[5], NULL, 10);
	zg_zone_t *old = NULL, *new_zone = NULL;
	char msg[ZG_ERRMSG_LEN];
	if (zg_zone_load_threads(argv[1], NULL, threads, &old, msg, sizeof(msg)) != ZG_EOK ||
	    zg_zone_load_threads(argv[2], NULL, threads, &new_zone, msg, sizeof(msg)) != ZG_EOK) {
		fprintf(stderr, "replay: %s\n", msg);
		return 2;
	}
	zg_memo_t *memo = zg_memo_new();
	zg_verify_opts_t base = { .now = now, .threads = threads };
	zg_verify_opts_t full = base;
	full.memo_out = memo;
	zg_report_t *rep = NULL;
	double t0 = now_s();
	if (memo == NULL || zg_verify(old, &full, &rep) != ZG_EOK) {
		fprintf(stderr, "replay: the full verification failed\n");
		return 2;
	}
	double full_s = now_s() - t0;
	zg_report_free(rep);
	double *total = calloc(rounds > 0 ? (size_t)rounds : 1, sizeof(double));
	int done = 0;
	for (int r = 0; r < rounds && total != NULL; r++, done++) {
		double a, v;
		if (!round_once(old, new_zone, memo, &base, &a, &v)) {
			break;
		}
		total[r] = a + v;
		printf("round %d: apply %.3f s + verify %.3f s = %.2f%% of the full %.3f s\n", r + 1, a,
		       v, 100 * (a + v) / full_s, full_s);
	}
	if (done > 0) {
		qsort(total, (size_t)done, sizeof(double), cmp_double);
		double med = total[done / 2];
		printf("median of %d rounds: %.3f s = %.2f%% of the full verification\n", done, med,
		       100 * med / full_s);
	}
	free(total);
	zg_memo_free(memo);
	zg_zone_free(old);
	zg_zone_free(new_zone);
	return done == rounds ? 0 : 1;
}
