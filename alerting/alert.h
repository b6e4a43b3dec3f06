/* alert.h -- libzgalert: incidents from verdicts, a durable spool, delivery to paging services. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "verifier/report.h"
#include "verifier/zg_error.h"

/*! Route kinds: the payload shape and protocol of one destination. */
typedef enum {
	ZG_ALERT_WEBHOOK = 0, /*!< JSON summary, HMAC header, idempotency key */
	ZG_ALERT_SLACK,       /*!< incoming webhook: text + blocks */
	ZG_ALERT_PAGERDUTY,   /*!< Events API v2 */
	ZG_ALERT_OPSGENIE,    /*!< Alert API: create / close by alias */
	ZG_ALERT_ALERTMANAGER, /*!< POST /api/v2/alerts */
	ZG_ALERT_EXEC,        /*!< a program with the JSON summary on stdin */
	ZG_ALERT_KIND_COUNT
} zg_alert_kind_t;

/*! Alert severities (PagerDuty's four); NONE means no open condition. */
typedef enum {
	ZG_ALERT_SEV_NONE = -1,
	ZG_ALERT_SEV_INFO = 0,
	ZG_ALERT_SEV_WARNING = 1,
	ZG_ALERT_SEV_ERROR = 2,
	ZG_ALERT_SEV_CRITICAL = 3,
} zg_alert_sev_t;

/*! One destination. Strings are owned by whoever filled the struct (gates/). */
typedef struct {
	const char *name;
	zg_alert_kind_t kind;
	const char *url;          /*!< endpoint (base URL for opsgenie and alertmanager) */
	const char *secret;       /*!< HMAC secret, routing key, API key, bearer token; may be NULL */
	const char *ca_file;      /*!< extra CA bundle for https; NULL: the system store */
	const char *const *argv;  /*!< exec: program and arguments, NULL-terminated */
	zg_alert_sev_t min_severity;
	uint32_t timeout_ms;
	bool fallback;            /*!< receives alerts another route failed to deliver */
} zg_alert_route_t;

/*! Everything the library needs; parsed by gates/ from YAML. */
typedef struct {
	const char *spool;         /*!< durable outbox and incident state (required) */
	const char *metrics_file;  /*!< Prometheus textfile; NULL: none */
	const char *heartbeat_url; /*!< pinged after every completed verification; NULL: none */
	const char *report_dir;    /*!< full JSON reports referenced by alerts */
	uint32_t heartbeat_timeout_ms;
	uint64_t backoff_initial_ms, backoff_max_ms;
	uint64_t max_age_ms;       /*!< undelivered this long: permanent failure */
	uint64_t am_ttl_ms;        /*!< endsAt of a firing Alertmanager alert: now + this */
	const zg_alert_route_t *routes;
	size_t nroutes;
} zg_alert_conf_t;

/*! What one verification found, as the alerting library sees it. Borrowed. */
typedef struct {
	const zg_report_t *rep;      /*!< NULL when the zone could not be verified */
	const char *zone;            /*!< apex; NULL or "" if unknown (unverified) */
	const char *file;            /*!< zone file path */
	const char *report_path;     /*!< saved JSON report, or NULL */
	const char *error_id;        /*!< unverified: "zone.parse", "policy", ... */
	const char *error_msg;       /*!< unverified: the one-line message */
	const char *const *diagnosis; /*!< key-tag diagnosis sentences */
	size_t ndiagnosis;
	double duration_s;           /*!< wall time of the verification */
	uint64_t now_ms;             /*!< real time (not --time): alert and metric timestamps */
	zg_alert_sev_t severity_floor; /*!< every condition this verdict raises is at least this
	                                *   severe (e.g. the XFR gate's expiry guard: critical);
	                                *   0 (info, the default) changes nothing */
	bool signer;                 /*!< with rep NULL: not a zone that could not be verified but
	                              *   a signer that is stale or unreachable (class "signer",
	                              *   error; the next verified version resolves it) */
	const char *note;            /*!< appended to the summary of what opens or updates (the XFR
	                              *   gate: how long the served version's signatures last) */
	bool distribution;           /*!< with rep NULL: the distribution's reload (publish --then,
	                              *   the XFR gate's reload hook) after installing a version
	                              *   failed (error_msg set: class "distribution" at error) or
	                              *   worked (error_msg NULL: resolves it). Verification
	                              *   verdicts leave that class alone. */
} zg_alert_verdict_t;

/*! Per-route result of a delivery attempt, for the caller's log. */
typedef struct {
	const zg_alert_route_t *route; /*!< NULL if the spooled route is no longer configured */
	const char *route_name;
	const char *zone;
	const char *event;       /*!< "open", "update", "resolve", "test", "heartbeat" */
	const char *key;         /*!< idempotency key of the message */
	long status;             /*!< HTTP status, exec exit status, 0 if none */
	const char *error;       /*!< transport error text (never contains secrets), or "" */
	enum { ZG_ALERT_DELIVERED, ZG_ALERT_RETRY, ZG_ALERT_FAILED, ZG_ALERT_ESCALATED } outcome;
} zg_alert_result_t;

typedef void (*zg_alert_result_fn)(const zg_alert_result_t *r, void *arg);

/*! Counts of what record() did, for the caller's one-line log. */
typedef struct {
	unsigned opened, updated, resolved; /*!< incidents */
	unsigned spooled;                   /*!< spool entries written */
} zg_alert_record_stats_t;

/*! Crash points for the kill tests: called with "state-written" and "spooled". */
typedef void (*zg_alert_checkpoint_fn)(const char *where);

/*!
 * \brief Turn a verdict into incident transitions, spool every message durably, update metrics.
 * \retval ZG_EOK      spooled (nothing delivered yet)
 * \retval ZG_ESPOOL   the spool or state could not be written; see errno-style detail in err
 */
ZG_API zg_err_t zg_alert_record(const zg_alert_conf_t *conf, const zg_alert_verdict_t *v,
                                zg_alert_checkpoint_fn checkpoint, zg_alert_record_stats_t *stats,
                                char *err, size_t errlen);

/*! Options of one spool pass. */
typedef struct {
	uint64_t wait_ms;     /*!< keep retrying until the spool is empty or this much time passed */
	bool refresh;         /*!< re-post open incidents to Alertmanager routes (it forgets them) */
} zg_alert_flush_opts_t;

/*! Totals of one flush. */
typedef struct {
	unsigned delivered, retry, failed, escalated, pending;
} zg_alert_flush_stats_t;

/*!
 * \brief Deliver due spool entries once (or until empty within wait_ms). 2xx removes an entry;
 *        408, 429, 5xx and transport errors back off; other 4xx and entries older than max_age
 *        fail permanently: they move to spool/dead and escalate to the fallback routes.
 * \retval ZG_EOK     the pass ran (see stats for what happened)
 * \retval ZG_ESPOOL  the spool could not be read or written
 */
ZG_API zg_err_t zg_alert_flush(const zg_alert_conf_t *conf, const zg_alert_flush_opts_t *opts,
                               zg_alert_result_fn cb, void *arg, zg_alert_flush_stats_t *stats,
                               char *err, size_t errlen);

/*!
 * \brief Send a clearly marked test alert to every route now (no spool); trigger-type routes also
 *        get the matching resolve/close. cb is called once per request.
 * \retval ZG_EOK         every route answered 2xx
 * \retval ZG_EALERTSEND  at least one route failed
 */
ZG_API zg_err_t zg_alert_test(const zg_alert_conf_t *conf, uint64_t now_ms, zg_alert_result_fn cb,
                              void *arg);

/*! \brief Ping the heartbeat URL once (GET); *status gets the HTTP status. */
ZG_API zg_err_t zg_alert_heartbeat(const zg_alert_conf_t *conf, long *status, char *err,
                                   size_t errlen);

/*! \brief "webhook", "slack", ...; and back (ZG_ENOENT if unknown). */
ZG_API const char *zg_alert_kind_name(zg_alert_kind_t kind);
ZG_API zg_err_t zg_alert_kind_lookup(const char *name, zg_alert_kind_t *out);
/*! \brief "info", "warning", "error", "critical" ("none" for NONE); and back. */
ZG_API const char *zg_alert_sev_name(zg_alert_sev_t sev);
ZG_API zg_err_t zg_alert_sev_lookup(const char *name, zg_alert_sev_t *out);

/*!
 * \brief Backoff before attempt n+1 after n failed attempts: exponential with equal jitter,
 *        in [d/2, d] where d = min(initial * 2^(n-1), max). rnd is a uniform value in [0, 1).
 */
ZG_API uint64_t zg_alert_backoff_ms(uint64_t initial_ms, uint64_t max_ms, unsigned attempts,
                                    double rnd);
