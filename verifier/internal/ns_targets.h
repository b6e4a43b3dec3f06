/* ns_targets.h -- the in-bailiwick targets of a zone's NS RRs, each with the number of NS RRs
 * naming it: an address record below a cut is glue only if some NS names it (check_zone.c).
 * Kept in the memo so that a version made by a diff updates its base's set by the names the
 * diff regrouped instead of reading every NS RR again. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "verifier/internal/zone_model.h"

typedef struct {
	uint64_t hash;       /* of the name: most probes miss on it without reading the name */
	const uint8_t *name; /* NULL: empty slot */
	uint32_t count;      /* NS RRs naming it; 0: none any more */
} zg_target_t;

/* Open addressing by hash; no slots: no targets. */
typedef struct {
	zg_target_t *slot;
	size_t mask, used; /* slots - 1; slots holding a name */
} zg_targets_t;

/*! \brief The targets of z's NS RRs (ZG_ENOMEM). */
zg_err_t zg_targets_build(const zg_zone_t *z, zg_targets_t *t);
/*!
 * \brief The targets of z, made by zg_zone_apply_diff() from base (z->base_id), from base's:
 *        counts of the names z regrouped taken out, theirs in z put in.
 * \retval ZG_EINVAL  from is not base's set (a target it lacks): build instead
 */
zg_err_t zg_targets_derive(const zg_targets_t *from, const zg_zone_t *base, const zg_zone_t *z,
                           zg_targets_t *t);
/*! \brief Does some NS RR name it? */
bool zg_targets_has(const zg_targets_t *t, const uint8_t *name);
void zg_targets_free(zg_targets_t *t);
