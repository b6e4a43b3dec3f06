/* zone.h -- loading a zone file into the canonical, read-only zone model. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "verifier/zg_error.h"

typedef struct zg_zone zg_zone_t;

#define ZG_ERRMSG_LEN 512

/*!
 * \brief Load and canonicalise a zone file (libzscanner: $ORIGIN, $TTL, $INCLUDE, generic RRs).
 * \param origin  apex in presentation form, or NULL to take the owner of the first SOA
 * \param[out] zone    new zone, release with zg_zone_free()
 * \param[out] errmsg  on failure: one line "file:line: reason" (may be NULL)
 * \retval ZG_EOK     loaded (semantic problems are findings, reported later)
 * \retval ZG_EIO     file missing, unreadable or not a regular file
 * \retval ZG_EPARSE  syntax error, truncated record, empty file
 * \retval ZG_EORIGIN no origin given and no SOA found
 */
ZG_API zg_err_t zg_zone_load(const char *path, const char *origin, zg_zone_t **zone, char *errmsg,
                             size_t errlen);
/*!
 * \brief zg_zone_load() on up to `threads` threads (0: one per online CPU; 1: one scanner).
 *        A large file is split at record boundaries and parsed in parts side by side; the
 *        result, line numbers and error messages included, is that of one scanner.
 */
ZG_API zg_err_t zg_zone_load_threads(const char *path, const char *origin, unsigned threads,
                                     zg_zone_t **zone, char *errmsg, size_t errlen);
ZG_API void zg_zone_free(zg_zone_t *zone);
/*! \brief Origin in presentation form. */
ZG_API const char *zg_zone_origin_str(const zg_zone_t *zone, char *buf, size_t size);
/*! \brief SOA serial of the apex SOA; false if there is none. */
ZG_API bool zg_zone_serial(const zg_zone_t *zone, uint32_t *serial);
/*! \brief Number of RRs loaded (RRSIGs included), after duplicate removal. */
ZG_API size_t zg_zone_rr_count(const zg_zone_t *zone);
/*!
 * \brief Records parsed so far by every zone load of this process, on any thread (counted in
 *        steps of 1024): for a progress display that watches a load from another thread.
 */
ZG_API uint64_t zg_zone_records_parsed(void);
