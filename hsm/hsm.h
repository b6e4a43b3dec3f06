/* hsm.h -- the PKCS#11 tokens of a DNSSEC signer: open, inventory key objects, sign probes. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "verifier/zg_error.h"

#define ZG_HSM_ID_MAX 128    /*!< longest CKA_ID accepted (Knot uses 20 bytes) */
#define ZG_HSM_LABEL_MAX 129 /*!< CKA_LABEL kept, printable ASCII, NUL-terminated */
#define ZG_HSM_KEY_MAX 1040  /*!< DNSKEY public key field: RSA up to 4096 bits, RFC 3110 */
#define ZG_HSM_PIN_MAX 256

typedef struct zg_hsm zg_hsm_t; /* one logged-in, read-only session on one token */

typedef struct {
	const char *pin_file; /*!< PIN (first line) when the spec carries no pin-value/pin-source */
	bool isolate_init;    /*!< try a module's first C_Initialize in a child process first, so a
	                           module that crashes there is an error, not a crash of ours */
} zg_hsm_open_opts_t;

typedef enum {
	ZG_HSM_KEY_OTHER = 0, /*!< a key type DNSSEC has no algorithm for */
	ZG_HSM_KEY_RSA,
	ZG_HSM_KEY_P256,
	ZG_HSM_KEY_P384,
	ZG_HSM_KEY_ED25519,
	ZG_HSM_KEY_ED448,
	ZG_HSM_KEY_EC_OTHER, /*!< EC on another curve */
} zg_hsm_keytype_t;

typedef enum {
	ZG_HSM_PROBE_NONE = 0, /*!< not probed (no --probe, cannot sign, or nothing to compare) */
	ZG_HSM_PROBE_OK,       /*!< the signature verifies with the published DNSKEY */
	ZG_HSM_PROBE_MISMATCH, /*!< it does not: hsm.probe-mismatch */
} zg_hsm_probe_t;

/*! One key in a token: a public and a private key object paired by CKA_ID, or a lone one. */
typedef struct {
	uint8_t id[ZG_HSM_ID_MAX]; /*!< CKA_ID */
	size_t idlen;
	char label[ZG_HSM_LABEL_MAX]; /*!< CKA_LABEL (private object's if both have one) */
	zg_hsm_keytype_t type;
	bool has_public;  /*!< a CKO_PUBLIC_KEY object */
	bool has_private; /*!< a CKO_PRIVATE_KEY object */
	bool can_sign;    /*!< the private object has CKA_SIGN */
	bool sensitive, extractable, local;
	bool key_from_probe;  /*!< public key identified by --probe (no public object to read) */
	uint8_t algorithm;    /*!< DNSSEC algorithm of the tags (RSA: 8 unless published otherwise) */
	size_t keylen;        /*!< 0: the public key is unknown */
	uint8_t key[ZG_HSM_KEY_MAX]; /*!< DNSKEY public key field (RFC 3110, 6605, 8080 encodings) */
	uint16_t tag_zsk, tag_ksk;   /*!< key tags as flags 256 and 257 (valid if keylen > 0) */
	/* filled by zg_hsm_audit() */
	bool in_scope;        /*!< the signer may use it (--key-filter) */
	int published;        /*!< index into the published key set, -1 if not published */
	zg_hsm_probe_t probe;
} zg_hsm_key_t;

/*! What one token holds. */
typedef struct {
	char label[33], serial[17], manufacturer[33], model[17]; /*!< trimmed CK_TOKEN_INFO */
	char name[64];        /*!< "token 'LABEL'" for messages */
	size_t npublic, nprivate; /*!< key objects read */
	size_t nkeys;
	zg_hsm_key_t *keys;
} zg_hsm_inventory_t;

/*!
 * \brief Load the module, find the token, open a read-only session and log in.
 * \param spec  a PKCS#11 URI (RFC 7512; module-path=, pin-value=, pin-source= in it) or Knot's
 *              keystore form "pkcs11:token=LABEL;pin-value=PIN /path/module.so"
 * \param[out] out     new handle, release with zg_hsm_close()
 * \param[out] err     one line for the operator; never contains the PIN
 * \retval ZG_EHSMURI    the spec does not parse, names no module, or the PIN source is unreadable
 * \retval ZG_EHSMMOD    the module cannot be loaded, or C_Initialize fails or crashes
 * \retval ZG_EHSMTOKEN  no token (or more than one) matches
 * \retval ZG_EHSMPIN    wrong or missing PIN
 * \retval ZG_EHSMLOCKED the token or its user PIN is locked
 * \retval ZG_EHSM       another PKCS#11 call failed
 */
ZG_API zg_err_t zg_hsm_open(const char *spec, const zg_hsm_open_opts_t *opts, zg_hsm_t **out,
                            char *err, size_t errlen);
/*! \brief Log out, close the session, finalize the module when its last token closes; wipes the
 *         PIN. NULL is a no-op. */
ZG_API void zg_hsm_close(zg_hsm_t *h);
/*! \brief "token 'LABEL'" */
ZG_API const char *zg_hsm_name(const zg_hsm_t *h);

/*!
 * \brief Read every public and private key object, pair them by CKA_ID and build DNSKEY keys.
 * \param[out] out  new inventory, release with zg_hsm_inventory_free()
 * \retval ZG_EHSM   a PKCS#11 call failed (err says which)
 */
ZG_API zg_err_t zg_hsm_inventory(zg_hsm_t *h, zg_hsm_inventory_t **out, char *err,
                                 size_t errlen);
ZG_API void zg_hsm_inventory_free(zg_hsm_inventory_t *inv);

/*!
 * \brief The sign probe: sign data with the key's private object (found by CKA_ID) as a DNSSEC
 *        signature of algorithm alg would be made (13/14: ECDSA r||s over SHA-256/384; 5, 7, 8,
 *        10: PKCS#1 v1.5; 15/16: EdDSA). Goes through libpkcs11-helper.
 * \param[in,out] siglen  capacity of sig in, signature length out
 * \retval ZG_EALGO     alg does not fit the key
 * \retval ZG_EHSMSIGN  the token did not sign
 */
ZG_API zg_err_t zg_hsm_sign(zg_hsm_t *h, const zg_hsm_key_t *key, uint8_t alg,
                            const uint8_t *data, size_t len, uint8_t *sig, size_t *siglen,
                            char *err, size_t errlen);

/*!
 * \brief Full DNSKEY RDATA (flags, protocol 3, algorithm, key) of an inventoried key.
 * \retval ZG_ENOENT  the public key is unknown
 * \retval ZG_ETOOBIG size is too small
 */
ZG_API zg_err_t zg_hsm_key_rdata(const zg_hsm_key_t *key, uint16_t flags, uint8_t alg,
                                 uint8_t *rdata, size_t size, size_t *len);
/*! \brief Key tag of the key with these flags and algorithm (0 if the key is unknown). */
ZG_API uint16_t zg_hsm_key_tag(const zg_hsm_key_t *key, uint16_t flags, uint8_t alg);
/*! \brief "label 'L' id HEX" for messages. */
ZG_API const char *zg_hsm_key_name(const zg_hsm_key_t *key, char *buf, size_t size);
/*! \brief CKA_ID as lowercase hex. */
ZG_API const char *zg_hsm_id_hex(const uint8_t *id, size_t len, char *buf, size_t size);
/*! \brief "RSA", "EC P-256", ... */
ZG_API const char *zg_hsm_keytype_name(zg_hsm_keytype_t t);

/*! \brief The spec with every PIN value replaced by "***" (for messages). */
ZG_API const char *zg_hsm_spec_redact(const char *spec, char *buf, size_t size);
