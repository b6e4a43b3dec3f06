/* dnskey.c -- DNSKEY public key fields from PKCS#11 key attributes (RFC 3110, 6605, 8080). */
#include <limits.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include "hsm/dnskey.h"

typedef struct {
	zg_hsm_keytype_t type;
	const uint8_t *der; /* CKA_EC_PARAMS: namedCurve OID or PrintableString */
	size_t len;
	bool edwards;
} curve_t;

static const uint8_t OID_P256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
static const uint8_t OID_P384[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22 };
static const uint8_t OID_ED25519[] = { 0x06, 0x03, 0x2b, 0x65, 0x70 };
static const uint8_t OID_ED448[] = { 0x06, 0x03, 0x2b, 0x65, 0x71 };
static const uint8_t STR_ED25519[] = "\x13\x0c" "edwards25519";
static const uint8_t STR_ED448[] = "\x13\x0a" "edwards448";

static const curve_t CURVES[] = {
	{ ZG_HSM_KEY_P256, OID_P256, sizeof(OID_P256), false },
	{ ZG_HSM_KEY_P384, OID_P384, sizeof(OID_P384), false },
	{ ZG_HSM_KEY_ED25519, OID_ED25519, sizeof(OID_ED25519), true },
	{ ZG_HSM_KEY_ED448, OID_ED448, sizeof(OID_ED448), true },
	{ ZG_HSM_KEY_ED25519, STR_ED25519, sizeof(STR_ED25519) - 1, true },
	{ ZG_HSM_KEY_ED448, STR_ED448, sizeof(STR_ED448) - 1, true },
};

zg_hsm_keytype_t zg_hsm_curve(const uint8_t *params, size_t len, bool edwards)
{
	for (size_t i = 0; params != NULL && i < sizeof(CURVES) / sizeof(CURVES[0]); i++) {
		if (CURVES[i].edwards == edwards && CURVES[i].len == len &&
		    memcmp(CURVES[i].der, params, len) == 0) {
			return CURVES[i].type;
		}
	}
	return edwards ? ZG_HSM_KEY_OTHER : ZG_HSM_KEY_EC_OTHER;
}

uint8_t zg_hsm_keytype_alg(zg_hsm_keytype_t t)
{
	switch (t) {
	case ZG_HSM_KEY_RSA: return 8;
	case ZG_HSM_KEY_P256: return 13;
	case ZG_HSM_KEY_P384: return 14;
	case ZG_HSM_KEY_ED25519: return 15;
	case ZG_HSM_KEY_ED448: return 16;
	case ZG_HSM_KEY_OTHER:
	case ZG_HSM_KEY_EC_OTHER: return 0;
	}
	return 0;
}

bool zg_hsm_alg_fits(zg_hsm_keytype_t t, uint8_t alg)
{
	if (t == ZG_HSM_KEY_RSA) {
		return alg == 5 || alg == 7 || alg == 8 || alg == 10;
	}
	return alg != 0 && zg_hsm_keytype_alg(t) == alg;
}

/* Coordinate size (EC) or raw key size (Edwards); 0 for other types. */
static size_t point_size(zg_hsm_keytype_t t)
{
	switch (t) {
	case ZG_HSM_KEY_P256: return 32;
	case ZG_HSM_KEY_P384: return 48;
	case ZG_HSM_KEY_ED25519: return 32;
	case ZG_HSM_KEY_ED448: return 57;
	case ZG_HSM_KEY_RSA:
	case ZG_HSM_KEY_OTHER:
	case ZG_HSM_KEY_EC_OTHER: return 0;
	}
	return 0;
}

zg_err_t zg_hsm_dnskey_ec(zg_hsm_keytype_t t, const uint8_t *point, size_t len, uint8_t *key,
                          size_t size, size_t *keylen)
{
	size_t n = point_size(t);
	if (point == NULL || key == NULL || keylen == NULL || t == ZG_HSM_KEY_RSA) {
		return ZG_EINVAL;
	}
	bool edwards = t == ZG_HSM_KEY_ED25519 || t == ZG_HSM_KEY_ED448;
	size_t bare = edwards ? n : 1 + 2 * n; /* Edwards: raw key; EC: 04 || X || Y */
	if (n == 0) {
		return ZG_EKEY;
	}
	/* DER OCTET STRING wrapper (all these fit the short length form) */
	if (len == bare + 2 && point[0] == 0x04 && point[1] == bare) {
		point += 2;
		len -= 2;
	}
	if (len != bare || (!edwards && point[0] != 0x04)) {
		return ZG_EKEY;
	}
	size_t out = edwards ? n : 2 * n;
	if (out > size) {
		return ZG_ETOOBIG;
	}
	memcpy(key, edwards ? point : point + 1, out);
	*keylen = out;
	return ZG_EOK;
}

static void strip_zeros(const uint8_t **p, size_t *len)
{
	while (*len > 0 && (*p)[0] == 0) {
		(*p)++;
		(*len)--;
	}
}

zg_err_t zg_hsm_dnskey_rsa(const uint8_t *mod, size_t modlen, const uint8_t *exp, size_t explen,
                           uint8_t *key, size_t size, size_t *keylen)
{
	if (mod == NULL || exp == NULL || key == NULL || keylen == NULL) {
		return ZG_EINVAL;
	}
	strip_zeros(&mod, &modlen);
	strip_zeros(&exp, &explen);
	if (modlen == 0 || explen == 0 || explen > UINT16_MAX) {
		return ZG_EKEY;
	}
	size_t hdr = explen <= 255 ? 1 : 3; /* RFC 3110 2: one length octet, or 0 + two */
	if (hdr + explen + modlen > size) {
		return ZG_ETOOBIG;
	}
	if (hdr == 1) {
		key[0] = (uint8_t)explen;
	} else {
		key[0] = 0;
		key[1] = (uint8_t)(explen >> 8);
		key[2] = (uint8_t)explen;
	}
	memcpy(key + hdr, exp, explen);
	memcpy(key + hdr + explen, mod, modlen);
	*keylen = hdr + explen + modlen;
	return ZG_EOK;
}

static zg_err_t spki_rsa(const EVP_PKEY *pk, uint8_t *key, size_t size, size_t *keylen)
{
	BIGNUM *n = NULL, *e = NULL;
	uint8_t nb[ZG_HSM_KEY_MAX], eb[ZG_HSM_KEY_MAX];
	zg_err_t ret = ZG_EKEY;
	if (EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &n) == 1 &&
	    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &e) == 1 &&
	    (size_t)BN_num_bytes(n) <= sizeof(nb) && (size_t)BN_num_bytes(e) <= sizeof(eb)) {
		int nl = BN_bn2bin(n, nb), el = BN_bn2bin(e, eb);
		ret = zg_hsm_dnskey_rsa(nb, (size_t)nl, eb, (size_t)el, key, size, keylen);
	}
	BN_free(n);
	BN_free(e);
	return ret;
}

static zg_err_t spki_ec(const EVP_PKEY *pk, zg_hsm_keytype_t *type, uint8_t *key, size_t size,
                        size_t *keylen)
{
	char group[64] = "";
	uint8_t pt[1 + 2 * 48];
	size_t ptlen = 0;
	if (EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
	                                   NULL) != 1) {
		return ZG_EKEY;
	}
	if (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0) {
		*type = ZG_HSM_KEY_P256;
	} else if (strcmp(group, "secp384r1") == 0 || strcmp(group, "P-384") == 0) {
		*type = ZG_HSM_KEY_P384;
	} else {
		*type = ZG_HSM_KEY_EC_OTHER;
		return ZG_EKEY;
	}
	if (EVP_PKEY_get_octet_string_param(pk, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pt, sizeof(pt),
	                                    &ptlen) != 1) {
		return ZG_EKEY;
	}
	return zg_hsm_dnskey_ec(*type, pt, ptlen, key, size, keylen);
}

static zg_err_t spki_raw(const EVP_PKEY *pk, uint8_t *key, size_t size, size_t *keylen)
{
	size_t len = size;
	if (EVP_PKEY_get_raw_public_key(pk, key, &len) != 1) {
		return ZG_EKEY;
	}
	*keylen = len;
	return ZG_EOK;
}

zg_err_t zg_hsm_dnskey_spki(const uint8_t *der, size_t len, zg_hsm_keytype_t *type, uint8_t *key,
                            size_t size, size_t *keylen)
{
	if (der == NULL || type == NULL || key == NULL || keylen == NULL || len > LONG_MAX) {
		return ZG_EINVAL;
	}
	const unsigned char *p = der;
	EVP_PKEY *pk = d2i_PUBKEY(NULL, &p, (long)len);
	if (pk == NULL) {
		return ZG_EKEY;
	}
	zg_err_t ret = ZG_EKEY;
	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA:
		*type = ZG_HSM_KEY_RSA;
		ret = spki_rsa(pk, key, size, keylen);
		break;
	case EVP_PKEY_EC: ret = spki_ec(pk, type, key, size, keylen); break;
	case EVP_PKEY_ED25519:
		*type = ZG_HSM_KEY_ED25519;
		ret = spki_raw(pk, key, size, keylen);
		break;
	case EVP_PKEY_ED448:
		*type = ZG_HSM_KEY_ED448;
		ret = spki_raw(pk, key, size, keylen);
		break;
	default: *type = ZG_HSM_KEY_OTHER; break;
	}
	EVP_PKEY_free(pk);
	return ret;
}
