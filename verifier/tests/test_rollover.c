/* test_rollover.c -- rollover.* with a key history (real timing) and without (--prev alone), over
 * the rollover fixtures of fixtures/make-rollover.sh: keys K (KSK), A and Z (ZSKs), one run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "verifier/verify.h"

#define T 1798761600u /* fixtures/lib.sh: the evaluation time of every fixture */
#define DNSKEY_TTL 3600u
#define MAX_TTL 86400u
#define DELAY 3600u   /* the default propagation delay */

enum { KA, KAZ, KZ_A, KZ, KZ_NEW, KSK2, KSK1, NVERSIONS };
/* KA: K and A, A signs. KAZ: Z published too. KZ_A: Z signs, A only published. KZ: A gone.
 * KZ_NEW: Z signs in the version that first publishes it (A still there).
 * KSK2, KSK1 (fixtures/make-signers.sh, knotd, its own zone and time): both KSKs sign the CDS
 * and CDNSKEY; the old KSK gone. */
static const char *const FILES[NVERSIONS] = {
	"bad/rollover.unpublished-signer.prev", "good/rollover-zsk-prepublish.prev",
	"good/rollover-zsk-prepublish.zone", "bad/rollover.removed-too-early.zone",
	"bad/rollover.unpublished-signer.zone", "good/kskroll-knot-cds.prev",
	"good/kskroll-knot-cds.zone",
};
#define KSK_ARGS "good/kskroll-knot-cds.args" /* "--time N": when knotd served KSK1 */
static zg_zone_t *V[NVERSIONS];

static int load_all(void **state)
{
	(void)state;
	const char *dir = getenv("ZG_FIXTURES");
	for (int i = 0; i < NVERSIONS; i++) {
		char path[4096], msg[ZG_ERRMSG_LEN];
		snprintf(path, sizeof(path), "%s/%s", dir ? dir : "fixtures", FILES[i]);
		if (zg_zone_load(path, NULL, &V[i], msg, sizeof(msg)) != ZG_EOK) {
			fprintf(stderr, "# %s\n", msg);
			return -1;
		}
	}
	return 0;
}

static int free_all(void **state)
{
	(void)state;
	for (int i = 0; i < NVERSIONS; i++) {
		zg_zone_free(V[i]);
	}
	return 0;
}

/* The history after serving versions[i] at times[i], in order. */
static zg_key_history_t *served(const int *versions, const uint64_t *times, size_t n,
                                size_t *nhist)
{
	zg_key_history_t *h = NULL;
	*nhist = 0;
	for (size_t i = 0; i < n; i++) {
		zg_key_seen_t *seen = NULL;
		size_t nseen = 0, nnext = 0;
		zg_key_history_t *next = NULL;
		assert_int_equal(zg_key_seen(V[versions[i]], &seen, &nseen), ZG_EOK);
		zg_err_t r = zg_key_history_update(h, *nhist, seen, nseen, times[i], &next, &nnext);
		assert_int_equal(r, ZG_EOK);
		free(seen);
		free(h);
		h = next;
		*nhist = nnext;
	}
	return h;
}

/* Verify version v with prev p (-1: none) and the history; the report. */
static zg_report_t *verify(int v, int p, const zg_key_history_t *h, size_t nh,
                           const zg_policy_t *policy)
{
	zg_verify_opts_t o = { .now = T, .prev = p >= 0 ? V[p] : NULL, .history = h,
		               .nhistory = nh, .policy = policy };
	zg_report_t *rep = NULL;
	assert_int_equal(zg_verify(V[v], &o, &rep), ZG_EOK);
	return rep;
}

/* Verify version v with prev p and the history at time now; the report. */
static zg_report_t *verify_at(int v, int p, const zg_key_history_t *h, size_t nh, uint64_t now)
{
	zg_verify_opts_t o = { .now = now, .prev = V[p], .history = h, .nhistory = nh };
	zg_report_t *rep = NULL;
	assert_int_equal(zg_verify(V[v], &o, &rep), ZG_EOK);
	return rep;
}

/* The rollover.* counts; no other error (but zone.serial: KZ and KZ_A share a serial). */
static void assert_counts(zg_report_t *rep, uint64_t unpublished, uint64_t removed)
{
	assert_int_equal(zg_report_count(rep, ZG_F_ROLLOVER_UNPUBLISHED_SIGNER), unpublished);
	assert_int_equal(zg_report_count(rep, ZG_F_ROLLOVER_REMOVED_TOO_EARLY), removed);
	const zg_report_group_t *g = NULL;
	size_t ng = zg_report_groups(rep, &g);
	for (size_t i = 0; i < ng; i++) {
		assert_true(g[i].severity != ZG_SEV_ERROR || g[i].id == ZG_F_ZONE_SERIAL ||
		            g[i].id == ZG_F_ROLLOVER_UNPUBLISHED_SIGNER ||
		            g[i].id == ZG_F_ROLLOVER_REMOVED_TOO_EARLY);
	}
	zg_report_free(rep);
}

static void without_history_the_previous_version_decides(void **state)
{
	(void)state;
	assert_counts(verify(KZ_A, KAZ, NULL, 0, NULL), 0, 0);   /* Z pre-published one version */
	zg_report_t *rep = verify(KZ_NEW, KA, NULL, 0, NULL);    /* Z signs when first published */
	assert_true(zg_report_count(rep, ZG_F_ROLLOVER_UNPUBLISHED_SIGNER) > 0);
	assert_int_equal(zg_report_verdict(rep), ZG_VERDICT_BLOCKED);
	zg_report_free(rep);
	assert_counts(verify(KZ, KAZ, NULL, 0, NULL), 0, 1);     /* A signed in prev, gone now */
	assert_counts(verify(KZ, KZ_A, NULL, 0, NULL), 0, 0);    /* A did not sign in prev */
	zg_key_history_t none = { 0 };
	assert_counts(verify(KZ, KZ_A, &none, 0, NULL), 0, 0);   /* an empty history is none */
}

static void a_key_published_too_recently_blocks_every_rrset_it_signs_alone(void **state)
{
	(void)state;
	size_t nh = 0;
	/* Z published 60 s ago, in the served version before: --prev alone would pass this */
	zg_key_history_t *h = served((int[]){ KA, KAZ }, (uint64_t[]){ T - 86400, T - 60 }, 2, &nh);
	zg_report_t *rep = verify(KZ_A, KAZ, h, nh, NULL);
	uint64_t n = zg_report_count(rep, ZG_F_ROLLOVER_UNPUBLISHED_SIGNER);
	assert_int_equal(zg_report_count(rep, ZG_F_ROLLOVER_UNPUBLISHED_SIGNER),
	                 zg_report_counts(rep)->rrsets_authoritative - 1); /* all but DNSKEY */
	assert_true(n > 10);
	const zg_report_group_t *g = NULL;
	size_t ng = zg_report_groups(rep, &g);
	bool said = false;
	for (size_t i = 0; i < ng; i++) {
		said |= g[i].id == ZG_F_ROLLOVER_UNPUBLISHED_SIGNER && g[i].nexamples > 0 &&
		        strstr(g[i].examples[0].reason, "first published 60 s ago") != NULL;
	}
	assert_true(said);
	assert_counts(rep, n, 0);
	/* the same on 4 threads (batches copy the keys' flags) */
	zg_verify_opts_t o = { .now = T, .prev = V[KAZ], .history = h, .nhistory = nh, .threads = 4 };
	assert_int_equal(zg_verify(V[KZ_A], &o, &rep), ZG_EOK);
	assert_counts(rep, n, 0);
	/* one second short of DNSKEY TTL + propagation delay */
	free(h);
	h = served((int[]){ KA, KAZ }, (uint64_t[]){ T - 86400, T - DNSKEY_TTL - DELAY + 1 }, 2, &nh);
	assert_counts(verify(KZ_A, KAZ, h, nh, NULL), n, 0);
	free(h);
}

static void a_key_published_long_enough_passes(void **state)
{
	(void)state;
	size_t nh = 0;
	zg_key_history_t *h =
		served((int[]){ KA, KAZ }, (uint64_t[]){ T - 86400, T - DNSKEY_TTL - DELAY }, 2, &nh);
	assert_counts(verify(KZ_A, KAZ, h, nh, NULL), 0, 0);
	free(h);
	/* the propagation delay comes from the policy */
	zg_policy_t p = zg_policy_default();
	p.propagation_delay = 0;
	h = served((int[]){ KA, KAZ }, (uint64_t[]){ T - 86400, T - DNSKEY_TTL }, 2, &nh);
	assert_counts(verify(KZ_A, KAZ, h, nh, &p), 0, 0);
	free(h);
}

static void a_key_no_served_version_published_blocks(void **state)
{
	(void)state;
	size_t nh = 0;
	zg_key_history_t *h = served((int[]){ KA }, (uint64_t[]){ T - 86400 }, 1, &nh);
	zg_report_t *rep = verify(KZ_NEW, KA, h, nh, NULL);
	assert_true(zg_report_count(rep, ZG_F_ROLLOVER_UNPUBLISHED_SIGNER) > 0);
	const zg_report_group_t *g = NULL;
	size_t ng = zg_report_groups(rep, &g);
	for (size_t i = 0; i < ng; i++) {
		if (g[i].id == ZG_F_ROLLOVER_UNPUBLISHED_SIGNER) {
			const char *why = g[i].examples[0].reason;
			assert_non_null(strstr(why, "which no served version publishes"));
		}
	}
	assert_counts(rep, zg_report_count(rep, ZG_F_ROLLOVER_UNPUBLISHED_SIGNER), 0);
	free(h);
}

static void a_key_removed_before_its_signatures_expire_from_caches_blocks(void **state)
{
	(void)state;
	size_t nh = 0;
	/* A stopped signing 100 s ago (KZ_A served), is gone now: --prev alone sees no signer gone */
	zg_key_history_t *h = served((int[]){ KA, KAZ, KZ_A },
	                             (uint64_t[]){ T - 300000, T - 200000, T - 100 }, 3, &nh);
	zg_report_t *rep = verify(KZ, KZ_A, h, nh, NULL);
	const zg_report_group_t *g = NULL;
	size_t ng = zg_report_groups(rep, &g);
	for (size_t i = 0; i < ng; i++) {
		if (g[i].id == ZG_F_ROLLOVER_REMOVED_TOO_EARLY) {
			assert_non_null(strstr(g[i].examples[0].reason, "stopped signing 100 s ago"));
			assert_true(g[i].examples[0].has_key);
		}
	}
	assert_counts(rep, 0, 1);
	free(h);
	/* one second short of max TTL + propagation delay */
	h = served((int[]){ KA, KAZ, KZ_A },
	           (uint64_t[]){ T - 300000, T - 200000, T - MAX_TTL - DELAY + 1 }, 3, &nh);
	assert_counts(verify(KZ, KZ_A, h, nh, NULL), 0, 1);
	free(h);
	/* still signing in the served version: removed at once */
	h = served((int[]){ KA, KAZ }, (uint64_t[]){ T - 300000, T - 200000 }, 2, &nh);
	assert_counts(verify(KZ, KAZ, h, nh, NULL), 0, 1);
	free(h);
}

static void a_key_removed_after_the_max_ttl_passes(void **state)
{
	(void)state;
	size_t nh = 0;
	zg_key_history_t *h = served((int[]){ KA, KAZ, KZ_A },
	                             (uint64_t[]){ T - 300000, T - 200000, T - MAX_TTL - DELAY },
	                             3, &nh);
	assert_counts(verify(KZ, KZ_A, h, nh, NULL), 0, 0);
	free(h);
}

static void a_key_whose_rrsets_a_remaining_key_cosigns_may_go(void **state)
{
	(void)state;
	char path[4096];
	const char *dir = getenv("ZG_FIXTURES");
	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "fixtures", KSK_ARGS);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	unsigned long long now = 0;
	assert_int_equal(fscanf(f, "--time %llu", &now), 1);
	fclose(f);
	/* cached CDS/CDNSKEY of KSK2 still validate with the new KSK, which stays */
	assert_counts(verify_at(KSK1, KSK2, NULL, 0, now), 0, 0);
	size_t nh = 0;
	zg_key_history_t *h = served((int[]){ KSK2 }, (uint64_t[]){ now - 200000 }, 1, &nh);
	assert_counts(verify_at(KSK1, KSK2, h, nh, now), 0, 0);
	/* ... but not if the keys that stay began signing too recently for caches to hold their
	 * RRSIGs */
	zg_key_seen_t *seen = NULL;
	size_t nseen = 0;
	assert_int_equal(zg_key_seen(V[KSK1], &seen, &nseen), ZG_EOK);
	bool changed = false;
	for (size_t i = 0; i < nh; i++) {
		for (size_t k = 0; k < nseen; k++) {
			if (memcmp(h[i].digest, seen[k].digest, ZG_KEY_DIGEST_LEN) == 0) {
				h[i].preexisting = false;
				h[i].first_signing = now - 10;
				changed = true;
			}
		}
	}
	assert_true(changed);
	assert_counts(verify_at(KSK1, KSK2, h, nh, now), 0, 1);
	free(seen);
	free(h);
}

static void history_records_publication_signing_and_removal(void **state)
{
	(void)state;
	size_t nh = 0;
	zg_key_history_t *h = served((int[]){ KA, KAZ, KZ_A, KZ, KAZ },
	                             (uint64_t[]){ 1000, 2000, 3000, 4000, 5000 }, 5, &nh);
	assert_int_equal(nh, 3);
	const zg_key_history_t *a = NULL, *z = NULL, *k = NULL;
	for (size_t i = 0; i < nh; i++) {
		if (h[i].first_published == 2000) {
			z = &h[i];
		} else if (h[i].first_signing == 1000) {
			a = &h[i];
		} else {
			k = &h[i];
		}
	}
	assert_non_null(a);
	assert_non_null(z);
	assert_non_null(k);
	/* K signs only the DNSKEY RRset: published since the first version, never "signing" */
	assert_true(k->preexisting);
	assert_int_equal(k->first_published, 1000);
	assert_int_equal(k->first_signing, 0);
	assert_int_equal(k->removed, 0);
	/* A: signed until KZ_A was served, removed by KZ, published again at 5000: age starts over */
	assert_false(a->preexisting);
	assert_int_equal(a->first_published, 5000);
	assert_int_equal(a->first_signing, 1000);
	assert_int_equal(a->last_signing, 5000);
	assert_true(a->signing);
	assert_int_equal(a->removed, 0);
	/* Z: published at 2000, signed 3000..4000, stopped when KAZ came back (A signs there) */
	assert_false(z->preexisting);
	assert_int_equal(z->first_signing, 3000);
	assert_int_equal(z->last_signing, 5000);
	assert_false(z->signing);
	free(h);
	h = served((int[]){ KA }, (uint64_t[]){ 1000 }, 1, &nh);
	for (size_t i = 0; i < nh; i++) {
		assert_true(h[i].preexisting);
		assert_int_equal(h[i].first_published, 1000);
	}
	free(h);
	zg_key_history_t *out = NULL;
	size_t nout = 0;
	assert_int_equal(zg_key_history_update(NULL, 1, NULL, 0, 1, &out, &nout), ZG_EINVAL);
	assert_int_equal(zg_key_history_update(NULL, 0, NULL, 0, 0, &out, &nout), ZG_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(without_history_the_previous_version_decides),
		cmocka_unit_test(a_key_published_too_recently_blocks_every_rrset_it_signs_alone),
		cmocka_unit_test(a_key_published_long_enough_passes),
		cmocka_unit_test(a_key_no_served_version_published_blocks),
		cmocka_unit_test(a_key_removed_before_its_signatures_expire_from_caches_blocks),
		cmocka_unit_test(a_key_removed_after_the_max_ttl_passes),
		cmocka_unit_test(a_key_whose_rrsets_a_remaining_key_cosigns_may_go),
		cmocka_unit_test(history_records_publication_signing_and_removal),
	};
	return cmocka_run_group_tests(tests, load_all, free_all);
}
