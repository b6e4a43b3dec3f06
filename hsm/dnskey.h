/* dnskey.h -- DNSKEY public key fields from PKCS#11 key attributes (RFC 3110, 6605, 8080). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hsm/hsm.h"

/*! \brief Key type of an EC or Edwards key from its CKA_EC_PARAMS (OID or printable name). */
ZG_API zg_hsm_keytype_t zg_hsm_curve(const uint8_t *params, size_t len, bool edwards);

/*! \brief The DNSSEC algorithm of a key type (RSA: 8), 0 if there is none. */
ZG_API uint8_t zg_hsm_keytype_alg(zg_hsm_keytype_t t);

/*! \brief Whether algorithm alg can be used with a key of type t (RSA: 5, 7, 8, 10). */
ZG_API bool zg_hsm_alg_fits(zg_hsm_keytype_t t, uint8_t alg);

/*!
 * \brief EC/Edwards CKA_EC_POINT (DER OCTET STRING or the bare point) -> DNSKEY key field
 *        (X||Y for P-256/P-384, RFC 6605 4; the raw key for Ed25519/Ed448, RFC 8080 3).
 * \retval ZG_EKEY  not a point of the curve's size, or compressed
 */
ZG_API zg_err_t zg_hsm_dnskey_ec(zg_hsm_keytype_t t, const uint8_t *point, size_t len,
                                 uint8_t *key, size_t size, size_t *keylen);

/*!
 * \brief RSA modulus and public exponent (big-endian, leading zeros allowed) -> RFC 3110 2.
 * \retval ZG_EKEY    empty or zero modulus/exponent
 * \retval ZG_ETOOBIG does not fit size
 */
ZG_API zg_err_t zg_hsm_dnskey_rsa(const uint8_t *mod, size_t modlen, const uint8_t *exp,
                                  size_t explen, uint8_t *key, size_t size, size_t *keylen);

/*!
 * \brief DER SubjectPublicKeyInfo (CKA_PUBLIC_KEY_INFO) -> key type and DNSKEY key field.
 * \retval ZG_EKEY  not an RSA, P-256, P-384, Ed25519 or Ed448 key
 */
ZG_API zg_err_t zg_hsm_dnskey_spki(const uint8_t *der, size_t len, zg_hsm_keytype_t *type,
                                   uint8_t *key, size_t size, size_t *keylen);
