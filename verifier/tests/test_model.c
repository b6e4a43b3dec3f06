/* test_model.c -- names in canonical order, RRset grouping, cuts and occlusion, TTL mismatch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <libknot/descriptor.h>
#include <libknot/dname.h>
#include "verifier/internal/zone_model.h"
#include "verifier/name.h"

static zg_zone_t *load_text(const char *text, const char *origin)
{
	char path[] = "/tmp/zg_test_model_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	zg_zone_t *z = NULL;
	char msg[ZG_ERRMSG_LEN] = "";
	zg_err_t ret = zg_zone_load(path, origin, &z, msg, sizeof(msg));
	unlink(path);
	if (ret != ZG_EOK) {
		print_message("load: %s\n", msg);
		return NULL;
	}
	return z;
}

/* RFC 4034 6.1: the example names, in canonical order. */
static void names_sort_in_rfc4034_canonical_order(void **state)
{
	(void)state;
	static const char *order[] = { "example.", "a.example.", "yljkjljk.a.example.",
		"Z.a.example.", "zABC.a.EXAMPLE.", "z.example.", "\\001.z.example.",
		"*.z.example.", "\\200.z.example." };
	size_t n = sizeof(order) / sizeof(order[0]);
	for (size_t i = 0; i + 1 < n; i++) {
		uint8_t a[256], b[256];
		assert_non_null(knot_dname_from_str(a, order[i], sizeof(a)));
		assert_non_null(knot_dname_from_str(b, order[i + 1], sizeof(b)));
		zg_dname_lower(a);
		zg_dname_lower(b);
		assert_true(zg_dname_cmp(a, b) < 0);
		assert_true(zg_dname_cmp(b, a) > 0);
		assert_int_equal(zg_dname_cmp(a, a), 0);
	}
}

static void sort_keys_order_names_canonically(void **state)
{
	(void)state;
	static const char *order[] = { "example.", "a.example.", "yljkjljk.a.example.",
		"Z.a.example.", "zABC.a.EXAMPLE.", "z.example.", "\\000.z.example.", "\\001.z.example.",
		"*.z.example.", "a.z.example.", "a\\000.z.example.", "a\\001.z.example.",
		"\\200.z.example." };
	size_t n = sizeof(order) / sizeof(order[0]);
	for (size_t i = 0; i + 1 < n; i++) {
		uint8_t a[256], b[256], ka[ZG_DNAME_KEYLEN], kb[ZG_DNAME_KEYLEN];
		assert_non_null(knot_dname_from_str(a, order[i], sizeof(a)));
		assert_non_null(knot_dname_from_str(b, order[i + 1], sizeof(b)));
		zg_dname_lower(a);
		zg_dname_lower(b);
		size_t la = zg_dname_sort_key(a, ka), lb = zg_dname_sort_key(b, kb);
		int c = memcmp(ka, kb, la < lb ? la : lb);
		assert_true(c < 0 || (c == 0 && la < lb));
		assert_true(zg_dname_cmp(a, b) < 0); /* both orders agree */
	}
}

/* The 16-byte key prefix is the sort key's start, so it never orders two names against
 * zg_dname_cmp(); names that share it (the long ones here) are left to zg_dname_cmp(). */
static void key_prefixes_are_sort_key_starts(void **state)
{
	(void)state;
	static const char *order[] = { "example.", "a.example.", "\\000.a.example.",
		"abcdefghijklmnop.a.example.", "abcdefghijklmnopq.a.example.",
		"a.abcdefghijklmnopqrstuvwxyz.example.", "b.example.",
		"abcdefghijklmnopqrstuvwxyz.b.example.", "abcdefghijklmnopqrstuvwxzz.b.example." };
	size_t n = sizeof(order) / sizeof(order[0]);
	uint64_t pre[16][2];
	uint8_t names[16][256];
	for (size_t i = 0; i < n; i++) {
		uint8_t *a = names[i], key[ZG_DNAME_KEYLEN], want[16] = { 0 }, got[16];
		assert_non_null(knot_dname_from_str(a, order[i], sizeof(names[i])));
		assert_true(i == 0 || zg_dname_cmp(names[i - 1], a) < 0);
		size_t len = zg_dname_sort_key(a, key);
		memcpy(want, key, len < 16 ? len : 16);
		zg_dname_key_prefix(a, pre[i]);
		for (unsigned b = 0; b < 16; b++) {
			got[b] = (uint8_t)(pre[i][b / 8] >> (56 - 8 * (b % 8)));
		}
		assert_memory_equal(got, want, 16);
	}
	for (size_t i = 0; i + 1 < n; i++) {
		bool le = pre[i][0] < pre[i + 1][0] ||
		          (pre[i][0] == pre[i + 1][0] && pre[i][1] <= pre[i + 1][1]);
		assert_true(le);
	}
	assert_true(pre[7][0] == pre[8][0] && pre[7][1] == pre[8][1]); /* a tie: full compare */
}

static const char ZONE[] =
	"$ORIGIN example.\n$TTL 300\n"
	"@ IN SOA ns hostmaster 1 2 3 4 5\n@ IN NS ns\nns IN A 192.0.2.1\n"
	"sub IN NS ns.sub\nsub IN DS 1 13 2 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n"
	"ns.sub IN A 192.0.2.2\ndeep.ns.sub IN TXT \"occluded\"\n"
	"www 300 IN A 192.0.2.3\nwww 600 IN A 192.0.2.4\nWWW 300 IN A 192.0.2.3\n"
	"mx IN MX 10 MAIL.Example.\n";

static void zone_groups_rrsets_and_marks_cuts(void **state)
{
	(void)state;
	zg_zone_t *z = load_text(ZONE, NULL);
	assert_non_null(z);
	assert_int_equal(z->apex, 0);
	uint8_t name[256];
	uint32_t sub = zg_zone_find_name(z, knot_dname_from_str(name, "sub.example.", 256));
	uint32_t glue = zg_zone_find_name(z, knot_dname_from_str(name, "ns.sub.example.", 256));
	uint32_t deep = zg_zone_find_name(z, knot_dname_from_str(name, "deep.ns.sub.example.", 256));
	assert_true(z->names[sub].flags & ZG_NAME_CUT);
	assert_true(z->names[glue].flags & ZG_NAME_OCCLUDED);
	assert_true(z->names[deep].flags & ZG_NAME_OCCLUDED);
	const zg_rrset_t *ns = zg_zone_rrset(z, sub, KNOT_RRTYPE_NS);
	const zg_rrset_t *ds = zg_zone_rrset(z, sub, KNOT_RRTYPE_DS);
	assert_false(ns->flags & ZG_RRSET_AUTH);  /* delegation NS is not authoritative */
	assert_true(ds->flags & ZG_RRSET_AUTH);   /* DS at the cut is */
	assert_false(zg_zone_rrset(z, glue, KNOT_RRTYPE_A)->flags & ZG_RRSET_AUTH);
	zg_zone_free(z);
}

/* An RRset stores neither its name nor its TTL: both are found from the arrays. */
static void rrsets_find_their_name_and_ttl(void **state)
{
	(void)state;
	zg_zone_t *z = load_text(ZONE, NULL);
	assert_non_null(z);
	for (uint32_t n = 0; n < z->nnames; n++) {
		const zg_name_t *nm = &z->names[n];
		assert_true(nm->rrset_count > 0);
		for (uint32_t i = nm->rrset_first; i < nm->rrset_first + nm->rrset_count; i++) {
			assert_int_equal(zg_rrset_name(z, &z->rrsets[i]), n);
		}
	}
	uint8_t name[256];
	uint32_t www = zg_zone_find_name(z, knot_dname_from_str(name, "www.example.", 256));
	const zg_rrset_t *a = zg_zone_rrset(z, www, KNOT_RRTYPE_A);
	assert_true(a->flags & ZG_RRSET_TTL_MISMATCH);
	assert_int_equal(zg_rrset_ttl(z, a), z->rrs[a->rr_first].ttl);
	assert_int_not_equal(z->rrs[a->rr_first].ttl, z->rrs[a->rr_first + 1].ttl);
	zg_zone_free(z);
}

static void duplicates_are_removed_and_ttl_mismatch_flagged(void **state)
{
	(void)state;
	zg_zone_t *z = load_text(ZONE, NULL);
	assert_non_null(z);
	uint8_t name[256];
	uint32_t www = zg_zone_find_name(z, knot_dname_from_str(name, "www.example.", 256));
	const zg_rrset_t *a = zg_zone_rrset(z, www, KNOT_RRTYPE_A);
	assert_int_equal(a->rr_count, 2); /* "WWW" duplicate of 192.0.2.3 merged */
	assert_true(a->flags & ZG_RRSET_TTL_MISMATCH);
	uint32_t serial = 0;
	assert_true(zg_zone_serial(z, &serial));
	assert_int_equal(serial, 1);
	zg_zone_free(z);
}

static void embedded_names_are_lowercased_for_rfc4034_types(void **state)
{
	(void)state;
	zg_zone_t *z = load_text(ZONE, NULL);
	assert_non_null(z);
	uint8_t name[256];
	uint32_t mx = zg_zone_find_name(z, knot_dname_from_str(name, "mx.example.", 256));
	const zg_rrset_t *s = zg_zone_rrset(z, mx, KNOT_RRTYPE_MX);
	const zg_rr_t *rr = &z->rrs[s->rr_first];
	assert_memory_equal(rr->rdata + 2, "\x04mail\x07" "example", 13);
	zg_zone_free(z);
}

static void origin_comes_from_the_soa_owner(void **state)
{
	(void)state;
	zg_zone_t *z = load_text("example.org. 300 IN SOA ns.example.org. h.example.org. 7 1 1 1 1\n"
	                         "example.org. 300 IN NS ns.example.org.\n", NULL);
	assert_non_null(z);
	char buf[64];
	assert_string_equal(zg_zone_origin_str(z, buf, sizeof(buf)), "example.org.");
	zg_zone_free(z);
}

static void syntax_error_names_file_and_line(void **state)
{
	(void)state;
	char path[] = "/tmp/zg_test_model_XXXXXX";
	int fd = mkstemp(path);
	const char *text = "$ORIGIN example.\n@ 300 IN SOA ns h 1 2 3 4 5\n@ 300 IN A 999.1.1.1\n";
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	zg_zone_t *z = NULL;
	char msg[ZG_ERRMSG_LEN] = "";
	assert_int_equal(zg_zone_load(path, NULL, &z, msg, sizeof(msg)), ZG_EPARSE);
	assert_null(z);
	char want[64];
	snprintf(want, sizeof(want), "%s:3:", path);
	assert_non_null(strstr(msg, want));
	unlink(path);
}

static void include_directive_and_relative_names_load(void **state)
{
	(void)state;
	char dir[] = "/tmp/zg_test_inc_XXXXXX";
	assert_non_null(mkdtemp(dir));
	char inc[128], top[128];
	snprintf(inc, sizeof(inc), "%s/part.zone", dir);
	snprintf(top, sizeof(top), "%s/top.zone", dir);
	FILE *f = fopen(inc, "w");
	assert_non_null(f);
	fputs("www 300 IN A 192.0.2.7\n\t300 IN TYPE65280 \\# 2 abcd\n", f);
	fclose(f);
	f = fopen(top, "w");
	assert_non_null(f);
	fprintf(f, "$ORIGIN example.\n$TTL 600\n@ SOA ns h 1 2 3 4 5\n@ NS ns\n$INCLUDE %s\n", inc);
	fclose(f);
	zg_zone_t *z = NULL;
	char msg[ZG_ERRMSG_LEN] = "";
	assert_int_equal(zg_zone_load(top, NULL, &z, msg, sizeof(msg)), ZG_EOK);
	uint8_t name[256];
	uint32_t www = zg_zone_find_name(z, knot_dname_from_str(name, "www.example.", 256));
	assert_int_not_equal(www, ZG_NONE);
	assert_non_null(zg_zone_rrset(z, www, KNOT_RRTYPE_A));
	assert_non_null(zg_zone_rrset(z, www, 65280)); /* generic RR syntax, owner carried over */
	assert_int_equal(zg_rrset_ttl(z, zg_zone_rrset(z, z->apex, KNOT_RRTYPE_NS)), 600); /* $TTL */
	zg_zone_free(z);
	unlink(inc);
	unlink(top);
	rmdir(dir);
}

static void missing_file_and_directory_are_io_errors(void **state)
{
	(void)state;
	zg_zone_t *z = NULL;
	char msg[ZG_ERRMSG_LEN];
	assert_int_equal(zg_zone_load("/nonexistent/zone", NULL, &z, msg, sizeof(msg)), ZG_EIO);
	assert_int_equal(zg_zone_load("/tmp", NULL, &z, msg, sizeof(msg)), ZG_EIO);
	assert_int_equal(zg_zone_load(NULL, NULL, &z, msg, sizeof(msg)), ZG_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_sort_in_rfc4034_canonical_order),
		cmocka_unit_test(sort_keys_order_names_canonically),
		cmocka_unit_test(key_prefixes_are_sort_key_starts),
		cmocka_unit_test(zone_groups_rrsets_and_marks_cuts),
		cmocka_unit_test(rrsets_find_their_name_and_ttl),
		cmocka_unit_test(duplicates_are_removed_and_ttl_mismatch_flagged),
		cmocka_unit_test(embedded_names_are_lowercased_for_rfc4034_types),
		cmocka_unit_test(origin_comes_from_the_soa_owner),
		cmocka_unit_test(syntax_error_names_file_and_line),
		cmocka_unit_test(include_directive_and_relative_names_load),
		cmocka_unit_test(missing_file_and_directory_are_io_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
