/* test_progress.c -- the sink's progress callback: signatures checked of the zone's total, never
 * going back, ending at the total the report counts, on one thread and on several. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include "verifier/report.h"
#include "verifier/verify.h"
#include "verifier/zone.h"

#define FIXTURE_TIME 1798761600 /* fixtures/README.md: the evaluation time of every fixture */

typedef struct {
	zg_sink_t base;
	uint64_t calls, last, total;
	int went_back, total_changed;
} count_sink_t;

static void on_progress(zg_sink_t *s, uint64_t done, uint64_t total)
{
	count_sink_t *c = (count_sink_t *)s;
	c->went_back += done < c->last;
	c->total_changed += c->calls > 0 && total != c->total;
	c->calls++;
	c->last = done;
	c->total = total;
}

static void run(const char *rel, unsigned threads)
{
	const char *dir = getenv("ZG_FIXTURES");
	char path[4096], msg[ZG_ERRMSG_LEN] = "";
	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "fixtures", rel);
	zg_zone_t *z = NULL;
	assert_int_equal(zg_zone_load(path, NULL, &z, msg, sizeof(msg)), ZG_EOK);
	count_sink_t c = { .base = { .progress = on_progress } };
	zg_verify_opts_t vo = { .now = FIXTURE_TIME, .threads = threads, .sink = &c.base };
	zg_report_t *rep = NULL;
	assert_int_equal(zg_verify(z, &vo, &rep), ZG_EOK);
	const zg_counts_t *n = zg_report_counts(rep);
	assert_true(n->rrsigs > 0);
	assert_true(c.calls > 0);
	assert_int_equal(c.went_back, 0);
	assert_int_equal(c.total_changed, 0);
	assert_int_equal(c.total, n->rrsigs); /* signatures, not RRsets */
	assert_int_equal(c.last, c.total);    /* the last call says all were checked */
	zg_report_free(rep);
	zg_zone_free(z);
}

static void progress_counts_signatures_to_the_total(void **state)
{
	(void)state;
	run("good/alg13-bind-nsec.zone", 1);
	run("good/alg13-bind-nsec.zone", 3);
	run("bad/rrsig.bogus--33834.zone", 2); /* bogus ones are checked too */
	/* a sink with progress only (the CLI's at a terminal) and findings from the NSEC checks'
	 * own thread: they go to the report, not to the sink's absent callback */
	run("bad/nsec.chain.zone", 2);
	run("bad/nsec3.chain.zone", 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(progress_counts_signatures_to_the_total),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
