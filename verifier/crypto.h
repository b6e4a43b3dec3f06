/* crypto.h -- DNSSEC public-key crypto: DNSKEY parsing, signature verification, key tags, DS
 * digests, ECDSA key recovery. Default backend: OpenSSL EVP (crypto_openssl.c); cross-check
 * backend: libdnssec/GnuTLS (crypto_libdnssec.c) behind zg_crypto_backend_t. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "verifier/zg_error.h"

#define ZG_DNSKEY_MIN_RDLEN 4
#define ZG_ECDSA_MAX_PUB 96       /* P-384 X||Y */

typedef struct zg_pubkey zg_pubkey_t; /* opaque: a parsed DNSKEY public key (EVP_PKEY) */

/*! \brief True for the algorithms this build verifies: 5, 7, 8, 10, 13, 14, 15, 16. */
ZG_API bool zg_crypto_alg_supported(uint8_t alg);

/*!
 * \brief Parse a DNSKEY public key field (RDATA after flags/protocol/algorithm).
 * \param[out] out  new key, owned by the caller: release with zg_pubkey_free()
 * \retval ZG_EOK    key parsed
 * \retval ZG_EALGO  algorithm not supported
 * \retval ZG_EKEY   malformed key or refused by OpenSSL (bad RSA exponent/modulus, point not on curve)
 */
ZG_API zg_err_t zg_pubkey_new(uint8_t alg, const uint8_t *key, size_t keylen, zg_pubkey_t **out);
ZG_API void zg_pubkey_free(zg_pubkey_t *key);
/*! \brief Key size in bits (RSA modulus, curve size). */
ZG_API unsigned zg_pubkey_bits(const zg_pubkey_t *key);

/*!
 * \brief Verify a DNSSEC signature (wire format as in RRSIG) over data.
 * \retval ZG_EOK      the check ran; *valid holds the verdict
 * \retval ZG_EMALF    signature has an impossible length for the algorithm (*valid = false)
 * \retval ZG_ECRYPTO  OpenSSL failed for another reason
 */
ZG_API zg_err_t zg_pubkey_verify(const zg_pubkey_t *key, const uint8_t *data, size_t len,
                                 const uint8_t *sig, size_t siglen, bool *valid);

/*! \brief RFC 4034 Appendix B key tag over full DNSKEY RDATA. */
ZG_API zg_err_t zg_keytag(const uint8_t *rdata, size_t rdlen, uint16_t *tag);

/*!
 * \brief DS digest (RFC 4034 5.1.4): digest(owner wire name | DNSKEY RDATA).
 * \param digest_type 1 SHA-1, 2 SHA-256, 4 SHA-384
 * \param[out] out  at least 48 bytes; *outlen set
 * \retval ZG_EALGO unknown digest type
 */
ZG_API zg_err_t zg_ds_digest(uint8_t digest_type, const uint8_t *owner, size_t ownerlen,
                             const uint8_t *rdata, size_t rdlen, uint8_t *out, size_t *outlen);

/*!
 * \brief Recover the candidate public keys of an ECDSA (alg 13/14) signature over data.
 * \param[out] keys   up to 4 candidates, each X||Y (64 bytes for 13, 96 for 14)
 * \param[out] nkeys  number of candidates written
 * \retval ZG_EALGO   not an ECDSA algorithm
 * \retval ZG_EMALF   bad signature length or r/s out of range
 */
ZG_API zg_err_t zg_ecdsa_recover(uint8_t alg, const uint8_t *data, size_t len, const uint8_t *sig,
                                 size_t siglen, uint8_t keys[4][ZG_ECDSA_MAX_PUB], size_t *nkeys);

/*! A verification backend for --cross-check: independent of the OpenSSL path. */
typedef struct zg_crypto_backend {
	const char *name;
	/*! verify sig over data with the key in full DNSKEY RDATA; ZG_EOK + *valid, or an error */
	zg_err_t (*verify)(const uint8_t *dnskey_rdata, size_t rdlen, const uint8_t *data,
	                   size_t len, const uint8_t *sig, size_t siglen, bool *valid);
} zg_crypto_backend_t;

/*! \brief The libdnssec (GnuTLS) backend. */
ZG_API const zg_crypto_backend_t *zg_crypto_libdnssec(void);
