/* report.h -- the verification report: verdict, counts, findings capped per id, keys, diagnosis. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include "verifier/finding.h"

typedef struct zg_report zg_report_t;

typedef struct {
	uint64_t names, rrsets, rrs, delegations, secure_delegations;
	uint64_t rrsets_authoritative, rrsigs, rrsigs_verified, rrsigs_valid, rrsigs_bogus;
	uint64_t nsec, nsec3;              /*!< denial records checked */
	uint64_t nsec3_matched;            /*!< names and ENTs matched to their NSEC3 */
	uint64_t nsec3_optout;             /*!< insecure delegations left to opt-out spans */
	uint64_t findings[3]; /*!< by effective severity */
} zg_counts_t;

/*! Findings of one id: total and the first examples (owned by the report). */
typedef struct {
	zg_finding_id_t id;
	zg_severity_t severity; /*!< highest effective severity seen */
	uint64_t total;
	size_t nexamples;
	const zg_finding_t *examples;
} zg_report_group_t;

typedef struct {
	uint16_t tag, flags;
	uint8_t algorithm;
	unsigned bits;         /*!< 0 if the key is unusable */
	bool ds_matched;       /*!< a parent DS matches (only meaningful with --ds) */
	uint64_t signatures, valid, bogus;
	bool has_expiration;
	uint32_t earliest_expiration;
} zg_report_key_t;

#define ZG_DIAG_MAX_MAKERS 16

/*! One key that made bogus signatures claiming a published tag. */
typedef struct {
	uint16_t tag;          /*!< tag of the recovered/candidate key (flags of the claim) */
	uint64_t signatures;   /*!< bogus signatures it made */
	char key_b64[704];     /*!< DNSKEY public key (base64; RSA up to 4096 bits) */
	char source[192];      /*!< "recovered from the signatures", "candidate FILE:LINE" or a label */
} zg_diag_maker_t;

/*! Bogus signatures grouped by (algorithm, key tag). */
typedef struct {
	uint8_t algorithm;
	uint16_t tag;
	unsigned published;        /*!< published zone keys with this (alg, tag) */
	uint64_t signatures;       /*!< all RRSIGs claiming (alg, tag) */
	uint64_t bogus;
	uint64_t unattributed;     /*!< bogus ones no maker could be found for */
	bool nsec3_among_bogus;    /*!< NSEC/NSEC3 RRSIGs among the bogus ones */
	size_t nmakers;
	zg_diag_maker_t makers[ZG_DIAG_MAX_MAKERS];
} zg_diag_group_t;

typedef enum { ZG_VERDICT_PASS = 0, ZG_VERDICT_BLOCKED = 1 } zg_verdict_t;

typedef struct {
	char zone[1024];
	bool has_serial;
	uint32_t serial;
	uint64_t evaluated_at;
	bool ds_given;
	bool cross_checked;
	char path[4096];        /*!< the zone file (a copy: the report outlives the zone) */
} zg_report_meta_t;

ZG_API void zg_report_free(zg_report_t *rep);
ZG_API zg_verdict_t zg_report_verdict(const zg_report_t *rep);
ZG_API const zg_report_meta_t *zg_report_meta(const zg_report_t *rep);
ZG_API const zg_counts_t *zg_report_counts(const zg_report_t *rep);
/*! \brief Groups in catalogue order, only ids that occurred. */
ZG_API size_t zg_report_groups(const zg_report_t *rep, const zg_report_group_t **groups);
ZG_API size_t zg_report_keys(const zg_report_t *rep, const zg_report_key_t **keys);
ZG_API size_t zg_report_diagnosis(const zg_report_t *rep, const zg_diag_group_t **groups);
/*! \brief Total findings with this id (0 if none). */
ZG_API uint64_t zg_report_count(const zg_report_t *rep, zg_finding_id_t id);
