/* test_nsec3.c -- NSEC3 hash (RFC 5155 Appendix A vectors), base32hex, type bitmaps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <libknot/dname.h>
#include "verifier/nsec3.h"

static void hash_of(const char *name, char out[40])
{
	static const uint8_t salt[] = { 0xaa, 0xbb, 0xcc, 0xdd };
	uint8_t wire[256], h[ZG_NSEC3_SHA1_LEN];
	assert_non_null(knot_dname_from_str(wire, name, sizeof(wire)));
	assert_int_equal(zg_nsec3_hash(1, 12, salt, sizeof(salt), wire, h), ZG_EOK);
	zg_base32hex_encode(h, sizeof(h), out);
}

/* RFC 5155 Appendix A: salt aabbccdd, 12 iterations. */
static void rfc5155_appendix_a_hashes_match(void **state)
{
	(void)state;
	static const char *vec[][2] = {
		{ "example.", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom" },
		{ "a.example.", "35mthgpgcu1qg68fab165klnsnk3dpvl" },
		{ "ai.example.", "gjeqe526plbf1g8mklp59enfd789njgi" },
		{ "*.w.example.", "r53bq7cc2uvmubfu5ocmm6pers9tk9en" },
		{ "x.y.w.example.", "2vptu5timamqttgl4luu9kg21e0aor3s" },
	};
	for (size_t i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		char got[40];
		hash_of(vec[i][0], got);
		assert_string_equal(got, vec[i][1]);
	}
}

static void unknown_hash_algorithm_is_refused(void **state)
{
	(void)state;
	uint8_t h[ZG_NSEC3_SHA1_LEN];
	static const uint8_t root[] = { 0 };
	assert_int_equal(zg_nsec3_hash(2, 0, NULL, 0, root, h), ZG_EALGO);
}

static void base32hex_round_trips_and_rejects_bad_input(void **state)
{
	(void)state;
	uint8_t out[32];
	const char *s = "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom";
	assert_int_equal(zg_base32hex_decode((const uint8_t *)s, strlen(s), out, sizeof(out)), 20);
	char back[40];
	zg_base32hex_encode(out, 20, back);
	assert_string_equal(back, s);
	assert_int_equal(zg_base32hex_decode((const uint8_t *)"0P9MHAVE", 8, out, sizeof(out)), 5);
	assert_int_equal(zg_base32hex_decode((const uint8_t *)"wxyz", 4, out, sizeof(out)), -1);
	assert_int_equal(zg_base32hex_decode((const uint8_t *)"0p9mhav=", 8, out, sizeof(out)), -1);
}

static void bitmap_decodes_windows_in_order(void **state)
{
	(void)state;
	/* RFC 4034 4.3: A MX RRSIG NSEC TYPE1234 */
	static const uint8_t bm[] = { 0x00, 0x06, 0x40, 0x01, 0x00, 0x00, 0x00, 0x03, 0x04, 0x1b,
		                      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		                      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		                      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20 };
	uint16_t types[16];
	size_t n = 0;
	assert_int_equal(zg_bitmap_decode(bm, sizeof(bm), types, 16, &n), ZG_EOK);
	assert_int_equal(n, 5);
	assert_int_equal(types[0], 1);
	assert_int_equal(types[1], 15);
	assert_int_equal(types[2], 46);
	assert_int_equal(types[3], 47);
	assert_int_equal(types[4], 1234);
}

static void malformed_bitmaps_are_refused(void **state)
{
	(void)state;
	uint16_t types[16];
	size_t n;
	static const uint8_t zero_len[] = { 0x00, 0x00 };
	static const uint8_t too_long[] = { 0x00, 33 };
	static const uint8_t truncated[] = { 0x00, 0x02, 0x40 };
	static const uint8_t out_of_order[] = { 0x01, 0x01, 0x80, 0x00, 0x01, 0x40 };
	assert_int_equal(zg_bitmap_decode(zero_len, 2, types, 16, &n), ZG_EMALF);
	assert_int_equal(zg_bitmap_decode(too_long, 2, types, 16, &n), ZG_EMALF);
	assert_int_equal(zg_bitmap_decode(truncated, 3, types, 16, &n), ZG_EMALF);
	assert_int_equal(zg_bitmap_decode(out_of_order, 6, types, 16, &n), ZG_EMALF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc5155_appendix_a_hashes_match),
		cmocka_unit_test(unknown_hash_algorithm_is_refused),
		cmocka_unit_test(base32hex_round_trips_and_rejects_bad_input),
		cmocka_unit_test(bitmap_decodes_windows_in_order),
		cmocka_unit_test(malformed_bitmaps_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
