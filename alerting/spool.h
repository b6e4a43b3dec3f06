/* spool.h -- the durable outbox: one atomic JSON file per (message, route) in SPOOL/out. */
#pragma once

#include <jansson.h>
#include <stdint.h>
#include "verifier/zg_error.h"

#define ZG_ALERT_SPOOL_OUT "out"
#define ZG_ALERT_SPOOL_DEAD "dead"
#define ZG_ALERT_SPOOL_INCIDENTS "incidents"
#define ZG_ALERT_SPOOL_METRICS "metrics"

/*! \brief Create SPOOL and its subdirectories (0700). */
zg_err_t zg_alert_spool_init(const char *spool);

/*!
 * \brief A new entry {file, route, event, created_ms, attempts 0, next_attempt_ms}; the file name
 *        is "<created_ms>-<hash of key and route>.json" so names sort in spooling order and a
 *        re-spool of the same message overwrites instead of duplicating. NULL on ENOMEM.
 */
json_t *zg_alert_spool_entry(const char *route, json_t *event, uint64_t now_ms);

/*! \brief Write an entry to SPOOL/out atomically (fsync'd before this returns). */
zg_err_t zg_alert_spool_push(const char *spool, const json_t *entry);

/*! \brief Sorted names of SPOOL/out/<*.json>; free with zg_alert_spool_names_free(). */
zg_err_t zg_alert_spool_list(const char *spool, char ***names, size_t *n);
void zg_alert_spool_names_free(char **names, size_t n);

/*!
 * \brief Open and lock one entry for delivery (flock, non-blocking) and read it.
 * \retval ZG_EOK     *fd locked, *entry loaded
 * \retval ZG_ESPOOLBUSY  another sender holds it: *entry is loaded (caller frees), *fd is -1
 * \retval ZG_ENOENT  gone (delivered by someone else)
 */
zg_err_t zg_alert_spool_claim(const char *spool, const char *name, int *fd, json_t **entry);
/*! \brief Release a claimed entry (unlock and close). */
void zg_alert_spool_release(int fd);
/*! \brief Entry delivered: remove it. */
zg_err_t zg_alert_spool_done(const char *spool, const char *name);
/*! \brief Entry failed permanently: write it to SPOOL/dead with the reason, remove from out. */
zg_err_t zg_alert_spool_dead(const char *spool, const char *name, json_t *entry,
                             const char *reason);
