/* fuzz_diff.c -- two zone texts split by a line "%%": diff the first into the second, apply the
 * diff, and verify the result fully and incrementally (with the first's memo). Must never crash
 * or leak; the applied zone must hold the second's records, and both runs must agree. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "verifier/incremental.h"
#include "verifier/verify.h"
#include "verifier/zone.h"

#define TIME 1798761600

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static zg_zone_t *load(const uint8_t *data, size_t size)
{
	int fd = memfd_create("zone", 0);
	zg_zone_t *zone = NULL;
	if (fd < 0) {
		return NULL;
	}
	if (write(fd, data, size) == (ssize_t)size) {
		char path[64], msg[ZG_ERRMSG_LEN];
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (zg_zone_load(path, NULL, &zone, msg, sizeof(msg)) != ZG_EOK) {
			zone = NULL;
		}
	}
	close(fd);
	return zone;
}

static zg_report_t *run(const zg_zone_t *z, const zg_zone_t *base, const zg_memo_t *in,
                        zg_memo_t *out)
{
	zg_verify_opts_t o = { .now = TIME, .memo_in = in, .memo_base = base, .memo_out = out };
	zg_report_t *rep = NULL;
	return zg_verify(z, &o, &rep) == ZG_EOK ? rep : NULL;
}

static void same_reports(const zg_report_t *a, const zg_report_t *b)
{
	if ((a == NULL) != (b == NULL)) {
		abort();
	}
	if (a == NULL) {
		return;
	}
	if (memcmp(zg_report_counts(a), zg_report_counts(b), sizeof(zg_counts_t)) != 0 ||
	    zg_report_verdict(a) != zg_report_verdict(b)) {
		abort();
	}
	for (unsigned i = 0; i < ZG_F_COUNT; i++) {
		if (zg_report_count(a, (zg_finding_id_t)i) != zg_report_count(b, (zg_finding_id_t)i)) {
			abort();
		}
	}
}

static void check(zg_zone_t *a, zg_zone_t *b)
{
	zg_diff_t *d = NULL;
	zg_zone_t *c = NULL;
	zg_memo_t *memo = zg_memo_new();
	zg_report_t *base = run(a, NULL, NULL, memo);
	char msg[ZG_ERRMSG_LEN];
	if (zg_zone_diff(a, b, &d) == ZG_EOK && zg_zone_apply_diff(a, d, &c, msg, sizeof(msg)) ==
	    ZG_EOK) {
		if (zg_zone_adopt_lines(c, b) != ZG_EOK) {
			abort(); /* apply(diff(a, b), a) must be b */
		}
		zg_report_t *full = run(c, NULL, NULL, NULL);
		zg_report_t *inc = run(c, a, memo, NULL);
		same_reports(full, inc);
		zg_report_free(full);
		zg_report_free(inc);
	}
	zg_report_free(base);
	zg_zone_free(c);
	zg_diff_free(d);
	zg_memo_free(memo);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *sep = memmem(data, size, "\n%%\n", 4);
	if (sep == NULL) {
		return 0;
	}
	size_t la = (size_t)(sep - data) + 1;
	zg_zone_t *a = load(data, la), *b = load(sep + 4, size - la - 3);
	if (a != NULL && b != NULL) {
		check(a, b);
	}
	zg_zone_free(a);
	zg_zone_free(b);
	return 0;
}
