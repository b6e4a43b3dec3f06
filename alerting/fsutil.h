/* fsutil.h -- libzgalert helpers: atomic files, JSON files, locks, clocks, hashes, randomness. */
#pragma once

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "verifier/zg_error.h"

/*!
 * \brief Write dir/name atomically: dir/.name.tmp.<pid>, fsync, rename, fsync dir. On error the
 *        temp file is removed and the previous dir/name stays as it was.
 */
zg_err_t zg_alert_atomic_write(const char *dir, const char *name, const void *data, size_t len);
/*! \brief Same for a JSON document (compact, one line plus newline). */
zg_err_t zg_alert_json_save(const char *dir, const char *name, const json_t *doc);
/*! \brief Load dir/name; ZG_ENOENT if absent, ZG_EMALF if not JSON. *out is owned by the caller. */
zg_err_t zg_alert_json_load(const char *dir, const char *name, json_t **out);
/*! \brief mkdir -p of dir/sub (mode 0700); ok if it exists. */
zg_err_t zg_alert_mkdir(const char *dir, const char *sub);
/*! \brief unlink dir/name and fsync dir; ok if it does not exist. */
zg_err_t zg_alert_unlink(const char *dir, const char *name);
/*! \brief Take an exclusive flock on dir/name (created); returns the fd or -1. Blocks. */
int zg_alert_lock(const char *dir, const char *name);
void zg_alert_unlock(int fd);

/*! \brief Milliseconds since the epoch (CLOCK_REALTIME) and a monotonic clock in ms. */
uint64_t zg_alert_now_ms(void);
uint64_t zg_alert_mono_ms(void);
/*! \brief "2026-11-23T08:10:46.123Z" (milliseconds) into buf (>= 32 bytes). */
const char *zg_alert_iso8601(uint64_t ms, char *buf, size_t size);
/*! \brief Lowercase hex SHA-256 of data, first hexlen characters (<= 64). */
void zg_alert_sha256_hex(const void *data, size_t len, char *out, size_t hexlen);
/*! \brief Lowercase hex HMAC-SHA256 (64 characters + NUL into out, >= 65 bytes). */
zg_err_t zg_alert_hmac_hex(const char *key, const void *data, size_t len, char *out, size_t size);
/*! \brief A uniform value in [0, 1) from getrandom(2). */
double zg_alert_random01(void);
/*! \brief Sleep ms milliseconds (restarted on EINTR). */
void zg_alert_sleep_ms(uint64_t ms);
