/* test_rrsig.c -- RRSIG parsing and the signed-data builder (RFC 4034 3.1.8.1, RFC 4035 5.3.2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "verifier/rrsig.h"

/* RRSIG A 13 2 300 exp=0x6a000000 inc=0x69000000 tag 12345 signer "example." sig 01 02 03 */
static const uint8_t SIG[] = { 0x00, 0x01, 13, 2, 0x00, 0x00, 0x01, 0x2c, 0x6a, 0, 0, 0,
	                       0x69, 0, 0, 0, 0x30, 0x39, 7, 'e', 'x', 'a', 'm', 'p', 'l',
	                       'e', 0, 1, 2, 3 };

static void rrsig_fields_parse(void **state)
{
	(void)state;
	zg_rrsig_t s;
	assert_int_equal(zg_rrsig_parse(SIG, sizeof(SIG), &s), ZG_EOK);
	assert_int_equal(s.covered, 1);
	assert_int_equal(s.algorithm, 13);
	assert_int_equal(s.labels, 2);
	assert_int_equal(s.original_ttl, 300);
	assert_int_equal(s.expiration, 0x6a000000u);
	assert_int_equal(s.inception, 0x69000000u);
	assert_int_equal(s.keytag, 12345);
	assert_int_equal(s.siglen, 3);
	assert_int_equal(s.prefix_len, 18 + 9);
}

static void truncated_rrsig_is_malformed(void **state)
{
	(void)state;
	zg_rrsig_t s;
	assert_int_equal(zg_rrsig_parse(SIG, 17, &s), ZG_EMALF);
	assert_int_equal(zg_rrsig_parse(SIG, 22, &s), ZG_EMALF); /* signer name cut */
	assert_int_equal(zg_rrsig_parse(NULL, 10, &s), ZG_EINVAL);
}

static void signed_data_is_prefix_then_canonical_rrs(void **state)
{
	(void)state;
	zg_rrsig_t s;
	assert_int_equal(zg_rrsig_parse(SIG, sizeof(SIG), &s), ZG_EOK);
	static const uint8_t owner[] = { 3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0 };
	static const uint8_t a1[] = { 192, 0, 2, 1 }, a2[] = { 192, 0, 2, 2 };
	zg_rdata_ref_t rrs[] = { { a1, 4 }, { a2, 4 } };
	zg_dynbuf_t b;
	zg_dynbuf_init(&b, 4096);
	assert_int_equal(zg_rrsig_signed_data(&s, owner, 1, rrs, 2, &b), ZG_EOK);
	size_t one = sizeof(owner) + 10 + 4;
	assert_int_equal(b.len, s.prefix_len + 2 * one);
	assert_memory_equal(b.data, SIG, s.prefix_len);
	const uint8_t *rr = b.data + s.prefix_len;
	assert_memory_equal(rr, owner, sizeof(owner));
	/* type 1, class 1, original TTL 300, rdlength 4 */
	assert_memory_equal(rr + sizeof(owner), "\x00\x01\x00\x01\x00\x00\x01\x2c\x00\x04", 10);
	assert_memory_equal(rr + one - 4, a1, 4);
	assert_memory_equal(rr + 2 * one - 4, a2, 4);
	zg_dynbuf_deinit(&b);
}

static void wildcard_expansion_signs_the_wildcard_owner(void **state)
{
	(void)state;
	zg_rrsig_t s;
	assert_int_equal(zg_rrsig_parse(SIG, sizeof(SIG), &s), ZG_EOK);
	/* owner x.w.example (3 labels), RRSIG labels 2 -> signed as *.w.example (RFC 4035 5.3.2) */
	static const uint8_t owner[] = { 1, 'x', 1, 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0 };
	static const uint8_t want[] = { 1, '*', 1, 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0 };
	static const uint8_t a1[] = { 192, 0, 2, 1 };
	zg_rdata_ref_t rr = { a1, 4 };
	zg_dynbuf_t b;
	zg_dynbuf_init(&b, 4096);
	assert_int_equal(zg_rrsig_signed_data(&s, owner, 1, &rr, 1, &b), ZG_EOK);
	assert_memory_equal(b.data + s.prefix_len, want, sizeof(want));
	zg_dynbuf_deinit(&b);
}

static void signed_data_respects_the_buffer_cap(void **state)
{
	(void)state;
	zg_rrsig_t s;
	assert_int_equal(zg_rrsig_parse(SIG, sizeof(SIG), &s), ZG_EOK);
	static const uint8_t owner[] = { 0 };
	static uint8_t big[60000];
	zg_rdata_ref_t rrs[] = { { big, sizeof(big) }, { big, sizeof(big) } };
	zg_dynbuf_t b;
	zg_dynbuf_init(&b, 100000);
	assert_int_equal(zg_rrsig_signed_data(&s, owner, 16, rrs, 2, &b), ZG_ETOOBIG);
	zg_dynbuf_deinit(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rrsig_fields_parse),
		cmocka_unit_test(truncated_rrsig_is_malformed),
		cmocka_unit_test(signed_data_is_prefix_then_canonical_rrs),
		cmocka_unit_test(wildcard_expansion_signs_the_wildcard_owner),
		cmocka_unit_test(signed_data_respects_the_buffer_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
