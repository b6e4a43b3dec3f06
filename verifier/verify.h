/* verify.h -- zg_verify(): every check of the catalogue over one loaded zone. */
#pragma once

#include <stdint.h>
#include "verifier/crypto.h"
#include "verifier/finding.h"
#include "verifier/incremental.h"
#include "verifier/key_history.h"
#include "verifier/policy.h"
#include "verifier/report.h"
#include "verifier/zone.h"

/*! A candidate key from elsewhere (e.g. an HSM object), used only to attribute bogus signatures. */
typedef struct {
	const uint8_t *rdata;  /*!< full DNSKEY RDATA (flags, protocol, algorithm, key) */
	uint16_t rdlen;
	const char *source;    /*!< shown in the diagnosis, e.g. "token hsm1 label 'de. ZSK' id 5f08.." */
} zg_candidate_key_t;

typedef struct {
	uint64_t now;                      /*!< evaluation time, UNIX seconds (never read from a clock here) */
	const zg_policy_t *policy;         /*!< NULL: defaults */
	const zg_zone_t *ds;               /*!< parent DS RRset (owner = apex), or NULL */
	const zg_zone_t *prev;             /*!< previous version, or NULL */
	const zg_zone_t *unsigned_zone;    /*!< signer input, or NULL */
	const zg_zone_t *candidates;       /*!< extra DNSKEYs for attribution, or NULL */
	const zg_candidate_key_t *extra_keys; /*!< more candidates with their own labels */
	size_t nextra_keys;
	const zg_crypto_backend_t *cross;  /*!< second crypto backend, or NULL */
	zg_sink_t *sink;                   /*!< extra sink, gets every finding; may be NULL */
	unsigned threads;                  /*!< 0 or 1: single-threaded */
	zg_memo_t *memo_out;               /*!< filled with this run's reusable results, or NULL */
	const zg_memo_t *memo_in;          /*!< results of an earlier run over memo_base, or NULL */
	const zg_zone_t *memo_base;        /*!< the zone memo_in was filled for (incremental.h) */
	const zg_key_history_t *history;   /*!< key history (rollover.* timing), or NULL: --prev */
	size_t nhistory;
} zg_verify_opts_t;

/*!
 * \brief Run every check; findings go to the report (and opts->sink).
 * \param[out] report  new report, release with zg_report_free()
 * \retval ZG_EOK      the zone was verified; the verdict is in the report
 * \retval ZG_ENOMEM, ZG_ECRYPTO  the work could not be done: the caller must block
 */
ZG_API zg_err_t zg_verify(const zg_zone_t *zone, const zg_verify_opts_t *opts,
                          zg_report_t **report);
