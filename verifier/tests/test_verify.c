/* test_verify.c -- zg_verify() through its API: the sink sees every finding, time and policy are
 * parameters, and a cross-check backend that disagrees is caught (crypto.disagreement). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "verifier/verify.h"

#define VECTOR_TIME 1612137600 /* uri.arpa (RFC 8976 A.4), see ../shared/vectors/README.md */

static zg_zone_t *ZONE;

static int load_vector(void **state)
{
	(void)state;
	const char *dir = getenv("ZG_VECTORS");
	char path[4096];
	snprintf(path, sizeof(path), "%s/uri.arpa-rfc8976.zone", dir ? dir : "../shared/vectors");
	char msg[ZG_ERRMSG_LEN];
	return zg_zone_load(path, NULL, &ZONE, msg, sizeof(msg)) == ZG_EOK ? 0 : -1;
}

static int free_vector(void **state)
{
	(void)state;
	zg_zone_free(ZONE);
	return 0;
}

typedef struct {
	zg_sink_t base;
	unsigned count[ZG_F_COUNT];
} count_sink_t;

static void count_finding(zg_sink_t *sink, const zg_finding_t *f)
{
	((count_sink_t *)sink)->count[f->id]++;
}

static void valid_zone_passes_and_sink_sees_every_finding(void **state)
{
	(void)state;
	count_sink_t sink = { .base = { .finding = count_finding } };
	zg_verify_opts_t o = { .now = VECTOR_TIME, .sink = &sink.base };
	zg_report_t *rep = NULL;
	assert_int_equal(zg_verify(ZONE, &o, &rep), ZG_EOK);
	assert_int_equal(zg_report_verdict(rep), ZG_VERDICT_PASS);
	assert_true(zg_report_counts(rep)->rrsigs_valid > 0);
	for (unsigned i = 0; i < ZG_F_COUNT; i++) {
		assert_int_equal(sink.count[i], zg_report_count(rep, (zg_finding_id_t)i));
	}
	assert_int_equal(sink.count[ZG_F_DS_ABSENT], 1);
	zg_report_free(rep);
}

static void every_signature_expires_after_its_window(void **state)
{
	(void)state;
	zg_verify_opts_t o = { .now = VECTOR_TIME + 400u * 86400u };
	zg_report_t *rep = NULL;
	assert_int_equal(zg_verify(ZONE, &o, &rep), ZG_EOK);
	assert_int_equal(zg_report_verdict(rep), ZG_VERDICT_BLOCKED);
	assert_int_equal(zg_report_count(rep, ZG_F_RRSIG_EXPIRED), zg_report_counts(rep)->rrsigs);
	zg_report_free(rep);
}

static void policy_can_lower_a_severity_without_dropping_it(void **state)
{
	(void)state;
	zg_policy_t p = zg_policy_default();
	p.severity[ZG_F_RRSIG_EXPIRED] = ZG_SEV_WARNING;
	zg_verify_opts_t o = { .now = VECTOR_TIME + 400u * 86400u, .policy = &p };
	zg_report_t *rep = NULL;
	assert_int_equal(zg_verify(ZONE, &o, &rep), ZG_EOK);
	assert_int_equal(zg_report_verdict(rep), ZG_VERDICT_PASS);
	assert_true(zg_report_count(rep, ZG_F_RRSIG_EXPIRED) > 0);
	zg_report_free(rep);
}

/* A backend that inverts libdnssec's verdict: every comparison must then disagree. */
static zg_err_t flipped_verify(const uint8_t *k, size_t kl, const uint8_t *d, size_t dl,
                               const uint8_t *s, size_t sl, bool *valid)
{
	zg_err_t ret = zg_crypto_libdnssec()->verify(k, kl, d, dl, s, sl, valid);
	*valid = !*valid;
	return ret;
}

static void cross_check_agrees_with_libdnssec(void **state)
{
	(void)state;
	zg_verify_opts_t o = { .now = VECTOR_TIME, .cross = zg_crypto_libdnssec() };
	zg_report_t *rep = NULL;
	assert_int_equal(zg_verify(ZONE, &o, &rep), ZG_EOK);
	assert_int_equal(zg_report_count(rep, ZG_F_CRYPTO_DISAGREEMENT), 0);
	assert_true(zg_report_meta(rep)->cross_checked);
	zg_report_free(rep);
}

static void cross_check_catches_a_disagreeing_backend(void **state)
{
	(void)state;
	const zg_crypto_backend_t flipped = { .name = "flipped", .verify = flipped_verify };
	zg_verify_opts_t o = { .now = VECTOR_TIME, .cross = &flipped };
	zg_report_t *rep = NULL;
	assert_int_equal(zg_verify(ZONE, &o, &rep), ZG_EOK);
	assert_int_equal(zg_report_count(rep, ZG_F_CRYPTO_DISAGREEMENT),
	                 zg_report_counts(rep)->rrsigs_verified);
	assert_int_equal(zg_report_verdict(rep), ZG_VERDICT_BLOCKED);
	zg_report_free(rep);
}

static void threads_give_the_same_counts_and_sink_calls(void **state)
{
	(void)state;
	zg_report_t *rep[2] = { NULL, NULL };
	count_sink_t sink = { .base = { .finding = count_finding } };
	for (int i = 0; i < 2; i++) {
		/* expired everywhere: one finding per RRSIG, spread over every batch and thread */
		zg_verify_opts_t o = { .now = VECTOR_TIME + 400u * 86400u, .threads = i ? 4 : 1,
		                       .sink = i ? &sink.base : NULL };
		assert_int_equal(zg_verify(ZONE, &o, &rep[i]), ZG_EOK);
	}
	for (unsigned id = 0; id < ZG_F_COUNT; id++) {
		assert_int_equal(zg_report_count(rep[0], (zg_finding_id_t)id),
		                 zg_report_count(rep[1], (zg_finding_id_t)id));
		assert_int_equal(sink.count[id], zg_report_count(rep[1], (zg_finding_id_t)id));
	}
	assert_memory_equal(zg_report_counts(rep[0]), zg_report_counts(rep[1]), sizeof(zg_counts_t));
	zg_report_free(rep[0]);
	zg_report_free(rep[1]);
}

static void bad_arguments_are_refused(void **state)
{
	(void)state;
	zg_verify_opts_t o = { 0 };
	zg_report_t *rep = NULL;
	assert_int_equal(zg_verify(NULL, &o, &rep), ZG_EINVAL);
	assert_int_equal(zg_verify(ZONE, NULL, &rep), ZG_EINVAL);
	assert_int_equal(zg_verify(ZONE, &o, NULL), ZG_EINVAL);
}

int main(void)
{
	const char *dir = getenv("ZG_VECTORS");
	char probe[4096];
	snprintf(probe, sizeof(probe), "%s/uri.arpa-rfc8976.zone", dir ? dir : "../shared/vectors");
	FILE *f = fopen(probe, "r");
	if (f == NULL) {
		printf("1..0 # SKIP %s is not here (../shared/vectors is optional)\n", probe);
		return 0;
	}
	fclose(f);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_zone_passes_and_sink_sees_every_finding),
		cmocka_unit_test(every_signature_expires_after_its_window),
		cmocka_unit_test(policy_can_lower_a_severity_without_dropping_it),
		cmocka_unit_test(cross_check_agrees_with_libdnssec),
		cmocka_unit_test(cross_check_catches_a_disagreeing_backend),
		cmocka_unit_test(threads_give_the_same_counts_and_sink_calls),
		cmocka_unit_test(bad_arguments_are_refused),
	};
	return cmocka_run_group_tests(tests, load_vector, free_vector);
}
