/* test_crypto.c -- DNSKEY parsing, verification, key tags and DS digests against RFC vectors. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "verifier/crypto.h"

#define BUF_MAX 1024
#define VALID   1 /* verdict(): the check ran, signature valid */
#define BOGUS   0 /* verdict(): the check ran, signature invalid; errors are negative */

/* clang-format off */
/* Wire-format names (RFC 1035 3.1), lowercase as in canonical form (RFC 4034 6.2). */
#define W_EXAMPLE 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65 /* "example" */
#define W_EXAMPLE_NET W_EXAMPLE, 0x03, 0x6e, 0x65, 0x74, 0x00   /* example.net. */
#define W_EXAMPLE_COM W_EXAMPLE, 0x03, 0x63, 0x6f, 0x6d, 0x00   /* example.com. */
#define W_WWW_EXAMPLE_NET 0x03, 0x77, 0x77, 0x77, W_EXAMPLE_NET /* www.example.net. */
#define TTL_3600 0x00, 0x00, 0x0e, 0x10
#define CLASS_IN 0x00, 0x01

/* RFC 6605 6.1 signed data (RFC 4034 3.1.8.1): RRSIG RDATA minus signature, then the RRset. */
static const uint8_t P256_DATA[] = {
	0x00, 0x01, 0x0d, 0x03, TTL_3600, /* A, alg 13, 3 labels, original TTL */
	0x4c, 0x88, 0xb1, 0x37,           /* expiration 20100909100439 */
	0x4c, 0x63, 0xc7, 0x37,           /* inception 20100812100439 */
	0xd9, 0x60, W_EXAMPLE_NET,        /* key tag 55648, signer */
	W_WWW_EXAMPLE_NET, 0x00, 0x01, CLASS_IN, TTL_3600, 0x00, 0x04, 0xc0, 0x00, 0x02, 0x01,
};

/* RFC 6605 6.2 signed data: www.example.net. A 192.0.2.1, key 10771. */
static const uint8_t P384_DATA[] = {
	0x00, 0x01, 0x0e, 0x03, TTL_3600, /* A, alg 14, 3 labels, original TTL */
	0x4c, 0x88, 0xb4, 0xe9,           /* expiration 20100909102025 */
	0x4c, 0x63, 0xca, 0xe9,           /* inception 20100812102025 */
	0x2a, 0x13, W_EXAMPLE_NET,        /* key tag 10771, signer */
	W_WWW_EXAMPLE_NET, 0x00, 0x01, CLASS_IN, TTL_3600, 0x00, 0x04, 0xc0, 0x00, 0x02, 0x01,
};

/* RFC 5702 6.1 signed data: www.example.net. A 192.0.2.91, key 9033. */
static const uint8_t RSA_DATA[] = {
	0x00, 0x01, 0x08, 0x03, TTL_3600, /* A, alg 8, 3 labels, original TTL */
	0x70, 0xdb, 0xd8, 0x80,           /* expiration 20300101000000 */
	0x38, 0x6d, 0x43, 0x80,           /* inception 20000101000000 */
	0x23, 0x49, W_EXAMPLE_NET,        /* key tag 9033, signer */
	W_WWW_EXAMPLE_NET, 0x00, 0x01, CLASS_IN, TTL_3600, 0x00, 0x04, 0xc0, 0x00, 0x02, 0x5b,
};

/* RFC 8080 6.1 (erratum 4935) signed data: example.com. MX 10 mail.example.com. */
#define ED25519_DATA(tag_hi, tag_lo) { \
	0x00, 0x0f, 0x0f, 0x02, TTL_3600, /* MX, alg 15, 2 labels, original TTL */ \
	0x55, 0xd4, 0xfc, 0x60,           /* expiration 1440021600 */ \
	0x55, 0xb9, 0x4c, 0xe0,           /* inception 1438207200 */ \
	tag_hi, tag_lo, W_EXAMPLE_COM,    /* key tag, signer */ \
	W_EXAMPLE_COM, 0x00, 0x0f, CLASS_IN, TTL_3600, 0x00, 0x14, /* rdlength 20 */ \
	0x00, 0x0a, 0x04, 0x6d, 0x61, 0x69, 0x6c, W_EXAMPLE_COM,   /* 10 mail.example.com. */ \
}
static const uint8_t ED1_DATA[] = ED25519_DATA(0x0e, 0x1d); /* key tag 3613 */
static const uint8_t ED2_DATA[] = ED25519_DATA(0x89, 0x91); /* key tag 35217 */

typedef struct {
	uint8_t alg;
	uint16_t flags;
	uint16_t tag;
	unsigned bits;   /* zg_pubkey_bits() */
	const char *key; /* base64, as published */
	const char *sig; /* base64, as published */
	const uint8_t *data;
	size_t datalen;
	uint8_t ds_type; /* DS from the matching shared/vectors .ds file, 0: none */
	const char *ds;
} vector_t;

static const vector_t VECTORS[] = {
	{ 13, 257, 55648, 256, /* RFC 6605 6.1 */
	"GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA==",
	"qx6wLYqmh+l9oCKTN6qIc+bw6ya+KJ8oMz0YP107epXAyGmt+3SNruPFKG7tZoLBLlUzGGus7ZwmwWep666VCw==",
	P256_DATA, sizeof(P256_DATA),
	2, "b4c8c1fe2e7477127b27115656ad6256f424625bf5c1e2770ce6d6e37df61d17" },
	{ 14, 257, 10771, 384, /* RFC 6605 6.2 */
	"xKYaNhWdGOfJ+nPrL8/arkwf2EY3MDJ+SErKivBVSum1w/egsXvSADtNJhyem5RCOpgQ6K8X1DRSEkrbYQ+OB+v8"
	"/uX45NBwY8rp65F6Glur8I/mlVNgF6W/qTI37m40",
	"/L5hDKIvGDyI1fcARX3z65qrmPsVz73QD1Mr5CEqOiLP95hxQouuroGCeZOvzFaxsT8Glr74hbavRKayJNuydCuz"
	"WTSSPdz7wnqXL5bdcJzusdnI0RSMROxxwGipWcJm",
	P384_DATA, sizeof(P384_DATA),
	4, "72d7b62976ce06438e9c0bf319013cf801f09ecc84b8d7e9"
	   "495f27e305c6a9b0563a9b5f4d288405c3008a946df983d6" },
	{ 15, 257, 3613, 256, /* RFC 8080 6.1 example 1 */
	"l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=",
	"oL9krJun7xfBOIWcGHi7mag5/hdZrKWw15jPGrHpjQeRAvTdszaPD+QLs3fx8A4M3e23mRZ9VrbpMngwcrqNAg==",
	ED1_DATA, sizeof(ED1_DATA),
	2, "3aa5ab37efce57f737fc1627013fee07bdf241bd10f3b1964ab55c78e79a304b" },
	{ 15, 257, 35217, 256, /* RFC 8080 6.1 example 2 */
	"zPnZ/QwEe7S8C5SPz2OfS5RR40ATk2/rYnE9xHIEijs=",
	"zXQ0bkYgQTEFyfLyi9QoiY6D8ZdYo4wyUhVioYZXFdT410QPRITQSqJSnzQoSm5poJ7gD7AQR0O7KuI5k2pcBg==",
	ED2_DATA, sizeof(ED2_DATA),
	2, "401781b934e392de492ec77ae2e15d70f6575a1c0bc59c5275c04ebe80c6614c" },
	{ 8, 256, 9033, 512, /* RFC 5702 6.1, 512-bit key */
	"AwEAAcFcGsaxxdgiuuGmCkVImy4h99CqT7jwY3pexPGcnUFtR2Fh36BponcwtkZ4cAgt"
	"vd4Qs8PkxUdp6p/DlUmObdk=",
	"kRCOH6u7l0QGy9qpC9l1sLncJcOKFLJ7GhiUOibu4teYp5VE9RncriShZNz85mwlMgNEacFYK/lPtPiVYP4bwg==",
	RSA_DATA, sizeof(RSA_DATA), 0, NULL },
};

/* RFC 4034 5.4: dskey.example.com. 86400 IN DNSKEY 256 3 5, key tag 60485. */
static const char *RFC4034_KEY =
	"AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMz"
	"NXxeYCmZDRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJ"
	"BjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw==";
static const uint8_t RFC4034_OWNER[] = { 0x05, 0x64, 0x73, 0x6b, 0x65, 0x79, W_EXAMPLE_COM };
/* DS 60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118 */
static const uint8_t RFC4034_DS_SHA1[] = {
	0x2b, 0xb1, 0x83, 0xaf, 0x5f, 0x22, 0x58, 0x81, 0x79, 0xa5,
	0x3b, 0x0a, 0x98, 0x63, 0x1f, 0xad, 0x1a, 0x29, 0x21, 0x18,
};
/* clang-format on */
#define NVECTORS (sizeof(VECTORS) / sizeof(VECTORS[0]))

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

/* DNSKEY RDATA (RFC 4034 2.1): flags, protocol 3, algorithm, public key. */
static size_t dnskey_rdata(uint16_t flags, uint8_t alg, const char *key, uint8_t *out)
{
	out[0] = (uint8_t)(flags >> 8);
	out[1] = (uint8_t)flags;
	out[2] = 3;
	out[3] = alg;
	return 4 + b64(key, out + 4, BUF_MAX - 4);
}

static zg_pubkey_t *vector_key(const vector_t *v)
{
	uint8_t key[BUF_MAX];
	size_t keylen = b64(v->key, key, sizeof(key));
	zg_pubkey_t *pk = NULL;
	assert_int_equal(zg_pubkey_new(v->alg, key, keylen, &pk), ZG_EOK);
	assert_int_equal(zg_pubkey_bits(pk), v->bits);
	return pk;
}

/* VALID, BOGUS or the error of one zg_pubkey_verify(); errors must come with *valid false. */
static int verdict(const zg_pubkey_t *pk, const uint8_t *data, size_t len, const uint8_t *sig,
                   size_t siglen)
{
	bool valid = true;
	zg_err_t ret = zg_pubkey_verify(pk, data, len, sig, siglen, &valid);
	assert_int_equal(ERR_peek_error(), 0); /* failures must not leak into the error queue */
	if (ret != ZG_EOK) {
		assert_false(valid);
		return ret;
	}
	return valid ? VALID : BOGUS;
}

typedef enum { AS_PUBLISHED, FLIP_SIG, FLIP_DATA } change_t;

/* Verdict on vector v as published, or with one bit of the signature or of the RRset flipped. */
static int vector_verdict(const vector_t *v, change_t change)
{
	uint8_t sig[BUF_MAX];
	uint8_t data[BUF_MAX];
	size_t siglen = b64(v->sig, sig, sizeof(sig));
	memcpy(data, v->data, v->datalen);
	if (change == FLIP_SIG) {
		sig[siglen / 2] ^= 0x01;
	}
	if (change == FLIP_DATA) {
		data[v->datalen - 1] ^= 0x80; /* last octet of the RDATA */
	}
	zg_pubkey_t *pk = vector_key(v);
	int ret = verdict(pk, data, v->datalen, sig, siglen);
	zg_pubkey_free(pk);
	return ret;
}

static void ecdsa_p256_rfc6605_6_1_signature_verifies(void **state)
{
	(void)state;
	assert_int_equal(vector_verdict(&VECTORS[0], AS_PUBLISHED), VALID);
}

static void ecdsa_p384_rfc6605_6_2_signature_verifies(void **state)
{
	(void)state;
	assert_int_equal(vector_verdict(&VECTORS[1], AS_PUBLISHED), VALID);
}

static void ed25519_rfc8080_6_1_example_1_verifies(void **state)
{
	(void)state;
	assert_int_equal(vector_verdict(&VECTORS[2], AS_PUBLISHED), VALID);
}

static void ed25519_rfc8080_6_1_example_2_verifies(void **state)
{
	(void)state;
	assert_int_equal(vector_verdict(&VECTORS[3], AS_PUBLISHED), VALID);
}

static void rsasha256_rfc5702_6_1_with_512_bit_key_verifies(void **state)
{
	(void)state;
	assert_int_equal(vector_verdict(&VECTORS[4], AS_PUBLISHED), VALID);
}

static void a_flipped_signature_bit_makes_every_vector_bogus(void **state)
{
	(void)state;
	for (size_t i = 0; i < NVECTORS; i++) {
		assert_int_equal(vector_verdict(&VECTORS[i], FLIP_SIG), BOGUS);
	}
}

static void a_changed_rrset_makes_every_vector_bogus(void **state)
{
	(void)state;
	for (size_t i = 0; i < NVECTORS; i++) {
		assert_int_equal(vector_verdict(&VECTORS[i], FLIP_DATA), BOGUS);
	}
}

static void key_tags_of_vector_keys_equal_their_rrsig_key_tags(void **state)
{
	(void)state;
	uint8_t rdata[BUF_MAX];
	for (size_t i = 0; i < NVECTORS; i++) {
		const vector_t *v = &VECTORS[i];
		size_t rdlen = dnskey_rdata(v->flags, v->alg, v->key, rdata);
		uint16_t tag = 0;
		assert_int_equal(zg_keytag(rdata, rdlen, &tag), ZG_EOK);
		assert_int_equal(tag, v->tag);
	}
}

static void ds_digest_of_rfc4034_5_4_example_matches(void **state)
{
	(void)state;
	uint8_t rdata[BUF_MAX];
	size_t rdlen = dnskey_rdata(256, 5, RFC4034_KEY, rdata);
	uint16_t tag = 0;
	assert_int_equal(zg_keytag(rdata, rdlen, &tag), ZG_EOK);
	assert_int_equal(tag, 60485);

	uint8_t digest[48];
	size_t dlen = 0;
	const uint8_t *owner = RFC4034_OWNER;
	assert_int_equal(zg_ds_digest(1, owner, sizeof(RFC4034_OWNER), rdata, rdlen, digest, &dlen),
	                 ZG_EOK);
	assert_int_equal(dlen, sizeof(RFC4034_DS_SHA1));
	assert_memory_equal(digest, RFC4034_DS_SHA1, sizeof(RFC4034_DS_SHA1));
}

/* Lowercase hex of the DS digest of vector v, as in the .ds files. */
static void vector_ds_hex(const vector_t *v, char *hex, size_t hexmax)
{
	static const uint8_t net[] = { W_EXAMPLE_NET };
	static const uint8_t com[] = { W_EXAMPLE_COM };
	bool is_com = v->alg == 15;
	const uint8_t *owner = is_com ? com : net;
	size_t ownerlen = is_com ? sizeof(com) : sizeof(net);
	uint8_t rdata[BUF_MAX];
	size_t rdlen = dnskey_rdata(v->flags, v->alg, v->key, rdata);
	uint8_t digest[48];
	size_t dlen = 0;
	assert_int_equal(zg_ds_digest(v->ds_type, owner, ownerlen, rdata, rdlen, digest, &dlen),
	                 ZG_EOK);
	assert_true(2 * dlen < hexmax);
	for (size_t i = 0; i < dlen; i++) {
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	}
}

static void ds_digests_of_vector_keys_match_the_published_ds(void **state)
{
	(void)state;
	char hex[100];
	for (size_t i = 0; i < NVECTORS; i++) {
		if (VECTORS[i].ds_type != 0) {
			vector_ds_hex(&VECTORS[i], hex, sizeof(hex));
			assert_string_equal(hex, VECTORS[i].ds);
		}
	}
}

static void ds_digest_of_unknown_type_is_unsupported(void **state)
{
	(void)state;
	const uint8_t owner[] = { 0x00 };
	const uint8_t rdata[] = { 0x01, 0x01, 0x03, 0x0d, 0x00 };
	uint8_t digest[48];
	size_t dlen = 0;
	assert_int_equal(zg_ds_digest(3, owner, 1, rdata, sizeof(rdata), digest, &dlen), ZG_EALGO);
	assert_int_equal(zg_ds_digest(0, owner, 1, rdata, sizeof(rdata), digest, &dlen), ZG_EALGO);
}

static zg_err_t key_err(uint8_t alg, const uint8_t *key, size_t keylen)
{
	zg_pubkey_t *pk = NULL;
	zg_err_t ret = zg_pubkey_new(alg, key, keylen, &pk);
	zg_pubkey_free(pk);
	assert_int_equal(ERR_peek_error(), 0);
	return ret;
}

/* RFC 3110 key: 1-byte exponent length, exponent, modulus of modlen bytes 0xff led by top. */
static size_t rsa_key(uint8_t *out, uint8_t exp, size_t modlen, uint8_t top)
{
	out[0] = 1;
	out[1] = exp;
	memset(out + 2, 0xff, modlen);
	out[2] = top;
	return 2 + modlen;
}

static void rsa_keys_with_sane_exponent_and_size_are_accepted(void **state)
{
	(void)state;
	uint8_t key[600];
	zg_pubkey_t *pk = NULL;
	assert_int_equal(zg_pubkey_new(8, key, rsa_key(key, 3, 64, 0xff), &pk), ZG_EOK);
	assert_int_equal(zg_pubkey_bits(pk), 512);
	zg_pubkey_free(pk);
	assert_int_equal(key_err(10, key, rsa_key(key, 3, 512, 0xff)), ZG_EOK);   /* 4096 bits */
	assert_int_equal(key_err(5, key, rsa_key(key, 3, 65, 0x00)), ZG_EOK);     /* leading 0 */
	const uint8_t longform[] = { 0x00, 0x00, 0x01, 0x03, [4 ... 67] = 0xff }; /* RFC 3110 2 */
	assert_int_equal(key_err(7, longform, sizeof(longform)), ZG_EOK);
}

static void rsa_key_with_empty_even_or_unit_exponent_is_rejected(void **state)
{
	(void)state;
	const uint8_t longform[] = { 0x00, 0x00, 0x00, [3 ... 66] = 0xff }; /* empty exponent */
	assert_int_equal(key_err(8, longform, sizeof(longform)), ZG_EKEY);
	assert_int_equal(key_err(8, longform, 2), ZG_EKEY);
	assert_int_equal(key_err(8, longform, 0), ZG_EKEY);
	uint8_t key[600];
	assert_int_equal(key_err(8, key, rsa_key(key, 4, 64, 0xff)), ZG_EKEY);
	assert_int_equal(key_err(8, key, rsa_key(key, 1, 64, 0xff)), ZG_EKEY);
}

static void truncated_rsa_key_is_rejected(void **state)
{
	(void)state;
	/* exponent runs past the data; exponent uses every byte; 2-byte length cut off */
	assert_int_equal(key_err(8, (const uint8_t[]){ 0x03, 0x01, 0x00 }, 3), ZG_EKEY);
	assert_int_equal(key_err(8, (const uint8_t[]){ 0x02, 0x01, 0x01 }, 3), ZG_EKEY);
	assert_int_equal(key_err(8, (const uint8_t[]){ 0x00, 0x01 }, 2), ZG_EKEY);
}

static void rsa_modulus_outside_512_to_4096_bits_is_rejected(void **state)
{
	(void)state;
	uint8_t key[600];
	assert_int_equal(key_err(8, key, rsa_key(key, 3, 64, 0x7f)), ZG_EKEY);  /* 511 bits */
	assert_int_equal(key_err(8, key, rsa_key(key, 3, 513, 0x01)), ZG_EKEY); /* 4097 bits */
}

static void ec_point_not_on_curve_is_rejected(void **state)
{
	(void)state;
	uint8_t key[BUF_MAX];
	for (size_t i = 0; i < 2; i++) { /* the P-256 and P-384 vectors */
		size_t keylen = b64(VECTORS[i].key, key, sizeof(key));
		key[keylen - 1] ^= 0x01;
		assert_int_equal(key_err(VECTORS[i].alg, key, keylen), ZG_EKEY);
		memset(key, 0, keylen); /* (0, 0) is on neither curve */
		assert_int_equal(key_err(VECTORS[i].alg, key, keylen), ZG_EKEY);
	}
}

static void keys_of_wrong_length_are_rejected(void **state)
{
	(void)state;
	uint8_t key[BUF_MAX];
	size_t keylen = b64(VECTORS[0].key, key, sizeof(key));
	assert_int_equal(key_err(13, key, keylen - 1), ZG_EKEY);
	assert_int_equal(key_err(14, key, keylen), ZG_EKEY);
	keylen = b64(VECTORS[2].key, key, sizeof(key));
	assert_int_equal(key_err(15, key, keylen - 1), ZG_EKEY);
	assert_int_equal(key_err(15, key, keylen + 1), ZG_EKEY);
	assert_int_equal(key_err(16, key, 56), ZG_EKEY);
}

static void unknown_algorithm_99_is_unsupported(void **state)
{
	(void)state;
	const uint8_t key[32] = { 0 };
	assert_int_equal(key_err(99, key, sizeof(key)), ZG_EALGO);
	assert_int_equal(key_err(1, key, sizeof(key)), ZG_EALGO);
	assert_false(zg_crypto_alg_supported(99));
	assert_false(zg_crypto_alg_supported(3));
	const uint8_t supported[] = { 5, 7, 8, 10, 13, 14, 15, 16 };
	for (size_t i = 0; i < sizeof(supported); i++) {
		assert_true(zg_crypto_alg_supported(supported[i]));
	}
}

/* Verdict on vector i with its signature cut or zero-padded to siglen bytes. */
static int verdict_len(size_t i, size_t siglen)
{
	uint8_t sig[BUF_MAX] = { 0 };
	b64(VECTORS[i].sig, sig, sizeof(sig));
	zg_pubkey_t *pk = vector_key(&VECTORS[i]);
	int ret = verdict(pk, VECTORS[i].data, VECTORS[i].datalen, sig, siglen);
	zg_pubkey_free(pk);
	return ret;
}

static void signatures_of_impossible_length_are_malformed(void **state)
{
	(void)state;
	assert_int_equal(verdict_len(0, 63), ZG_EMALF); /* P-256 */
	assert_int_equal(verdict_len(1, 97), ZG_EMALF); /* P-384 */
	assert_int_equal(verdict_len(2, 65), ZG_EMALF); /* Ed25519 */
	assert_int_equal(verdict_len(2, 0), ZG_EMALF);
}

static void wrong_rsa_length_and_zero_ecdsa_r_are_bogus_not_errors(void **state)
{
	(void)state;
	assert_int_equal(verdict_len(4, 63), BOGUS); /* RSA: shorter than the modulus */
	assert_int_equal(verdict_len(4, 65), BOGUS);
	uint8_t sig[64] = { [63] = 1 }; /* r = 0, s = 1 */
	zg_pubkey_t *pk = vector_key(&VECTORS[0]);
	assert_int_equal(verdict(pk, P256_DATA, sizeof(P256_DATA), sig, sizeof(sig)), BOGUS);
	zg_pubkey_free(pk);
}

static void public_functions_refuse_null_or_short_arguments(void **state)
{
	(void)state;
	zg_pubkey_t *pk = vector_key(&VECTORS[0]);
	uint8_t sig[64] = { 0 };
	bool valid = true;
	uint16_t tag = 0;
	assert_int_equal(zg_pubkey_new(13, NULL, 64, &pk), ZG_EINVAL);
	assert_int_equal(zg_pubkey_new(13, sig, 64, NULL), ZG_EINVAL);
	assert_int_equal(zg_pubkey_verify(NULL, sig, 1, sig, 64, &valid), ZG_EINVAL);
	assert_int_equal(zg_pubkey_verify(pk, NULL, 1, sig, 64, &valid), ZG_EINVAL);
	assert_int_equal(zg_pubkey_verify(pk, sig, 1, NULL, 64, &valid), ZG_EINVAL);
	assert_int_equal(zg_pubkey_verify(pk, sig, 1, sig, 64, NULL), ZG_EINVAL);
	assert_int_equal(zg_keytag(NULL, 4, NULL), ZG_EINVAL);
	assert_int_equal(zg_keytag(sig, 3, &tag), ZG_EMALF); /* RDATA < 4 bytes */
	assert_int_equal(zg_pubkey_bits(NULL), 0);
	assert_int_equal(zg_ds_digest(2, NULL, 1, sig, 4, sig, NULL), ZG_EINVAL);
	zg_pubkey_free(pk);
	zg_pubkey_free(NULL);
}

/* DNSKEY public key field of a generated RSA (RFC 3110 2) or EdDSA (RFC 8080 3) key. */
static size_t generated_dnskey(EVP_PKEY *pkey, bool rsa, uint8_t *out)
{
	size_t len = BUF_MAX;
	if (!rsa) {
		assert_int_equal(EVP_PKEY_get_raw_public_key(pkey, out, &len), 1);
		return len;
	}
	BIGNUM *n = NULL;
	BIGNUM *e = NULL;
	assert_int_equal(EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n), 1);
	assert_int_equal(EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e), 1);
	out[0] = (uint8_t)BN_bn2bin(e, out + 1);
	len = 1 + out[0] + (size_t)BN_bn2bin(n, out + 1 + out[0]);
	BN_free(n);
	BN_free(e);
	return len;
}

/* Sign data with a new key of type (RSA: 1024 bits) and digest md; *siglen in, out. */
static EVP_PKEY *generate_and_sign(const char *type, const char *md, const uint8_t *data,
                                   size_t len, uint8_t *sig, size_t *siglen)
{
	EVP_PKEY *pkey = md != NULL ? EVP_PKEY_Q_keygen(NULL, NULL, type, (size_t)1024)
	                            : EVP_PKEY_Q_keygen(NULL, NULL, type);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	assert_non_null(pkey);
	assert_non_null(ctx);
	assert_int_equal(EVP_DigestSignInit_ex(ctx, NULL, md, NULL, NULL, pkey, NULL), 1);
	assert_int_equal(EVP_DigestSign(ctx, sig, siglen, data, len), 1);
	EVP_MD_CTX_free(ctx);
	return pkey;
}

static void generated_keys_of_algorithms_without_vectors_verify(void **state)
{
	(void)state;
	static const uint8_t algs[] = { 5, 7, 10, 16 };
	static const char *mds[] = { "SHA1", "SHA1", "SHA512", NULL };
	uint8_t data[100], key[BUF_MAX], sig[BUF_MAX];
	memset(data, 0x5a, sizeof(data));
	for (size_t i = 0; i < sizeof(algs); i++) {
		size_t siglen = sizeof(sig);
		const char *type = mds[i] != NULL ? "RSA" : "ED448";
		EVP_PKEY *pkey = generate_and_sign(type, mds[i], data, sizeof(data), sig, &siglen);
		size_t keylen = generated_dnskey(pkey, mds[i] != NULL, key);
		zg_pubkey_t *pk = NULL;
		assert_int_equal(zg_pubkey_new(algs[i], key, keylen, &pk), ZG_EOK);
		assert_int_equal(verdict(pk, data, sizeof(data), sig, siglen), VALID);
		sig[0] ^= 0x80;
		assert_int_equal(verdict(pk, data, sizeof(data), sig, siglen), BOGUS);
		zg_pubkey_free(pk);
		EVP_PKEY_free(pkey);
	}
}

typedef struct {
	const zg_pubkey_t *key;
	const uint8_t *data;
	size_t len;
	const uint8_t *sig;
	size_t siglen;
	unsigned wrong; /* verdicts that differ from the expected one */
} worker_t;

/* Alternate good and bad signatures over one shared key; cmocka asserts stay in main. */
static void *verify_worker(void *arg)
{
	worker_t *w = arg;
	uint8_t bad[BUF_MAX];
	memcpy(bad, w->sig, w->siglen);
	bad[0] ^= 0x01;
	for (unsigned i = 0; i < 200; i++) {
		bool good = (i & 1) == 0;
		bool valid = !good;
		const uint8_t *sig = good ? w->sig : bad;
		zg_err_t ret = zg_pubkey_verify(w->key, w->data, w->len, sig, w->siglen, &valid);
		w->wrong += (ret != ZG_EOK || valid != good);
	}
	return NULL;
}

static void one_key_verifies_correctly_from_several_threads(void **state)
{
	(void)state;
	for (size_t i = 0; i < NVECTORS; i++) {
		uint8_t sig[BUF_MAX];
		size_t siglen = b64(VECTORS[i].sig, sig, sizeof(sig));
		const vector_t *v = &VECTORS[i];
		worker_t init = { vector_key(v), v->data, v->datalen, sig, siglen, 0 };
		pthread_t tid[4];
		worker_t w[4];
		for (size_t t = 0; t < 4; t++) {
			w[t] = init;
			assert_int_equal(pthread_create(&tid[t], NULL, verify_worker, &w[t]), 0);
		}
		for (size_t t = 0; t < 4; t++) {
			assert_int_equal(pthread_join(tid[t], NULL), 0);
			assert_int_equal(w[t].wrong, 0);
		}
		zg_pubkey_free((zg_pubkey_t *)init.key);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ecdsa_p256_rfc6605_6_1_signature_verifies),
		cmocka_unit_test(ecdsa_p384_rfc6605_6_2_signature_verifies),
		cmocka_unit_test(ed25519_rfc8080_6_1_example_1_verifies),
		cmocka_unit_test(ed25519_rfc8080_6_1_example_2_verifies),
		cmocka_unit_test(rsasha256_rfc5702_6_1_with_512_bit_key_verifies),
		cmocka_unit_test(a_flipped_signature_bit_makes_every_vector_bogus),
		cmocka_unit_test(a_changed_rrset_makes_every_vector_bogus),
		cmocka_unit_test(key_tags_of_vector_keys_equal_their_rrsig_key_tags),
		cmocka_unit_test(ds_digest_of_rfc4034_5_4_example_matches),
		cmocka_unit_test(ds_digests_of_vector_keys_match_the_published_ds),
		cmocka_unit_test(ds_digest_of_unknown_type_is_unsupported),
		cmocka_unit_test(rsa_keys_with_sane_exponent_and_size_are_accepted),
		cmocka_unit_test(rsa_key_with_empty_even_or_unit_exponent_is_rejected),
		cmocka_unit_test(truncated_rsa_key_is_rejected),
		cmocka_unit_test(rsa_modulus_outside_512_to_4096_bits_is_rejected),
		cmocka_unit_test(ec_point_not_on_curve_is_rejected),
		cmocka_unit_test(keys_of_wrong_length_are_rejected),
		cmocka_unit_test(unknown_algorithm_99_is_unsupported),
		cmocka_unit_test(signatures_of_impossible_length_are_malformed),
		cmocka_unit_test(wrong_rsa_length_and_zero_ecdsa_r_are_bogus_not_errors),
		cmocka_unit_test(public_functions_refuse_null_or_short_arguments),
		cmocka_unit_test(generated_keys_of_algorithms_without_vectors_verify),
		cmocka_unit_test(one_key_verifies_correctly_from_several_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
