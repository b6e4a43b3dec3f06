/* crypto_libdnssec.c -- the --cross-check verification backend: libdnssec (GnuTLS). */
#include <pthread.h>
#include <stdint.h>

#include <libdnssec/binary.h>
#include <libdnssec/crypto.h>
#include <libdnssec/error.h>
#include <libdnssec/key.h>
#include <libdnssec/sign.h>

#include "verifier/crypto.h"

static pthread_once_t crypto_once = PTHREAD_ONCE_INIT;

/* GnuTLS global state; libdnssec leaves this to the application. */
static void crypto_init(void)
{
	dnssec_crypto_init();
}

/* Translate a libdnssec error into the project's list (DNSSEC_INVALID_SIGNATURE is no error). */
static zg_err_t map_error(int ret)
{
	switch (ret) {
	case DNSSEC_EOK: return ZG_EOK;
	case DNSSEC_ENOMEM: return ZG_ENOMEM;
	case DNSSEC_INVALID_KEY_ALGORITHM:
	case DNSSEC_NOT_IMPLEMENTED_ERROR: return ZG_EALGO;
	case DNSSEC_MALFORMED_DATA:
	case DNSSEC_INVALID_PUBLIC_KEY:
	case DNSSEC_INVALID_KEY_SIZE:
	case DNSSEC_KEY_IMPORT_ERROR:
	case DNSSEC_NO_PUBLIC_KEY: return ZG_EKEY;
	default: return ZG_ECRYPTO;
	}
}

/* libdnssec takes non-const buffers but does not write through them here. */
static dnssec_binary_t binary_of(const uint8_t *data, size_t len)
{
	dnssec_binary_t bin = { .size = len, .data = (uint8_t *)data };
	return bin;
}

/* Import a public key from full DNSKEY RDATA (flags, protocol, algorithm, key). */
static zg_err_t key_from_rdata(const uint8_t *rdata, size_t rdlen, dnssec_key_t **out)
{
	dnssec_key_t *key = NULL;
	int ret = dnssec_key_new(&key);
	if (ret != DNSSEC_EOK) {
		return map_error(ret);
	}

	const dnssec_binary_t bin = binary_of(rdata, rdlen);
	ret = dnssec_key_set_rdata(key, &bin);
	if (ret != DNSSEC_EOK) {
		dnssec_key_free(key);
		return map_error(ret);
	}

	*out = key;
	return ZG_EOK;
}

/* Run one verification with an imported key; *valid is set only when the check ran. */
static zg_err_t verify_with_key(const dnssec_key_t *key, const uint8_t *data, size_t len,
                                const uint8_t *sig, size_t siglen, bool *valid)
{
	dnssec_sign_ctx_t *ctx = NULL;
	int ret = dnssec_sign_new(&ctx, key);
	if (ret != DNSSEC_EOK) {
		return map_error(ret);
	}

	const dnssec_binary_t bin_data = binary_of(data, len);
	const dnssec_binary_t bin_sig = binary_of(sig, siglen);
	ret = dnssec_sign_add(ctx, &bin_data);
	if (ret == DNSSEC_EOK) {
		/* signature in RRSIG wire format; libdnssec converts r||s to DER itself */
		ret = dnssec_sign_verify(ctx, false, &bin_sig);
	}
	dnssec_sign_free(ctx);

	if (ret == DNSSEC_INVALID_SIGNATURE) {
		return ZG_EOK;
	}
	if (ret != DNSSEC_EOK) {
		return map_error(ret);
	}
	*valid = true;
	return ZG_EOK;
}

static zg_err_t libdnssec_verify(const uint8_t *dnskey_rdata, size_t rdlen, const uint8_t *data,
                                 size_t len, const uint8_t *sig, size_t siglen, bool *valid)
{
	if (dnskey_rdata == NULL || data == NULL || sig == NULL || valid == NULL) {
		return ZG_EINVAL;
	}
	*valid = false;
	if (rdlen < ZG_DNSKEY_MIN_RDLEN || rdlen > UINT16_MAX) {
		return ZG_EKEY;
	}
	if (pthread_once(&crypto_once, crypto_init) != 0) {
		return ZG_ECRYPTO;
	}

	dnssec_key_t *key = NULL;
	zg_err_t ret = key_from_rdata(dnskey_rdata, rdlen, &key);
	if (ret != ZG_EOK) {
		return ret;
	}
	ret = verify_with_key(key, data, len, sig, siglen, valid);
	dnssec_key_free(key);
	return ret;
}

static const zg_crypto_backend_t LIBDNSSEC_BACKEND = {
	.name = "libdnssec",
	.verify = libdnssec_verify,
};

const zg_crypto_backend_t *zg_crypto_libdnssec(void)
{
	return &LIBDNSSEC_BACKEND;
}
