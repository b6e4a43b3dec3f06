/* test_crypto_libdnssec.c -- the libdnssec cross-check backend against RFC example signatures. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/evp.h>

#include "verifier/crypto.h"

#define MAX_KEY_BYTES 512
#define MAX_SIG_BYTES 512
#define N_THREADS     4

/* One RFC example: DNSKEY RDATA header, base64 key and signature, and the signed data. */
typedef struct {
	uint8_t dnskey_head[4]; /* flags (2), protocol, algorithm */
	const char *pubkey_b64;
	const char *sig_b64;
	const uint8_t *signed_data;
	size_t signed_len;
} vector_t;

/* The vector decoded to wire form: full DNSKEY RDATA and the RRSIG signature field. */
typedef struct {
	uint8_t rdata[4 + MAX_KEY_BYTES];
	size_t rdlen;
	uint8_t sig[MAX_SIG_BYTES];
	size_t siglen;
} wire_t;

/*
 * RFC 6605 6.1, ECDSA P-256: signed data per RFC 4034 3.1.8.1, i.e. the RRSIG RDATA without
 * the signature field, then www.example.net. A 192.0.2.1 in canonical wire form.
 */
/* clang-format off */
static const uint8_t RFC6605_SIGNED[] = {
	0x00, 0x01,             /* type covered: A */
	13,                     /* algorithm: ECDSAP256SHA256 */
	3,                      /* labels */
	0x00, 0x00, 0x0e, 0x10, /* original TTL 3600 */
	0x4c, 0x88, 0xb1, 0x37, /* expiration 20100909100439 */
	0x4c, 0x63, 0xc7, 0x37, /* inception 20100812100439 */
	0xd9, 0x60,             /* key tag 55648 */
	7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'n', 'e', 't', 0, /* signer example.net. */
	3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'n', 'e', 't', 0,
	0x00, 0x01,             /* type A */
	0x00, 0x01,             /* class IN */
	0x00, 0x00, 0x0e, 0x10, /* original TTL 3600 */
	0x00, 0x04,             /* rdlength */
	192, 0, 2, 1,
};
/* clang-format on */

/*
 * RFC 8080 6.1 example 1 (with erratum 4935), Ed25519: signed data per RFC 4034 3.1.8.1 over
 * example.com. MX 10 mail.example.com.
 */
/* clang-format off */
static const uint8_t RFC8080_SIGNED[] = {
	0x00, 0x0f,             /* type covered: MX */
	15,                     /* algorithm: ED25519 */
	2,                      /* labels */
	0x00, 0x00, 0x0e, 0x10, /* original TTL 3600 */
	0x55, 0xd4, 0xfc, 0x60, /* expiration 1440021600 */
	0x55, 0xb9, 0x4c, 0xe0, /* inception 1438207200 */
	0x0e, 0x1d,             /* key tag 3613 */
	7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, /* signer example.com. */
	7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
	0x00, 0x0f,             /* type MX */
	0x00, 0x01,             /* class IN */
	0x00, 0x00, 0x0e, 0x10, /* original TTL 3600 */
	0x00, 0x14,             /* rdlength 20 */
	0x00, 0x0a,             /* preference 10 */
	4, 'm', 'a', 'i', 'l', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
};
/* clang-format on */

/*
 * RFC 5702 6.1, RSA/SHA-256: signed data per RFC 4034 3.1.8.1 over
 * www.example.net. A 192.0.2.91.
 */
/* clang-format off */
static const uint8_t RFC5702_SIGNED[] = {
	0x00, 0x01,             /* type covered: A */
	8,                      /* algorithm: RSASHA256 */
	3,                      /* labels */
	0x00, 0x00, 0x0e, 0x10, /* original TTL 3600 */
	0x70, 0xdb, 0xd8, 0x80, /* expiration 20300101000000 */
	0x38, 0x6d, 0x43, 0x80, /* inception 20000101000000 */
	0x23, 0x49,             /* key tag 9033 */
	7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'n', 'e', 't', 0, /* signer example.net. */
	3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'n', 'e', 't', 0,
	0x00, 0x01,             /* type A */
	0x00, 0x01,             /* class IN */
	0x00, 0x00, 0x0e, 0x10, /* original TTL 3600 */
	0x00, 0x04,             /* rdlength */
	192, 0, 2, 91,
};
/* clang-format on */

static const vector_t RFC6605_P256 = {
	.dnskey_head = { 0x01, 0x01, 3, 13 }, /* 257 3 13 */
	.pubkey_b64 = "GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edb"
		      "krSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA==",
	.sig_b64 = "qx6wLYqmh+l9oCKTN6qIc+bw6ya+KJ8oMz0YP107epXA"
		   "yGmt+3SNruPFKG7tZoLBLlUzGGus7ZwmwWep666VCw==",
	.signed_data = RFC6605_SIGNED,
	.signed_len = sizeof(RFC6605_SIGNED),
};

static const vector_t RFC8080_ED25519 = {
	.dnskey_head = { 0x01, 0x01, 3, 15 }, /* 257 3 15 */
	.pubkey_b64 = "l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=",
	.sig_b64 = "oL9krJun7xfBOIWcGHi7mag5/hdZrKWw15jPGrHpjQeRAvTdszaPD+QLs3f"
		   "x8A4M3e23mRZ9VrbpMngwcrqNAg==",
	.signed_data = RFC8080_SIGNED,
	.signed_len = sizeof(RFC8080_SIGNED),
};

static const vector_t RFC5702_RSASHA256 = {
	.dnskey_head = { 0x01, 0x00, 3, 8 }, /* 256 3 8 */
	.pubkey_b64 = "AwEAAcFcGsaxxdgiuuGmCkVI"
		      "my4h99CqT7jwY3pexPGcnUFtR2Fh36BponcwtkZ4cAgt"
		      "vd4Qs8PkxUdp6p/DlUmObdk=",
	.sig_b64 = "kRCOH6u7l0QGy9qpC9"
		   "l1sLncJcOKFLJ7GhiUOibu4teYp5VE9RncriShZNz85mwlMgNEa"
		   "cFYK/lPtPiVYP4bwg==",
	.signed_data = RFC5702_SIGNED,
	.signed_len = sizeof(RFC5702_SIGNED),
};

/* Decode unbroken base64; EVP_DecodeBlock counts each '=' as a zero byte, so drop those. */
static size_t b64_decode(const char *b64, uint8_t *out, size_t outmax)
{
	size_t len = strlen(b64);
	assert_int_equal(len % 4, 0);
	assert_true(len / 4 * 3 <= outmax);

	int n = EVP_DecodeBlock(out, (const unsigned char *)b64, (int)len);
	assert_true(n >= 0);

	size_t pad = 0;
	while (pad < 2 && pad < len && b64[len - 1 - pad] == '=') {
		pad++;
	}
	return (size_t)n - pad;
}

static void decode_vector(const vector_t *v, wire_t *w)
{
	memcpy(w->rdata, v->dnskey_head, sizeof(v->dnskey_head));
	w->rdlen = sizeof(v->dnskey_head) +
	           b64_decode(v->pubkey_b64, w->rdata + sizeof(v->dnskey_head), MAX_KEY_BYTES);
	w->siglen = b64_decode(v->sig_b64, w->sig, sizeof(w->sig));
}

static zg_err_t verify_wire(const vector_t *v, const wire_t *w, bool *valid)
{
	const zg_crypto_backend_t *be = zg_crypto_libdnssec();
	return be->verify(w->rdata, w->rdlen, v->signed_data, v->signed_len, w->sig, w->siglen,
	                  valid);
}

static void assert_vector_valid(const vector_t *v)
{
	wire_t w = { 0 };
	decode_vector(v, &w);

	bool valid = false;
	assert_int_equal(verify_wire(v, &w, &valid), ZG_EOK);
	assert_true(valid);
}

static void assert_flipped_bit_invalid(const vector_t *v)
{
	wire_t w = { 0 };
	decode_vector(v, &w);
	w.sig[w.siglen / 2] ^= 0x01;

	bool valid = true;
	assert_int_equal(verify_wire(v, &w, &valid), ZG_EOK);
	assert_false(valid);
}

/* A thread's job: no cmocka asserts here, the main thread checks the verdicts. */
typedef struct {
	const wire_t *wire;
	bool valid;
} thread_job_t;

static void *verify_in_thread(void *arg)
{
	thread_job_t *job = arg;
	if (verify_wire(&RFC8080_ED25519, job->wire, &job->valid) != ZG_EOK) {
		job->valid = false;
	}
	return NULL;
}

static void concurrent_first_verifications_from_four_threads_all_succeed(void **state)
{
	(void)state;
	wire_t w = { 0 };
	decode_vector(&RFC8080_ED25519, &w);
	pthread_t threads[N_THREADS];
	thread_job_t jobs[N_THREADS];

	for (size_t i = 0; i < N_THREADS; i++) {
		jobs[i] = (thread_job_t){ .wire = &w, .valid = false };
		assert_int_equal(pthread_create(&threads[i], NULL, verify_in_thread, &jobs[i]), 0);
	}
	for (size_t i = 0; i < N_THREADS; i++) {
		assert_int_equal(pthread_join(threads[i], NULL), 0);
	}
	for (size_t i = 0; i < N_THREADS; i++) {
		assert_true(jobs[i].valid);
	}
}

static void backend_is_named_libdnssec(void **state)
{
	(void)state;
	const zg_crypto_backend_t *be = zg_crypto_libdnssec();
	assert_non_null(be);
	assert_string_equal(be->name, "libdnssec");
	assert_non_null(be->verify);
}

static void rfc6605_p256_example_verifies_as_valid(void **state)
{
	(void)state;
	assert_vector_valid(&RFC6605_P256);
}

static void rfc8080_ed25519_example_1_verifies_as_valid(void **state)
{
	(void)state;
	assert_vector_valid(&RFC8080_ED25519);
}

static void rfc5702_rsasha256_example_verifies_as_valid(void **state)
{
	(void)state;
	assert_vector_valid(&RFC5702_RSASHA256);
}

static void p256_signature_with_a_flipped_bit_is_invalid(void **state)
{
	(void)state;
	assert_flipped_bit_invalid(&RFC6605_P256);
}

static void ed25519_signature_with_a_flipped_bit_is_invalid(void **state)
{
	(void)state;
	assert_flipped_bit_invalid(&RFC8080_ED25519);
}

static void rsasha256_signature_with_a_flipped_bit_is_invalid(void **state)
{
	(void)state;
	assert_flipped_bit_invalid(&RFC5702_RSASHA256);
}

static void p256_signature_over_changed_data_is_invalid(void **state)
{
	(void)state;
	wire_t w = { 0 };
	decode_vector(&RFC6605_P256, &w);
	uint8_t data[sizeof(RFC6605_SIGNED)];
	memcpy(data, RFC6605_SIGNED, sizeof(data));
	data[sizeof(data) - 1] ^= 0x01; /* 192.0.2.0 instead of 192.0.2.1 */

	const zg_crypto_backend_t *be = zg_crypto_libdnssec();
	bool valid = true;
	assert_int_equal(be->verify(w.rdata, w.rdlen, data, sizeof(data), w.sig, w.siglen, &valid),
	                 ZG_EOK);
	assert_false(valid);
}

static void p256_signature_of_wrong_length_is_invalid_not_an_error(void **state)
{
	(void)state;
	wire_t w = { 0 };
	decode_vector(&RFC6605_P256, &w);
	w.siglen--; /* libdnssec reports a bad r||s length as an invalid signature */

	bool valid = true;
	assert_int_equal(verify_wire(&RFC6605_P256, &w, &valid), ZG_EOK);
	assert_false(valid);
}

static void algorithm_99_key_is_refused_as_unsupported(void **state)
{
	(void)state;
	wire_t w = { 0 };
	decode_vector(&RFC6605_P256, &w);
	w.rdata[3] = 99;

	bool valid = true;
	assert_int_equal(verify_wire(&RFC6605_P256, &w, &valid), ZG_EALGO);
	assert_false(valid);
}

static void p256_key_of_wrong_length_is_refused_as_malformed(void **state)
{
	(void)state;
	wire_t w = { 0 };
	decode_vector(&RFC6605_P256, &w);
	w.rdlen--;

	bool valid = true;
	assert_int_equal(verify_wire(&RFC6605_P256, &w, &valid), ZG_EKEY);
	assert_false(valid);
}

static void dnskey_rdata_shorter_than_its_header_is_refused_as_malformed(void **state)
{
	(void)state;
	wire_t w = { 0 };
	decode_vector(&RFC6605_P256, &w);
	w.rdlen = ZG_DNSKEY_MIN_RDLEN - 1;

	bool valid = true;
	assert_int_equal(verify_wire(&RFC6605_P256, &w, &valid), ZG_EKEY);
	assert_false(valid);
}

static void null_arguments_are_refused_as_invalid(void **state)
{
	(void)state;
	wire_t w = { 0 };
	decode_vector(&RFC6605_P256, &w);
	const zg_crypto_backend_t *be = zg_crypto_libdnssec();
	bool valid = false;

	assert_int_equal(be->verify(NULL, w.rdlen, RFC6605_SIGNED, sizeof(RFC6605_SIGNED), w.sig,
	                            w.siglen, &valid),
	                 ZG_EINVAL);
	assert_int_equal(be->verify(w.rdata, w.rdlen, NULL, 0, w.sig, w.siglen, &valid), ZG_EINVAL);
	assert_int_equal(
	    be->verify(w.rdata, w.rdlen, RFC6605_SIGNED, sizeof(RFC6605_SIGNED), NULL, 0, &valid),
	    ZG_EINVAL);
	assert_int_equal(be->verify(w.rdata, w.rdlen, RFC6605_SIGNED, sizeof(RFC6605_SIGNED), w.sig,
	                            w.siglen, NULL),
	                 ZG_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* first, so that the threads race for the one-time crypto init */
		cmocka_unit_test(concurrent_first_verifications_from_four_threads_all_succeed),
		cmocka_unit_test(backend_is_named_libdnssec),
		cmocka_unit_test(rfc6605_p256_example_verifies_as_valid),
		cmocka_unit_test(rfc8080_ed25519_example_1_verifies_as_valid),
		cmocka_unit_test(rfc5702_rsasha256_example_verifies_as_valid),
		cmocka_unit_test(p256_signature_with_a_flipped_bit_is_invalid),
		cmocka_unit_test(ed25519_signature_with_a_flipped_bit_is_invalid),
		cmocka_unit_test(rsasha256_signature_with_a_flipped_bit_is_invalid),
		cmocka_unit_test(p256_signature_over_changed_data_is_invalid),
		cmocka_unit_test(p256_signature_of_wrong_length_is_invalid_not_an_error),
		cmocka_unit_test(algorithm_99_key_is_refused_as_unsupported),
		cmocka_unit_test(p256_key_of_wrong_length_is_refused_as_malformed),
		cmocka_unit_test(dnskey_rdata_shorter_than_its_header_is_refused_as_malformed),
		cmocka_unit_test(null_arguments_are_refused_as_invalid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
