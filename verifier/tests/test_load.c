/* test_load.c -- the lean loader: sorted-input fast path, in-place sort, page-mapped blocks, and
 * the split (parallel) load giving exactly the one-scanner model, lines and errors. */
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
#include "verifier/internal/zone_build.h"
#include "verifier/internal/zone_load.h"
#include "verifier/internal/zone_model.h"
#include "verifier/name.h"

#define SPLIT_THREADS 4u

typedef struct {
	char *buf;
	size_t len, cap;
} text_t;

static void add(text_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(text_t *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	while (t->len + (size_t)n + 1 > t->cap) {
		t->cap = t->cap ? t->cap * 2 : 4096;
		t->buf = realloc(t->buf, t->cap);
		assert_non_null(t->buf);
	}
	va_start(ap, fmt);
	vsnprintf(t->buf + t->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

static char *write_file(const char *text, const char *name)
{
	static char path[64];
	snprintf(path, sizeof(path), "/tmp/zg_test_load_%s_%d", name, (int)getpid());
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	fclose(f);
	return path;
}

static zg_err_t load(const char *path, unsigned threads, zg_zone_t **z, char *msg)
{
	msg[0] = '\0';
	return zg_zone_load_threads(path, NULL, threads, z, msg, ZG_ERRMSG_LEN);
}

static void assert_same_rrs(const zg_rr_t *a, const zg_rr_t *b, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		assert_int_equal(a[i].ttl, b[i].ttl);
		assert_int_equal(a[i].line, b[i].line);
		assert_int_equal(a[i].rdlen, b[i].rdlen);
		assert_memory_equal(a[i].rdata, b[i].rdata, a[i].rdlen);
	}
}

/* Field by field, every array: the split load must be the sequential one. */
static void assert_same_zone(const zg_zone_t *a, const zg_zone_t *b)
{
	assert_int_equal(a->nnames, b->nnames);
	assert_int_equal(a->nrrsets, b->nrrsets);
	assert_int_equal(a->nrrs, b->nrrs);
	assert_int_equal(a->nsigs, b->nsigs);
	assert_int_equal(a->apex, b->apex);
	assert_int_equal(a->soa_count, b->soa_count);
	assert_memory_equal(a->origin, b->origin, zg_dname_len(a->origin, sizeof(a->origin)));
	for (uint32_t i = 0; i < a->nnames; i++) {
		size_t l = zg_dname_len(a->names[i].owner, ZG_DNAME_MAXLEN);
		assert_int_equal(l, zg_dname_len(b->names[i].owner, ZG_DNAME_MAXLEN));
		assert_memory_equal(a->names[i].owner, b->names[i].owner, l);
		assert_int_equal(a->names[i].rrset_first, b->names[i].rrset_first);
		assert_int_equal(a->names[i].rrset_count, b->names[i].rrset_count);
		assert_int_equal(a->names[i].flags, b->names[i].flags);
	}
	for (uint32_t i = 0; i < a->nrrsets; i++) {
		assert_memory_equal(&a->rrsets[i], &b->rrsets[i], sizeof(zg_rrset_t));
	}
	assert_same_rrs(a->rrs, b->rrs, a->nrrs);
	assert_same_rrs(a->sigs, b->sigs, a->nsigs);
}

/* Load with one scanner and split on SPLIT_THREADS threads with tiny parts; both must agree.
 * Returns how many parts the split load kept (the rest was parsed again by one scanner). */
static size_t assert_split_is_sequential(const char *text, const char *name)
{
	char *path = write_file(text, name);
	zg_zone_t *seq = NULL, *par = NULL;
	char m1[ZG_ERRMSG_LEN], m2[ZG_ERRMSG_LEN];
	zg_load_split_limits(1, 64);
	zg_err_t r1 = load(path, 1, &seq, m1);
	zg_err_t r2 = load(path, SPLIT_THREADS, &par, m2);
	size_t parts = 0, kept = 0;
	zg_load_split_stats(&parts, &kept);
	zg_load_split_limits(4u << 20, 64u << 10);
	assert_true(parts > SPLIT_THREADS); /* it was split */
	unlink(path);
	assert_int_equal(r1, r2);
	assert_string_equal(m1, m2);
	if (r1 == ZG_EOK) {
		assert_same_zone(seq, par);
	}
	zg_zone_free(seq);
	zg_zone_free(par);
	return kept;
}

/* A signer-like zone: delegations with DS and glue, multi-line RRSIGs, NSEC3 at the end. */
static void signed_like(text_t *t, unsigned n, bool canonical)
{
	add(t, "$ORIGIN tld.\n$TTL 3600\n@ SOA ns1.nic.tld. hostmaster.nic.tld. 1 7200 3600 "
	       "1209600 3600\n@ NS ns1.nic.tld.\n");
	for (unsigned k = 0; k < n; k++) {
		unsigned i = canonical ? k : (k * 7919u) % n; /* BIND writes its own tree order */
		add(t, "d%05u NS ns1.example.net.\n", i);
		add(t, "\tRRSIG NS 13 2 3600 (\n\t\t20261225032414 20261125032414 33558 tld.\n"
		       "\t\t9fvu9gtVhrWPYmmMhY2htJR/PDD0DY2BgTZ3\n\t\tEXKK5hd3lK/wpg== )\n");
		if (i % 10 == 0) {
			add(t, "d%05u 300 DS %u 13 2 %064x\n", i, i, i);
		}
		if (i % 20 == 5) {
			add(t, "ns.d%05u A 192.0.2.%u ; glue\n", i, i % 250 + 1);
		}
	}
	for (unsigned i = 0; i < n / 10; i++) {
		add(t, "%032X.tld. 3600 IN NSEC3 1 1 0 - (\n\t%032X\n\tNS DS RRSIG )\n",
		    i * 2654435761u, (i + 1) * 2654435761u);
	}
}

static void split_load_equals_sequential_load(void **state)
{
	(void)state;
	text_t t = { 0 };
	signed_like(&t, 3000, false);
	assert_true(assert_split_is_sequential(t.buf, "bind") > SPLIT_THREADS); /* all parts kept */
	t.len = 0;
	signed_like(&t, 3000, true);
	assert_true(assert_split_is_sequential(t.buf, "canon") > SPLIT_THREADS);
	free(t.buf);
}

/* Lines inside parentheses that start in column 0 look like owners to the splitter. */
static void record_in_parentheses_across_a_split_point(void **state)
{
	(void)state;
	text_t t = { 0 };
	add(&t, "$ORIGIN example.\n@ 300 SOA ns h 1 2 3 4 5\n@ 300 NS ns\n");
	for (unsigned i = 0; i < 400; i++) {
		add(&t, "t%u 300 TXT (\n\"first\" ; a comment ( with a parenthesis\nsecond\n\"th(ird\"\n"
		        "fourth )\n", i);
		add(&t, "k%u 300 DNSKEY 256 3 13 (\nGsvCskMOcKZe3y/OJST5hTpi8+JbvLsgBg1m\n"
		        "GV6llCs7Mt6TbomHhN39YZ6lTzajXArI2t+JHogA+rLl8BOqFw== )\n", i);
	}
	assert_split_is_sequential(t.buf, "paren");
	free(t.buf);
}

/* Blank owners continue the previous owner; a part never starts on one. */
static void blank_owners_and_relative_names_across_split_points(void **state)
{
	(void)state;
	text_t t = { 0 };
	add(&t, "$ORIGIN example.\n$TTL 300\n@ SOA ns h 1 2 3 4 5\n  NS ns\n\tNS ns2\n");
	for (unsigned i = 0; i < 1500; i++) {
		add(&t, "h%u A 192.0.2.%u\n A 192.0.2.%u\n\t600 AAAA 2001:db8::%x\n\n; c\n", i,
		    i % 250, (i + 1) % 250, i);
	}
	assert_true(assert_split_is_sequential(t.buf, "blank") > SPLIT_THREADS);
	free(t.buf);
}

/* Same owner on both sides of a split point, and duplicates on both sides. */
static void one_owner_spanning_parts_is_one_name(void **state)
{
	(void)state;
	text_t t = { 0 };
	add(&t, "example. 300 SOA ns.example. h.example. 1 2 3 4 5\n");
	for (unsigned i = 0; i < 2000; i++) {
		add(&t, "big.example. %u TXT \"%u\"\n", 300 + i % 2, i % 1500);
	}
	assert_true(assert_split_is_sequential(t.buf, "owner") > SPLIT_THREADS);
	free(t.buf);
}

/* $ORIGIN and $TTL after the head: the rest is parsed again in the true state. */
static void directives_after_the_head(void **state)
{
	(void)state;
	text_t t = { 0 };
	add(&t, "$ORIGIN example.\n@ 300 SOA ns h 1 2 3 4 5\n");
	for (unsigned i = 0; i < 1500; i++) {
		if (i == 700) {
			add(&t, "$ORIGIN sub.example.\n$TTL 42\n");
		}
		add(&t, "n%u 300 A 192.0.2.1\nm%u MX 10 mail\n", i, i);
	}
	assert_true(assert_split_is_sequential(t.buf, "dir") > 1); /* those before $ORIGIN */
	free(t.buf);
}

/* An $INCLUDE in a part: its records keep their own file's lines. */
static void include_in_a_later_part(void **state)
{
	(void)state;
	char inc[64];
	snprintf(inc, sizeof(inc), "/tmp/zg_test_load_inc_%d", (int)getpid());
	FILE *f = fopen(inc, "w");
	assert_non_null(f);
	fputs("incl 300 A 192.0.2.9\nincl2 300 TXT \"x\"\n", f);
	fclose(f);
	text_t t = { 0 };
	add(&t, "$ORIGIN example.\n@ 300 SOA ns h 1 2 3 4 5\n");
	for (unsigned i = 0; i < 1500; i++) {
		if (i == 900) {
			add(&t, "$INCLUDE %s\n", inc);
		}
		add(&t, "n%u 300 A 192.0.2.1\n", i);
	}
	assert_split_is_sequential(t.buf, "including");
	unlink(inc);
	free(t.buf);
}

/* An error deep in the file: the same "file:line: reason" as one scanner gives. */
static void error_in_a_part_gives_the_sequential_message(void **state)
{
	(void)state;
	text_t t = { 0 };
	add(&t, "$ORIGIN example.\n@ 300 SOA ns h 1 2 3 4 5\n");
	for (unsigned i = 0; i < 1500; i++) {
		add(&t, i == 1200 ? "n%u 300 A 192.0.2.300\n" : "n%u 300 A 192.0.2.1\n", i);
	}
	assert_split_is_sequential(t.buf, "err");
	t.len = 0;
	add(&t, "$ORIGIN example.\n@ 300 SOA ns h 1 2 3 4 5\n");
	for (unsigned i = 0; i < 1500; i++) {
		add(&t, "n%u 300 TXT (\n\"x\"\n)\n", i);
	}
	add(&t, "last 300 TXT ( \"unclosed\"\n");
	assert_split_is_sequential(t.buf, "unclosed");
	free(t.buf);
}

/* zg_zone_build() with records already in canonical order keeps their order (no sort): of two
 * records that differ only in TTL, the first one given is kept. */
static void build_keeps_canonical_input_as_given(void **state)
{
	(void)state;
	zg_zone_t *z = calloc(1, sizeof(*z));
	assert_non_null(z);
	z->arena = zg_arena_new(0);
	assert_non_null(knot_dname_from_str(z->origin, "example.", sizeof(z->origin)));
	static const uint8_t owner[] = "\x07" "example";
	static const uint8_t a[] = { 192, 0, 2, 1 }, b[] = { 192, 0, 2, 2 };
	uint8_t key[ZG_DNAME_KEYLEN];
	uint16_t klen = (uint16_t)zg_dname_sort_key(owner, key);
	zg_raw_rr_t raw[] = {
		{ .owner = owner, .key = key, .keylen = klen, .rdata = a, .rdlen = 4, .ttl = 600,
		  .line = 5, .type = KNOT_RRTYPE_A, .gtype = KNOT_RRTYPE_A },
		{ .owner = owner, .key = key, .keylen = klen, .rdata = a, .rdlen = 4, .ttl = 300,
		  .line = 5, .type = KNOT_RRTYPE_A, .gtype = KNOT_RRTYPE_A },
		{ .owner = owner, .key = key, .keylen = klen, .rdata = b, .rdlen = 4, .ttl = 600,
		  .line = 6, .type = KNOT_RRTYPE_A, .gtype = KNOT_RRTYPE_A },
	};
	assert_int_equal(zg_zone_build(z, raw, 3), ZG_EOK);
	assert_int_equal(z->nrrs, 2);
	assert_int_equal(z->rrs[0].ttl, 600); /* the first of the two equal records */
	assert_int_equal(raw[1].ttl, 300);   /* and the input was left as it was */
	assert_int_equal(z->apex, 0);
	zg_zone_free(z);
}

static int raw_cmp(const zg_raw_rr_t *a, const zg_raw_rr_t *b)
{
	int c = zg_raw_order(a, b);
	return c != 0 ? c : (a->line > b->line) - (a->line < b->line);
}

/* The in-place sort orders shuffled records like zg_raw_order() (then line). */
static void sort_orders_shuffled_records(void **state)
{
	(void)state;
	enum { N = 20000, OWNERS = 97 };
	static uint8_t owners[OWNERS][16], keys[OWNERS][ZG_DNAME_KEYLEN], rd[N][4];
	static uint16_t klen[OWNERS];
	static zg_raw_rr_t raw[N];
	char buf[32];
	for (unsigned i = 0; i < OWNERS; i++) {
		snprintf(buf, sizeof(buf), "o%u.x%u.", i, i % 7);
		assert_non_null(knot_dname_from_str(owners[i], buf, sizeof(owners[i])));
		klen[i] = (uint16_t)zg_dname_sort_key(owners[i], keys[i]);
	}
	uint32_t seed = 12345;
	for (unsigned i = 0; i < N; i++) {
		seed = seed * 1103515245u + 12345u;
		unsigned o = (seed >> 8) % OWNERS;
		memcpy(rd[i], &seed, 4);
		raw[i] = (zg_raw_rr_t){ .owner = owners[o], .key = keys[o], .keylen = klen[o],
			.rdata = rd[i], .rdlen = (uint16_t)(1 + (seed >> 3) % 4), .line = i,
			.type = (seed & 16) ? KNOT_RRTYPE_RRSIG : KNOT_RRTYPE_A, .gtype = 1 + seed % 3 };
	}
	zg_build_sort(raw, N);
	for (unsigned i = 1; i < N; i++) {
		assert_true(raw_cmp(&raw[i - 1], &raw[i]) <= 0);
	}
}

/* Arena blocks grow in place or move, keep their data, and die with the arena. */
static void arena_blocks_grow_and_adopt(void **state)
{
	(void)state;
	zg_arena_t *a = zg_arena_new(4096), *b = zg_arena_new(4096);
	assert_non_null(a);
	assert_non_null(b);
	uint32_t *v = zg_arena_block(a, NULL, 1000 * sizeof(uint32_t));
	assert_non_null(v);
	for (uint32_t i = 0; i < 1000; i++) {
		v[i] = i;
	}
	v = zg_arena_block(a, v, 3000000 * sizeof(uint32_t));
	assert_non_null(v);
	assert_int_equal(v[999], 999);
	v = zg_arena_block(a, v, 10 * sizeof(uint32_t));
	assert_int_equal(v[9], 9);
	char *s = zg_arena_dup_bytes(b, "abc", 3);
	void *w = zg_arena_block(b, NULL, 100);
	assert_non_null(s);
	assert_non_null(w);
	zg_arena_adopt(a, b); /* a now owns b's chunk and block */
	assert_memory_equal(s, "abc", 3);
	zg_arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(split_load_equals_sequential_load),
		cmocka_unit_test(record_in_parentheses_across_a_split_point),
		cmocka_unit_test(blank_owners_and_relative_names_across_split_points),
		cmocka_unit_test(one_owner_spanning_parts_is_one_name),
		cmocka_unit_test(directives_after_the_head),
		cmocka_unit_test(include_in_a_later_part),
		cmocka_unit_test(error_in_a_part_gives_the_sequential_message),
		cmocka_unit_test(build_keeps_canonical_input_as_given),
		cmocka_unit_test(sort_orders_shuffled_records),
		cmocka_unit_test(arena_blocks_grow_and_adopt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
