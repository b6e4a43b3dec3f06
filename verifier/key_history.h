/* key_history.h -- when each DNSKEY was first published, signed and removed as served to
 * resolvers (the XFR gate's state): the timing behind rollover.* (check_rollover.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "verifier/zone.h"

#define ZG_KEY_DIGEST_LEN 32    /* SHA-256 of the DNSKEY RDATA */
#define ZG_KEY_HISTORY_MAX 4096 /* keys one history may hold */

/*! One key of a zone's history, identified by algorithm, key tag and RDATA digest. Times are
 * UNIX seconds of the clock that also gives zg_verify_opts_t.now; 0 means never. */
typedef struct {
	uint8_t algorithm;
	uint16_t keytag;
	uint8_t digest[ZG_KEY_DIGEST_LEN];
	uint64_t first_published; /*!< first served in the DNSKEY set (again, after a removal) */
	uint64_t first_signing;   /*!< first served with RRSIGs over data other than DNSKEY */
	uint64_t last_signing;    /*!< last served with such RRSIGs: while it signs, when the latest
	                               version started; after, when one without them replaced it */
	uint64_t removed;         /*!< gone from the served DNSKEY set since; 0 still published */
	bool signing;             /*!< signs data in the latest served version */
	bool preexisting;         /*!< in the first version the history knows: published for an
	                               unknown time before first_published, taken as long enough */
} zg_key_history_t;

/*! A DNSKEY of one zone version and whether it signs data other than the DNSKEY RRset. */
typedef struct {
	uint8_t algorithm;
	uint16_t keytag;
	uint8_t digest[ZG_KEY_DIGEST_LEN];
	bool signs_data; /*!< an RRSIG over other data names its algorithm and tag */
} zg_key_seen_t;

/*!
 * \brief SHA-256 of a DNSKEY RDATA (flags, protocol, algorithm, public key).
 * \retval ZG_EOK, ZG_EINVAL, ZG_ECRYPTO
 */
ZG_API zg_err_t zg_key_digest(const uint8_t *rdata, size_t rdlen,
                              uint8_t digest[ZG_KEY_DIGEST_LEN]);

/*!
 * \brief The apex DNSKEYs of a zone version, each with whether it signs data.
 * \param[out] keys  new array (NULL when there is no DNSKEY set), release with free()
 * \retval ZG_EOK, ZG_EINVAL, ZG_ENOMEM, ZG_ECRYPTO
 */
ZG_API zg_err_t zg_key_seen(const zg_zone_t *zone, zg_key_seen_t **keys, size_t *n);

/*!
 * \brief The history after a version with keys `seen` started being served at `now`.
 *
 * A key not in `old` (or removed there) is published from now; a key of `old` missing from `seen`
 * is removed now, and if it was signing its last signing is now. With an empty `old` every key
 * is preexisting: the history starts with this version.
 * \param[out] out  new array of *nout entries, release with free()
 * \param now  UNIX seconds, not 0
 * \retval ZG_EOK, ZG_EINVAL, ZG_ENOMEM, ZG_ETOOBIG (more than ZG_KEY_HISTORY_MAX keys)
 */
ZG_API zg_err_t zg_key_history_update(const zg_key_history_t *old, size_t nold,
                                      const zg_key_seen_t *seen, size_t nseen, uint64_t now,
                                      zg_key_history_t **out, size_t *nout);

/*! \brief The entry of (algorithm, tag, digest), or NULL. */
ZG_API const zg_key_history_t *zg_key_history_find(const zg_key_history_t *h, size_t n,
                                                   uint8_t algorithm, uint16_t keytag,
                                                   const uint8_t digest[ZG_KEY_DIGEST_LEN]);
