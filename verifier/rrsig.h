/* rrsig.h -- RRSIG RDATA parsing and the signed-data builder (RFC 4034 3.1.8.1, 6.2; RFC 6840 5.1). */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include "verifier/zg_error.h"

#define ZG_MAX_SIGNED_DATA (64u << 20) /* cap on one signed-data buffer */

typedef struct {
	uint16_t covered;
	uint8_t algorithm;
	uint8_t labels;
	uint32_t original_ttl;
	uint32_t expiration;
	uint32_t inception;
	uint16_t keytag;
	const uint8_t *signer; /* wire, lowercased */
	const uint8_t *signature;
	size_t siglen;
	const uint8_t *rdata;  /* whole RDATA */
	size_t prefix_len;     /* RDATA bytes before the signature field */
} zg_rrsig_t;

/*! A growable byte buffer with a hard cap. */
typedef struct {
	uint8_t *data;
	size_t len, cap, max;
} zg_dynbuf_t;

void zg_dynbuf_init(zg_dynbuf_t *b, size_t max);
void zg_dynbuf_deinit(zg_dynbuf_t *b);
/*! \retval ZG_ETOOBIG the cap would be exceeded */
zg_err_t zg_dynbuf_add(zg_dynbuf_t *b, const void *data, size_t len);

/*! \brief Parse RRSIG RDATA. \retval ZG_EMALF truncated fields or bad signer name */
zg_err_t zg_rrsig_parse(const uint8_t *rdata, size_t len, zg_rrsig_t *out);

/*! One RR of the covered RRset: canonical RDATA. */
typedef struct {
	const uint8_t *rdata;
	uint16_t rdlen;
} zg_rdata_ref_t;

/*!
 * \brief Build the data an RRSIG signs: RRSIG RDATA minus signature, then the RRset in
 *        canonical order with the original TTL. rrs must be sorted canonically and unique;
 *        owner is lowercased; for labels < owner labels, the owner becomes "*." + the last
 *        `labels` labels (RFC 4035 5.3.2).
 * \retval ZG_ETOOBIG  the result exceeds the buffer cap
 */
zg_err_t zg_rrsig_signed_data(const zg_rrsig_t *sig, const uint8_t *owner, uint16_t type,
                              const zg_rdata_ref_t *rrs, size_t n, zg_dynbuf_t *out);
