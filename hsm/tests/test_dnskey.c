/* test_dnskey.c -- DNSKEY fields from PKCS#11 attributes, spec redaction, the DNSKEY set loader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include "hsm/dnskey.h"
#include "hsm/hsm.h"
#include "hsm/keyset.h"

static const uint8_t OID_P256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
static const uint8_t OID_P384[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22 };
static const uint8_t OID_ED25519[] = { 0x06, 0x03, 0x2b, 0x65, 0x70 };

/* RFC 4034 5.4 example key: flags 256, algorithm 5 (RSASHA1), key tag 60485 */
static const char RFC4034_KEY[] =
	"AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMm"
	"mAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw==";

static size_t b64dec(const char *in, uint8_t *out)
{
	int n = EVP_DecodeBlock(out, (const unsigned char *)in, (int)strlen(in));
	size_t len = strlen(in);
	assert_true(n > 0);
	return (size_t)n - (len > 1 && in[len - 1] == '=') - (len > 2 && in[len - 2] == '=');
}

static void ec_point_as_der_octet_string_or_bare_gives_x_y(void **state)
{
	(void)state;
	uint8_t der[67] = { 0x04, 0x41, 0x04 }, key[128];
	size_t len = 0;
	for (int i = 0; i < 64; i++) {
		der[3 + i] = (uint8_t)(i + 1);
	}
	assert_int_equal(zg_hsm_dnskey_ec(ZG_HSM_KEY_P256, der, sizeof(der), key, sizeof(key), &len),
	                 ZG_EOK);
	assert_int_equal(len, 64);
	assert_memory_equal(key, der + 3, 64);
	memset(key, 0, sizeof(key));
	assert_int_equal(zg_hsm_dnskey_ec(ZG_HSM_KEY_P256, der + 2, 65, key, sizeof(key), &len),
	                 ZG_EOK);
	assert_memory_equal(key, der + 3, 64);
}

static void ec_point_of_wrong_size_or_compressed_is_refused(void **state)
{
	(void)state;
	uint8_t pt[99] = { 0x04, 0x61, 0x04 }, key[128];
	size_t len = 0;
	assert_int_equal(zg_hsm_dnskey_ec(ZG_HSM_KEY_P384, pt, 99, key, sizeof(key), &len), ZG_EOK);
	assert_int_equal(len, 96);
	assert_int_equal(zg_hsm_dnskey_ec(ZG_HSM_KEY_P256, pt, 99, key, sizeof(key), &len), ZG_EKEY);
	pt[2] = 0x02; /* compressed */
	assert_int_equal(zg_hsm_dnskey_ec(ZG_HSM_KEY_P384, pt, 99, key, sizeof(key), &len), ZG_EKEY);
	assert_int_equal(zg_hsm_dnskey_ec(ZG_HSM_KEY_P256, pt, 10, key, sizeof(key), &len), ZG_EKEY);
}

static void ed25519_point_der_or_bare_is_the_raw_key(void **state)
{
	(void)state;
	uint8_t der[34] = { 0x04, 0x20 }, key[64];
	size_t len = 0;
	memset(der + 2, 0xab, 32);
	assert_int_equal(zg_hsm_dnskey_ec(ZG_HSM_KEY_ED25519, der, 34, key, sizeof(key), &len), ZG_EOK);
	assert_int_equal(len, 32);
	assert_memory_equal(key, der + 2, 32);
	assert_int_equal(zg_hsm_dnskey_ec(ZG_HSM_KEY_ED25519, der + 2, 32, key, sizeof(key), &len),
	                 ZG_EOK);
	assert_int_equal(len, 32);
}

static void curves_are_recognised_by_oid_and_name(void **state)
{
	(void)state;
	assert_int_equal(zg_hsm_curve(OID_P256, sizeof(OID_P256), false), ZG_HSM_KEY_P256);
	assert_int_equal(zg_hsm_curve(OID_P384, sizeof(OID_P384), false), ZG_HSM_KEY_P384);
	assert_int_equal(zg_hsm_curve(OID_ED25519, sizeof(OID_ED25519), true), ZG_HSM_KEY_ED25519);
	assert_int_equal(zg_hsm_curve((const uint8_t *)"\x13\x0a" "edwards448", 12, true),
	                 ZG_HSM_KEY_ED448);
	assert_int_equal(zg_hsm_curve(OID_ED25519, sizeof(OID_ED25519), false), ZG_HSM_KEY_EC_OTHER);
	assert_int_equal(zg_hsm_keytype_alg(ZG_HSM_KEY_P384), 14);
	assert_true(zg_hsm_alg_fits(ZG_HSM_KEY_RSA, 10));
	assert_false(zg_hsm_alg_fits(ZG_HSM_KEY_P256, 14));
}

static void rsa_of_rfc4034_example_gives_its_key_and_tag_60485(void **state)
{
	(void)state;
	uint8_t raw[256], mod[256] = { 0, 0 }, key[300];
	size_t n = b64dec(RFC4034_KEY, raw), len = 0;
	assert_int_equal(raw[0], 1); /* one exponent byte */
	memcpy(mod + 2, raw + 2, n - 2); /* with two leading zero bytes, as a module may give */
	assert_int_equal(zg_hsm_dnskey_rsa(mod, n, raw + 1, 1, key, sizeof(key), &len), ZG_EOK);
	assert_int_equal(len, n);
	assert_memory_equal(key, raw, n);
	zg_hsm_key_t k = { .type = ZG_HSM_KEY_RSA, .keylen = len };
	memcpy(k.key, key, len);
	assert_int_equal(zg_hsm_key_tag(&k, 256, 5), 60485);
}

static void rsa_exponent_over_255_bytes_has_the_three_octet_header(void **state)
{
	(void)state;
	uint8_t e[300], n[64], key[400];
	size_t len = 0;
	memset(e, 1, sizeof(e));
	memset(n, 0xff, sizeof(n));
	assert_int_equal(zg_hsm_dnskey_rsa(n, sizeof(n), e, sizeof(e), key, sizeof(key), &len), ZG_EOK);
	assert_int_equal(len, 3 + 300 + 64);
	assert_int_equal(key[0], 0);
	assert_int_equal(key[1], 300 >> 8);
	assert_int_equal(key[2], 300 & 0xff);
	assert_int_equal(zg_hsm_dnskey_rsa(n, sizeof(n), e, sizeof(e), key, 100, &len), ZG_ETOOBIG);
}

/* SPKI of a key made by OpenSSL -> the same field as from its parts */
static void spki(EVP_PKEY *pk, zg_hsm_keytype_t want, size_t want_len)
{
	unsigned char *der = NULL;
	int dlen = i2d_PUBKEY(pk, &der);
	uint8_t key[600];
	size_t len = 0;
	zg_hsm_keytype_t t = ZG_HSM_KEY_OTHER;
	assert_true(dlen > 0);
	assert_int_equal(zg_hsm_dnskey_spki(der, (size_t)dlen, &t, key, sizeof(key), &len), ZG_EOK);
	assert_int_equal(t, want);
	assert_int_equal(len, want_len);
	OPENSSL_free(der);
	EVP_PKEY_free(pk);
}

static void spki_of_ec_rsa_and_ed25519_keys_is_understood(void **state)
{
	(void)state;
	spki(EVP_EC_gen("P-256"), ZG_HSM_KEY_P256, 64);
	spki(EVP_EC_gen("P-384"), ZG_HSM_KEY_P384, 96);
	spki(EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"), ZG_HSM_KEY_ED25519, 32);
	spki(EVP_RSA_gen(1024), ZG_HSM_KEY_RSA, 1 + 3 + 128);
}

static void spec_redaction_hides_every_pin_value(void **state)
{
	(void)state;
	char buf[256];
	assert_string_equal(zg_hsm_spec_redact("pkcs11:token=a;pin-value=1234 /m.so", buf, sizeof(buf)),
	                    "pkcs11:token=a;pin-value=*** /m.so");
	assert_string_equal(zg_hsm_spec_redact("pkcs11:token=a?PIN-VALUE=12%334&module-path=/m.so",
	                                       buf, sizeof(buf)),
	                    "pkcs11:token=a?pin-value=***&module-path=/m.so");
	assert_string_equal(zg_hsm_spec_redact("pkcs11:pin-value=x;pin-value=y", buf, sizeof(buf)),
	                    "pkcs11:pin-value=***;pin-value=***");
	assert_string_equal(zg_hsm_spec_redact("pkcs11:token=a;pin-value=secret", buf, 20),
	                    "pkcs11:token=a;pin-");
}

static char *write_tmp(const char *text)
{
	static char path[64];
	snprintf(path, sizeof(path), "/tmp/zg-test-keyset.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void keyset_takes_the_apex_dnskeys_only(void **state)
{
	(void)state;
	char *p = write_tmp("$ORIGIN test.\n@ 300 IN SOA ns hm 1 2 3 4 5\n"
	                    "@ 300 IN DNSKEY 256 3 5 AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/"
	                    "2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLU"
	                    "Uh6DhweJBjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw==\n"
	                    "sub 300 IN DNSKEY 257 3 13 AAAA\n");
	zg_hsm_keyset_t *set = NULL;
	char err[256] = "";
	assert_int_equal(zg_hsm_keyset_load(p, NULL, &set, err, sizeof(err)), ZG_EOK);
	assert_string_equal(set->origin, "test.");
	assert_int_equal(set->n, 1);
	assert_int_equal(set->keys[0].tag, 60485);
	assert_int_equal(set->keys[0].flags, 256);
	assert_int_equal(set->keys[0].line, 3);
	zg_hsm_keyset_free(set);
	unlink(p);
}

static void keyset_without_dnskey_or_with_bad_syntax_fails(void **state)
{
	(void)state;
	zg_hsm_keyset_t *set = NULL;
	char err[256] = "";
	char *p = write_tmp("test. 300 IN SOA ns.test. hm.test. 1 2 3 4 5\n");
	assert_int_equal(zg_hsm_keyset_load(p, NULL, &set, err, sizeof(err)), ZG_ENOENT);
	assert_non_null(strstr(err, "no DNSKEY"));
	unlink(p);
	p = write_tmp("test. 300 IN DNSKEY 256 3 13 AAAA\ntest. 300 IN DNSKEY bogus\n");
	assert_int_equal(zg_hsm_keyset_load(p, NULL, &set, err, sizeof(err)), ZG_EPARSE);
	assert_non_null(strstr(err, ":2:"));
	assert_null(set);
	unlink(p);
	assert_int_equal(zg_hsm_keyset_load("/nonexistent/x", NULL, &set, err, sizeof(err)), ZG_EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ec_point_as_der_octet_string_or_bare_gives_x_y),
		cmocka_unit_test(ec_point_of_wrong_size_or_compressed_is_refused),
		cmocka_unit_test(ed25519_point_der_or_bare_is_the_raw_key),
		cmocka_unit_test(curves_are_recognised_by_oid_and_name),
		cmocka_unit_test(rsa_of_rfc4034_example_gives_its_key_and_tag_60485),
		cmocka_unit_test(rsa_exponent_over_255_bytes_has_the_three_octet_header),
		cmocka_unit_test(spki_of_ec_rsa_and_ed25519_keys_is_understood),
		cmocka_unit_test(spec_redaction_hides_every_pin_value),
		cmocka_unit_test(keyset_takes_the_apex_dnskeys_only),
		cmocka_unit_test(keyset_without_dnskey_or_with_bad_syntax_fails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
