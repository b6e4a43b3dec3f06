/* test_ecdsa_recover.c -- ECDSA public key recovery: generated keys and RFC 6605 vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/rand.h>

#include "verifier/crypto.h"

#define ROUNDS 25 /* signatures per curve: both parities of R.y show up */

typedef struct {
	uint8_t alg;
	const char *group; /* OpenSSL group name */
	int nid;
	const char *md;
	size_t clen; /* octets per coordinate, per r and per s */
} curve_t;

static const curve_t P256 = { 13, "P-256", NID_X9_62_prime256v1, "SHA256", 32 };
static const curve_t P384 = { 14, "P-384", NID_secp384r1, "SHA384", 48 };

/* clang-format off */
#define W_EXAMPLE_NET 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x6e, 0x65, 0x74, 0x00
#define RR_WWW_A_192_0_2_1 /* www.example.net. 3600 IN A 192.0.2.1 */ \
	0x03, 0x77, 0x77, 0x77, W_EXAMPLE_NET, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, \
	0x00, 0x04, 0xc0, 0x00, 0x02, 0x01

/* RFC 6605 6.1 signed data (RFC 4034 3.1.8.1): RRSIG RDATA minus signature, then the RR. */
static const uint8_t P256_DATA[] = {
	0x00, 0x01, 0x0d, 0x03, 0x00, 0x00, 0x0e, 0x10, /* A, alg 13, 3 labels, TTL 3600 */
	0x4c, 0x88, 0xb1, 0x37, 0x4c, 0x63, 0xc7, 0x37, /* 20100909100439, 20100812100439 */
	0xd9, 0x60, W_EXAMPLE_NET, RR_WWW_A_192_0_2_1,  /* key tag 55648, signer, RR */
};

/* RFC 6605 6.2 signed data. */
static const uint8_t P384_DATA[] = {
	0x00, 0x01, 0x0e, 0x03, 0x00, 0x00, 0x0e, 0x10, /* A, alg 14, 3 labels, TTL 3600 */
	0x4c, 0x88, 0xb4, 0xe9, 0x4c, 0x63, 0xca, 0xe9, /* 20100909102025, 20100812102025 */
	0x2a, 0x13, W_EXAMPLE_NET, RR_WWW_A_192_0_2_1,  /* key tag 10771, signer, RR */
};

typedef struct {
	const curve_t *curve;
	uint16_t tag;
	const char *key; /* base64 DNSKEY public key, flags 257 */
	const char *sig; /* base64 RRSIG signature */
	const uint8_t *data;
	size_t datalen;
} vector_t;

static const vector_t RFC6605[] = {
	{ &P256, 55648, /* RFC 6605 6.1 */
	"GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA==",
	"qx6wLYqmh+l9oCKTN6qIc+bw6ya+KJ8oMz0YP107epXAyGmt+3SNruPFKG7tZoLBLlUzGGus7ZwmwWep666VCw==",
	P256_DATA, sizeof(P256_DATA) },
	{ &P384, 10771, /* RFC 6605 6.2 */
	"xKYaNhWdGOfJ+nPrL8/arkwf2EY3MDJ+SErKivBVSum1w/egsXvSADtNJhyem5RCOpgQ6K8X1DRSEkrbYQ+OB+v8"
	"/uX45NBwY8rp65F6Glur8I/mlVNgF6W/qTI37m40",
	"/L5hDKIvGDyI1fcARX3z65qrmPsVz73QD1Mr5CEqOiLP95hxQouuroGCeZOvzFaxsT8Glr74hbavRKayJNuydCuz"
	"WTSSPdz7wnqXL5bdcJzusdnI0RSMROxxwGipWcJm",
	P384_DATA, sizeof(P384_DATA) },
};
/* clang-format on */

/* EVP_DecodeBlock returns the length with padding counted as zero bytes: strip them. */
static size_t b64(const char *text, uint8_t *out, size_t outmax)
{
	size_t len = strlen(text);
	assert_int_equal(len % 4, 0);
	assert_true(len / 4 * 3 <= outmax);
	int n = EVP_DecodeBlock(out, (const unsigned char *)text, (int)len);
	assert_true(n >= 0);
	size_t pad = (len > 0 && text[len - 1] == '=') + (len > 1 && text[len - 2] == '=');
	return (size_t)n - pad;
}

/* Index of key (X || Y) among the candidates, or -1. */
static int candidate_index(uint8_t keys[4][ZG_ECDSA_MAX_PUB], size_t nkeys, const uint8_t *key,
                           size_t keylen)
{
	for (size_t i = 0; i < nkeys; i++) {
		if (memcmp(keys[i], key, keylen) == 0) {
			return (int)i;
		}
	}
	return -1;
}

/* Every candidate is a valid key for the signature: that is what recovery promises. */
static void assert_all_candidates_verify(const curve_t *c, uint8_t keys[4][ZG_ECDSA_MAX_PUB],
                                         size_t nkeys, const uint8_t *data, size_t len,
                                         const uint8_t *sig)
{
	assert_in_range(nkeys, 1, 4);
	for (size_t i = 0; i < nkeys; i++) {
		zg_pubkey_t *pk = NULL;
		bool valid = false;
		assert_int_equal(zg_pubkey_new(c->alg, keys[i], 2 * c->clen, &pk), ZG_EOK);
		assert_int_equal(zg_pubkey_verify(pk, data, len, sig, 2 * c->clen, &valid), ZG_EOK);
		assert_true(valid);
		zg_pubkey_free(pk);
	}
}

/* Sign data with pkey; RFC 6605 4 wire form r || s from OpenSSL's DER. */
static void sign_raw(const curve_t *c, EVP_PKEY *pkey, const uint8_t *data, size_t len,
                     uint8_t *sig)
{
	uint8_t der[128];
	size_t derlen = sizeof(der);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	assert_non_null(ctx);
	assert_int_equal(EVP_DigestSignInit_ex(ctx, NULL, c->md, NULL, NULL, pkey, NULL), 1);
	assert_int_equal(EVP_DigestSign(ctx, der, &derlen, data, len), 1);
	EVP_MD_CTX_free(ctx);

	const unsigned char *p = der;
	ECDSA_SIG *esig = d2i_ECDSA_SIG(NULL, &p, (long)derlen);
	assert_non_null(esig);
	const BIGNUM *r = ECDSA_SIG_get0_r(esig);
	const BIGNUM *s = ECDSA_SIG_get0_s(esig);
	assert_int_equal(BN_bn2binpad(r, sig, (int)c->clen), c->clen);
	assert_int_equal(BN_bn2binpad(s, sig + c->clen, (int)c->clen), c->clen);
	ECDSA_SIG_free(esig);
}

/* Public key of pkey as DNSKEY field X || Y (RFC 6605 4). */
static void public_xy(const curve_t *c, EVP_PKEY *pkey, uint8_t *xy)
{
	uint8_t point[1 + ZG_ECDSA_MAX_PUB];
	size_t len = 0;
	const char *format = OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT;
	assert_int_equal(EVP_PKEY_set_utf8_string_param(pkey, format, "uncompressed"), 1);
	assert_int_equal(EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, point,
	                                                 sizeof(point), &len),
	                 1);
	assert_int_equal(len, 1 + 2 * c->clen);
	assert_int_equal(point[0], 0x04);
	memcpy(xy, point + 1, 2 * c->clen);
}

/* Sign random data with fresh keys and find each key among the recovered candidates. */
static void recover_generated(const curve_t *c)
{
	for (int round = 0; round < ROUNDS; round++) {
		uint8_t data[64];
		uint8_t sig[ZG_ECDSA_MAX_PUB]; /* r || s is as long as X || Y */
		uint8_t xy[ZG_ECDSA_MAX_PUB];
		uint8_t keys[4][ZG_ECDSA_MAX_PUB];
		size_t nkeys = 0;
		size_t len = 2 * c->clen;
		EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", c->group);
		assert_non_null(pkey);
		assert_int_equal(RAND_bytes(data, sizeof(data)), 1);
		sign_raw(c, pkey, data, sizeof(data), sig);
		public_xy(c, pkey, xy);
		zg_err_t ret = zg_ecdsa_recover(c->alg, data, sizeof(data), sig, len, keys, &nkeys);
		assert_int_equal(ret, ZG_EOK);
		assert_true(candidate_index(keys, nkeys, xy, len) >= 0);
		assert_all_candidates_verify(c, keys, nkeys, data, sizeof(data), sig);
		EVP_PKEY_free(pkey);
	}
}

static void recovery_from_p256_signatures_finds_the_signing_key(void **state)
{
	(void)state;
	recover_generated(&P256);
}

static void recovery_from_p384_signatures_finds_the_signing_key(void **state)
{
	(void)state;
	recover_generated(&P384);
}

static void recovery_from_rfc6605_vectors_finds_the_published_key(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(RFC6605) / sizeof(RFC6605[0]); i++) {
		const vector_t *v = &RFC6605[i];
		uint8_t rdata[4 + ZG_ECDSA_MAX_PUB] = { 0x01, 0x01, 0x03, v->curve->alg }; /* 257 */
		uint8_t sig[2 * ZG_ECDSA_MAX_PUB];
		uint8_t keys[4][ZG_ECDSA_MAX_PUB];
		size_t nkeys = 0;
		size_t keylen = b64(v->key, rdata + 4, sizeof(rdata) - 4);
		size_t siglen = b64(v->sig, sig, sizeof(sig));
		zg_err_t ret =
		    zg_ecdsa_recover(v->curve->alg, v->data, v->datalen, sig, siglen, keys, &nkeys);
		assert_int_equal(ret, ZG_EOK);
		int found = candidate_index(keys, nkeys, rdata + 4, keylen);
		assert_true(found >= 0);
		assert_all_candidates_verify(v->curve, keys, nkeys, v->data, v->datalen, sig);

		/* the caller keeps the candidate whose DNSKEY key tag is the RRSIG's: just one */
		size_t matches = 0;
		for (size_t k = 0; k < nkeys; k++) {
			uint16_t tag = 0;
			memcpy(rdata + 4, keys[k], keylen);
			assert_int_equal(zg_keytag(rdata, 4 + keylen, &tag), ZG_EOK);
			matches += (tag == v->tag);
		}
		assert_int_equal(matches, 1);
	}
}

/* zg_ecdsa_recover() result for P-256 with the given r and s, each 32 bytes. */
static zg_err_t recover_rs(const uint8_t *r, const uint8_t *s)
{
	uint8_t sig[64];
	uint8_t keys[4][ZG_ECDSA_MAX_PUB];
	size_t nkeys = 99;
	memcpy(sig, r, 32);
	memcpy(sig + 32, s, 32);
	const uint8_t *data = P256_DATA;
	zg_err_t ret =
	    zg_ecdsa_recover(13, data, sizeof(P256_DATA), sig, sizeof(sig), keys, &nkeys);
	if (ret != ZG_EOK) {
		assert_int_equal(nkeys, 0);
	}
	return ret;
}

static void signature_with_r_or_s_zero_or_not_below_n_is_malformed(void **state)
{
	(void)state;
	uint8_t zero[32] = { 0 };
	uint8_t one[32] = { [31] = 1 };
	uint8_t ones[32];
	uint8_t n[32];
	memset(ones, 0xff, sizeof(ones));
	EC_GROUP *group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	assert_non_null(group);
	assert_int_equal(BN_bn2binpad(EC_GROUP_get0_order(group), n, sizeof(n)), sizeof(n));
	EC_GROUP_free(group);

	assert_int_equal(recover_rs(zero, one), ZG_EMALF);
	assert_int_equal(recover_rs(one, zero), ZG_EMALF);
	assert_int_equal(recover_rs(one, n), ZG_EMALF);
	assert_int_equal(recover_rs(one, ones), ZG_EMALF);
	assert_int_equal(recover_rs(n, one), ZG_EMALF);
	n[31] -= 1; /* n - 1 is in range */
	assert_int_equal(recover_rs(n, n), ZG_EOK);
}

static void non_ecdsa_algorithms_are_unsupported(void **state)
{
	(void)state;
	uint8_t sig[96] = { [31] = 1, [63] = 1 };
	uint8_t keys[4][ZG_ECDSA_MAX_PUB];
	size_t nkeys = 99;
	assert_int_equal(zg_ecdsa_recover(8, P256_DATA, sizeof(P256_DATA), sig, 64, keys, &nkeys),
	                 ZG_EALGO);
	assert_int_equal(nkeys, 0);
	assert_int_equal(zg_ecdsa_recover(15, P256_DATA, sizeof(P256_DATA), sig, 64, keys, &nkeys),
	                 ZG_EALGO);
}

static void signature_of_wrong_length_or_null_arguments_are_refused(void **state)
{
	(void)state;
	uint8_t sig[96] = { [31] = 1, [63] = 1 };
	uint8_t keys[4][ZG_ECDSA_MAX_PUB];
	size_t nkeys = 0;
	const uint8_t *d = P256_DATA;
	size_t len = sizeof(P256_DATA);
	assert_int_equal(zg_ecdsa_recover(13, d, len, sig, 63, keys, &nkeys), ZG_EMALF);
	assert_int_equal(zg_ecdsa_recover(13, d, len, sig, 96, keys, &nkeys), ZG_EMALF);
	assert_int_equal(zg_ecdsa_recover(14, d, len, sig, 64, keys, &nkeys), ZG_EMALF);
	assert_int_equal(zg_ecdsa_recover(13, NULL, len, sig, 64, keys, &nkeys), ZG_EINVAL);
	assert_int_equal(zg_ecdsa_recover(13, d, len, NULL, 64, keys, &nkeys), ZG_EINVAL);
	assert_int_equal(zg_ecdsa_recover(13, d, len, sig, 64, NULL, &nkeys), ZG_EINVAL);
	assert_int_equal(zg_ecdsa_recover(13, d, len, sig, 64, keys, NULL), ZG_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(recovery_from_p256_signatures_finds_the_signing_key),
		cmocka_unit_test(recovery_from_p384_signatures_finds_the_signing_key),
		cmocka_unit_test(recovery_from_rfc6605_vectors_finds_the_published_key),
		cmocka_unit_test(signature_with_r_or_s_zero_or_not_below_n_is_malformed),
		cmocka_unit_test(non_ecdsa_algorithms_are_unsupported),
		cmocka_unit_test(signature_of_wrong_length_or_null_arguments_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
