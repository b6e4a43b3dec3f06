/* test_audit.c -- zg_hsm_audit() on made-up inventories (no HSM): which hsm.* findings fire for
 * which objects. Same-tag keys are made by swapping two key bytes of equal parity. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hsm/audit.h"

#define MAXF 32

typedef struct {
	zg_sink_t base;
	size_t n;
	zg_finding_id_t id[MAXF];
	const zg_hsm_key_t *key[MAXF];
} count_sink_t;

static void on_finding(zg_sink_t *s, const zg_finding_t *f)
{
	count_sink_t *c = (count_sink_t *)s;
	assert_true(c->n < MAXF);
	c->id[c->n] = f->id;
	c->key[c->n++] = ((const zg_hsm_finding_t *)f)->key;
}

static size_t count(const count_sink_t *c, zg_finding_id_t id)
{
	size_t n = 0;
	for (size_t i = 0; i < c->n; i++) {
		n += c->id[i] == id;
	}
	return n;
}

static bool names(const count_sink_t *c, zg_finding_id_t id, const zg_hsm_key_t *k)
{
	for (size_t i = 0; i < c->n; i++) {
		if (c->id[i] == id && c->key[i] == k) {
			return true;
		}
	}
	return false;
}

/* A P-256-sized key pair; variant v swaps bytes 2*v and 2*v+2 (same tag, other key). */
static void make_key(zg_hsm_key_t *k, const char *label, uint8_t id, int v, bool priv)
{
	*k = (zg_hsm_key_t){ .type = ZG_HSM_KEY_P256, .has_public = true, .has_private = priv,
	                     .can_sign = priv, .keylen = 64, .idlen = 1, .id = { id } };
	snprintf(k->label, sizeof(k->label), "%s", label);
	for (int i = 0; i < 64; i++) {
		k->key[i] = (uint8_t)(i * 7 + 1);
	}
	if (v > 0) {
		uint8_t t = k->key[2 * v];
		k->key[2 * v] = k->key[2 * v + 2];
		k->key[2 * v + 2] = t;
	}
}

/* the DNSKEY of k with flags into set */
static void publish(zg_hsm_keyset_t *set, const zg_hsm_key_t *k, uint16_t flags)
{
	zg_hsm_dnskey_t *d = &set->keys[set->n++];
	size_t len = 0;
	d->rdata = malloc(4 + k->keylen);
	assert_int_equal(zg_hsm_key_rdata(k, flags, 13, d->rdata, 4 + k->keylen, &len), ZG_EOK);
	d->rdlen = (uint16_t)len;
	d->flags = flags;
	d->algorithm = 13;
	d->tag = zg_hsm_key_tag(k, flags, 13);
}

typedef struct {
	zg_hsm_keyset_t set;
	zg_hsm_dnskey_t keys[8];
	zg_hsm_inventory_t inv[2];
	zg_hsm_key_t k[2][8];
	zg_hsm_audit_token_t tok[2];
	count_sink_t sink;
} fixture_t;

static fixture_t *fixture(void)
{
	fixture_t *f = calloc(1, sizeof(*f));
	f->set.keys = f->keys;
	snprintf(f->set.origin, sizeof(f->set.origin), "test.");
	for (int t = 0; t < 2; t++) {
		f->inv[t].keys = f->k[t];
		snprintf(f->inv[t].label, sizeof(f->inv[t].label), "hsm%d", t + 1);
		snprintf(f->inv[t].name, sizeof(f->inv[t].name), "token 'hsm%d'", t + 1);
		f->tok[t].inv = &f->inv[t];
	}
	f->sink.base.finding = on_finding;
	return f;
}

static zg_err_t audit(fixture_t *f, size_t ntokens, const char *filter)
{
	zg_hsm_audit_opts_t o = { .published = &f->set, .tokens = f->tok, .ntokens = ntokens,
		                  .key_filter = filter, .sink = &f->sink.base };
	return zg_hsm_audit(&o, NULL, 0);
}

static void fixture_free(fixture_t *f)
{
	for (size_t i = 0; i < f->set.n; i++) {
		free(f->keys[i].rdata);
	}
	free(f);
}

static void three_same_tag_pairs_one_published_name_all_three(void **state)
{
	(void)state;
	fixture_t *f = fixture();
	for (int i = 0; i < 3; i++) {
		make_key(&f->k[0][i], "zsk", (uint8_t)i, i, true);
	}
	f->inv[0].nkeys = 3;
	publish(&f->set, &f->k[0][0], 256);
	assert_int_equal(audit(f, 1, NULL), ZG_EOK);
	assert_int_equal(count(&f->sink, ZG_F_HSM_TAG_COLLISION), 3); /* once, not again as KSK */
	assert_int_equal(count(&f->sink, ZG_F_HSM_UNPUBLISHED_KEY), 2);
	for (int i = 0; i < 3; i++) {
		assert_true(names(&f->sink, ZG_F_HSM_TAG_COLLISION, &f->k[0][i]));
	}
	assert_false(names(&f->sink, ZG_F_HSM_UNPUBLISHED_KEY, &f->k[0][0]));
	assert_int_equal(f->sink.n, 5);
	assert_int_equal(f->k[0][0].published, 0);
	fixture_free(f);
}

static void a_published_ksk_does_not_collide_with_a_zsk_tag(void **state)
{
	(void)state;
	fixture_t *f = fixture();
	make_key(&f->k[0][0], "ksk", 1, 0, true);
	make_key(&f->k[0][1], "zsk", 2, 1, true); /* same tag at the same flags as k0 */
	f->inv[0].nkeys = 2;
	publish(&f->set, &f->k[0][0], 257);
	publish(&f->set, &f->k[0][1], 256);
	assert_int_equal(audit(f, 1, NULL), ZG_EOK);
	assert_int_equal(f->sink.n, 0); /* 257 vs 256: different tags, both published */
	fixture_free(f);
}

static void two_tokens_with_different_keys_for_one_tag_mismatch(void **state)
{
	(void)state;
	fixture_t *f = fixture();
	make_key(&f->k[0][0], "zsk", 1, 0, true);
	make_key(&f->k[1][0], "zsk", 2, 1, true);
	make_key(&f->k[1][1], "zsk-copy", 3, 0, true); /* hsm2 also holds the published key */
	f->inv[0].nkeys = 1;
	f->inv[1].nkeys = 2;
	publish(&f->set, &f->k[0][0], 256);
	assert_int_equal(audit(f, 2, NULL), ZG_EOK);
	assert_int_equal(count(&f->sink, ZG_F_HSM_CROSS_TOKEN_MISMATCH), 3);
	assert_true(names(&f->sink, ZG_F_HSM_CROSS_TOKEN_MISMATCH, &f->k[1][0]));
	assert_int_equal(count(&f->sink, ZG_F_HSM_TAG_COLLISION), 2); /* inside hsm2 */
	fixture_free(f);
}

static void the_same_key_in_two_tokens_is_fine(void **state)
{
	(void)state;
	fixture_t *f = fixture();
	make_key(&f->k[0][0], "zsk", 1, 0, true);
	make_key(&f->k[1][0], "zsk", 1, 0, true);
	f->inv[0].nkeys = 1;
	f->inv[1].nkeys = 1;
	publish(&f->set, &f->k[0][0], 256);
	assert_int_equal(audit(f, 2, NULL), ZG_EOK);
	assert_int_equal(f->sink.n, 0);
	fixture_free(f);
}

static void published_key_with_only_a_public_object_is_missing_private(void **state)
{
	(void)state;
	fixture_t *f = fixture();
	make_key(&f->k[0][0], "zsk", 1, 0, false);
	f->inv[0].nkeys = 1;
	publish(&f->set, &f->k[0][0], 256);
	make_key(&f->k[0][1], "other", 2, 3, false);
	publish(&f->set, &f->k[0][1], 0); /* not a zone key: not expected in a token */
	assert_int_equal(audit(f, 1, NULL), ZG_EOK);
	assert_int_equal(f->sink.n, 1);
	assert_int_equal(f->sink.id[0], ZG_F_HSM_MISSING_PRIVATE);
	fixture_free(f);
}

static void key_filter_limits_the_keys_the_signer_may_use(void **state)
{
	(void)state;
	fixture_t *f = fixture();
	make_key(&f->k[0][0], "test. ZSK", 1, 0, true);
	make_key(&f->k[0][1], "orphan", 2, 1, true);
	f->inv[0].nkeys = 2;
	publish(&f->set, &f->k[0][0], 256);
	assert_int_equal(audit(f, 1, "test. *"), ZG_EOK);
	assert_int_equal(f->sink.n, 0);
	assert_false(f->k[0][1].in_scope);
	assert_int_equal(audit(f, 1, NULL), ZG_EOK);
	assert_int_equal(count(&f->sink, ZG_F_HSM_UNPUBLISHED_KEY), 1);
	fixture_free(f);
}

static void a_private_key_without_public_key_is_not_silently_trusted(void **state)
{
	(void)state;
	fixture_t *f = fixture();
	make_key(&f->k[0][0], "lone", 1, 0, true);
	f->k[0][0].keylen = 0;
	f->k[0][0].has_public = false;
	f->inv[0].nkeys = 1;
	make_key(&f->k[1][0], "zsk", 2, 0, false);
	publish(&f->set, &f->k[1][0], 256);
	assert_int_equal(audit(f, 1, NULL), ZG_EOK);
	assert_true(names(&f->sink, ZG_F_HSM_UNPUBLISHED_KEY, &f->k[0][0]));
	assert_int_equal(count(&f->sink, ZG_F_HSM_MISSING_PRIVATE), 1);
	fixture_free(f);
}

static void bad_arguments_are_refused(void **state)
{
	(void)state;
	fixture_t *f = fixture();
	zg_hsm_audit_opts_t o = { .published = &f->set, .tokens = f->tok, .ntokens = 1,
		                  .probe = true };
	assert_int_equal(zg_hsm_audit(NULL, NULL, 0), ZG_EINVAL);
	assert_int_equal(zg_hsm_audit(&o, NULL, 0), ZG_EINVAL); /* probe without a handle */
	fixture_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(three_same_tag_pairs_one_published_name_all_three),
		cmocka_unit_test(a_published_ksk_does_not_collide_with_a_zsk_tag),
		cmocka_unit_test(two_tokens_with_different_keys_for_one_tag_mismatch),
		cmocka_unit_test(the_same_key_in_two_tokens_is_fine),
		cmocka_unit_test(published_key_with_only_a_public_object_is_missing_private),
		cmocka_unit_test(key_filter_limits_the_keys_the_signer_may_use),
		cmocka_unit_test(a_private_key_without_public_key_is_not_silently_trusted),
		cmocka_unit_test(bad_arguments_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
