/* memo.h -- the insides of zg_memo_t (incremental.h), for memo.c and memo_denial.c. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include "verifier/finding.h"
#include "verifier/incremental.h"
#include "verifier/internal/ns_targets.h"
#include "verifier/report.h"

/* NSEC3 hashes by name index; shared by the memos of versions with the same names. */
typedef struct {
	unsigned refs;
	uint8_t (*hash)[20];
	uint8_t *hashed;
} zg_memo_hashes_t;

/* What the NSEC/NSEC3 checks of a run found: every finding, in order, and their counts.
 * Shared, read-only once the run is over, by the memos of versions that reuse it. */
typedef struct {
	unsigned refs;
	zg_finding_t *f;         /* owner and reason strings owned here */
	size_t n, cap;
	int8_t severity[ZG_F_COUNT]; /* the policy's overrides they were emitted under */
	bool complete;           /* every finding recorded, and the checks ran to the end */
	/* NSEC3: the chain's owner hashes in hash order and their opt-out flags, to tell whether
	 * an insecure delegation that comes or goes is left to an opt-out span (NULL: none) */
	uint8_t (*n3)[20];
	uint8_t *n3_optout;
	size_t nn3;
} zg_memo_denial_t;

struct zg_memo {
	const zg_zone_t *zone;   /* the zone it was filled for: identity only */
	uint32_t nsigs, nnames;
	uint8_t keyset[32];      /* SHA-256 of the DNSKEY RDATA in canonical order */
	uint8_t *sig_state;
	uint16_t *sig_key;       /* index into the DNSKEY set */
	bool has_params;
	uint8_t alg, saltlen;
	uint16_t iter;
	uint8_t salt[255];
	zg_memo_hashes_t *hashes;
	zg_memo_denial_t *denial; /* NULL: not recorded */
	zg_counts_t denial_counts; /* the NSEC/NSEC3 checks' counters (nsec, nsec3...) */
	zg_targets_t targets;     /* in-bailiwick NS targets (check_zone.c) */
	bool has_targets;
	zg_memo_stats_t stats;
};

void zg_memo_hashes_unref(zg_memo_hashes_t *h);
void zg_memo_denial_unref(zg_memo_denial_t *d);
