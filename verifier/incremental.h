/* incremental.h -- diffs between zone versions (the shape of an IXFR) and the memo that lets
 * zg_verify() re-check only what a diff touched.
 *
 * A run of zg_verify() with opts->memo_out set records its pure results: the verdict of every
 * signature (which published key verified it, or bogus), the NSEC3 hash of every name and the
 * in-bailiwick NS targets (which make glue). A later run over another version with
 * opts->memo_in / opts->memo_base reuses a verdict only where the signature, its RRset's data
 * and owner, and the DNSKEY set are byte-identical to the base, and a hash only where the name
 * and the NSEC3 parameters are, and the NSEC/NSEC3 checks' findings and counts whole only where
 * nothing those checks read differs (memo_denial.c). Everything else is checked again, so the
 * findings are those of a full run by construction. A version made by
 * zg_zone_apply_diff() remembers the runs of names it copied from its base and the names it
 * regrouped: the run maps names and signatures to the base's, updates the NS targets and counts
 * zone.delta from those alone, instead of walking both versions. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "verifier/zg_error.h"
#include "verifier/zone.h"

typedef struct zg_diff zg_diff_t;
typedef struct zg_memo zg_memo_t;

ZG_API zg_diff_t *zg_diff_new(void);
ZG_API void zg_diff_free(zg_diff_t *diff);

/*!
 * \brief Add one RR to remove from or add to the base (wire owner, RDATA as on the wire).
 * \param line  shown in findings about an added RR (0: none)
 * \retval ZG_EMALF  owner or RDATA does not fit the type
 */
ZG_API zg_err_t zg_diff_add(zg_diff_t *diff, bool remove, const uint8_t *owner, uint16_t type,
                            uint32_t ttl, const uint8_t *rdata, uint16_t rdlen, uint32_t line);
/*! \brief Records to remove and to add so far. */
ZG_API void zg_diff_counts(const zg_diff_t *diff, size_t *removed, size_t *added);

/*!
 * \brief The diff that turns zone a into zone b (an RR whose TTL changed is removed and added).
 * \param[out] diff  new diff, release with zg_diff_free()
 */
ZG_API zg_err_t zg_zone_diff(const zg_zone_t *a, const zg_zone_t *b, zg_diff_t **diff);

/*!
 * \brief Apply a diff to base: the new version shares base's records and the diff's (either may
 *        be freed first). The diff's records are sorted in place.
 * \param[out] zone    new zone, release with zg_zone_free()
 * \param[out] errmsg  on failure: one line naming the owner and type
 * \retval ZG_EINVAL   the diff removes an RR that base does not hold
 */
ZG_API zg_err_t zg_zone_apply_diff(const zg_zone_t *base, zg_diff_t *diff, zg_zone_t **zone,
                                   char *errmsg, size_t errlen);

/*!
 * \brief Take the path and line numbers of `from`, a zone with exactly the same records (e.g.
 *        the file a diff was computed from), so findings name that file and its lines.
 * \retval ZG_EINVAL  the two zones do not hold the same records in the same order
 */
ZG_API zg_err_t zg_zone_adopt_lines(zg_zone_t *zone, const zg_zone_t *from);

ZG_API zg_memo_t *zg_memo_new(void);
ZG_API void zg_memo_free(zg_memo_t *memo);

typedef struct {
	uint64_t sigs_reused;    /*!< verdicts taken from memo_in */
	uint64_t sigs_verified;  /*!< signatures verified by the crypto library in this run */
	uint64_t hashes_reused;  /*!< NSEC3 hashes taken from memo_in */
	uint64_t hashes_computed;
	bool keyset_changed;     /*!< the DNSKEY set differs from the base: nothing was reused */
	bool denial_reused;      /*!< NSEC/NSEC3 results taken whole: nothing they read changed */
} zg_memo_stats_t;

/*! \brief What the run that filled this memo reused from its memo_in. */
ZG_API zg_memo_stats_t zg_memo_stats(const zg_memo_t *memo);
