/* zone_load.h -- one libzscanner run over a range of the zone file into a model builder
 * (zone_load.c), shared by the sequential and the parallel load (zone_split.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libzscanner/scanner.h>
#include "verifier/internal/zone_build.h"
#include "verifier/internal/zone_input.h"

/* What a scanner carries from one line to the next outside a record: $ORIGIN, $TTL, line. */
typedef struct {
	uint8_t origin[ZS_MAX_DNAME_LENGTH + ZS_MAX_LABEL_LENGTH];
	uint32_t origin_len;
	uint32_t ttl;
	uint64_t line;
} zg_scan_state_t;

typedef struct {
	const uint8_t *p;
	uint16_t len;
} zg_rdslot_t;

typedef struct {
	zg_zone_t *zone;      /* records go to zone->arena and its builder */
	zg_build_t build;
	zs_scanner_t *main;   /* the range's scanner; records of an $INCLUDEd file come from others */
	zg_release_t rel;
	zg_rdslot_t *cache;   /* short RDATA stored once (NS targets, glue addresses) */
	size_t n;             /* records */
	bool included;        /* a record came from an $INCLUDEd file */
	zg_err_t err;
	char *errmsg;
	size_t errlen;
} zg_load_ctx_t;

/*! \brief Records into zone (its arena set); errors as "file:line: reason" into errmsg. */
zg_err_t zg_load_ctx_init(zg_load_ctx_t *ctx, zg_zone_t *zone, char *errmsg, size_t errlen);
void zg_load_ctx_deinit(zg_load_ctx_t *ctx);

/*!
 * \brief Parse [start, start + len) of the file at path into ctx.
 * \param origin  the zone origin (presentation form)
 * \param from    scanner state at start (NULL: the file's start: origin, TTL 3600, line 1)
 * \param[out] to the state at the end (may be NULL)
 */
zg_err_t zg_load_range(zg_load_ctx_t *ctx, const char *path, const char *origin,
                       const zg_scan_state_t *from, const char *start, size_t len,
                       zg_scan_state_t *to);

/*!
 * \brief Load the whole input on up to `threads` threads into z (finished, not marked). *split
 *        is false, and nothing done, when the file is too small or cannot be split (zone_split.c).
 * \param[out] records  records loaded
 */
zg_err_t zg_load_split(zg_zone_t *z, const zg_input_t *in, const char *path, const char *origin,
                       unsigned threads, size_t *records, bool *split, char *errmsg,
                       size_t errlen);
/*! \brief Tests only: split files of at least `min` bytes, with a head of at least `head`. */
void zg_load_split_limits(size_t min, size_t head);
/*! \brief Tests only: parts planned and parts kept (head included) by the last split load. */
void zg_load_split_stats(size_t *parts, size_t *kept);
