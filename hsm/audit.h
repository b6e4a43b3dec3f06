/* audit.h -- zg_hsm_audit(): what the tokens hold against what the zone publishes (hsm.*). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include "hsm/hsm.h"
#include "hsm/keyset.h"
#include "verifier/finding.h"

/*! One audited token: the open handle (for --probe) and its inventory. */
typedef struct {
	zg_hsm_t *handle;        /*!< may be NULL when probe is off */
	zg_hsm_inventory_t *inv; /*!< annotated by the audit (in_scope, published, probe) */
} zg_hsm_audit_token_t;

typedef struct {
	const zg_hsm_keyset_t *published; /*!< the zone's DNSKEY set */
	zg_hsm_audit_token_t *tokens;
	size_t ntokens;
	const char *key_filter; /*!< fnmatch(3) glob over CKA_LABEL: keys the signer may use; NULL all */
	bool probe;             /*!< sign a nonce with every usable key (hsm.probe-mismatch) */
	zg_sink_t *sink;        /*!< gets every finding, as a zg_hsm_finding_t */
} zg_hsm_audit_opts_t;

/*! Every finding of zg_hsm_audit() is one of these; the sink gets &base (borrowed). */
typedef struct {
	zg_finding_t base;                /*!< first member: a plain sink sees a zg_finding_t */
	const zg_hsm_inventory_t *token;  /*!< the token of the object, or NULL */
	const zg_hsm_key_t *key;          /*!< the object (pair) concerned, or NULL */
	const zg_hsm_dnskey_t *dnskey;    /*!< the published key concerned, or NULL */
} zg_hsm_finding_t;

/*!
 * \brief Run the hsm.* checks; findings go to opts->sink.
 * \retval ZG_EOK       the audit ran (the verdict is in the findings)
 * \retval ZG_EHSMSIGN  a sign probe could not be made: nothing can be concluded
 * \retval ZG_ENOMEM    out of memory
 */
ZG_API zg_err_t zg_hsm_audit(const zg_hsm_audit_opts_t *opts, char *err, size_t errlen);

/*! \brief Whether the key may be used by the signer and can sign (after zg_hsm_audit()). */
ZG_API bool zg_hsm_key_usable(const zg_hsm_key_t *key);
