/* event.h -- condition classes of findings and the neutral alert event (the webhook body). */
#pragma once

#include <jansson.h>
#include "alerting/alert.h"
#include "verifier/finding.h"

/* Condition classes: one incident per (zone, class). Order is fixed (state file names). */
#define ZG_ALERT_CLASSES(X) \
	X(ZG_ALERT_CL_SIGNATURES, "signatures") \
	X(ZG_ALERT_CL_KEYS, "keys") \
	X(ZG_ALERT_CL_DENIAL, "denial") \
	X(ZG_ALERT_CL_CONTENT, "content") \
	X(ZG_ALERT_CL_OTHER, "other") \
	X(ZG_ALERT_CL_UNVERIFIED, "unverified") \
	X(ZG_ALERT_CL_SIGNER, "signer") \
	X(ZG_ALERT_CL_DISTRIBUTION, "distribution")

#define ZG_ALERT_CL_ENUM(name, str) name,
typedef enum { ZG_ALERT_CLASSES(ZG_ALERT_CL_ENUM) ZG_ALERT_NCLASSES } zg_alert_class_t;

/*! \brief "signatures", ... */
const char *zg_alert_class_name(zg_alert_class_t c);
/*! \brief The class a finding id belongs to (rrsig.* and nsec3.unsigned: signatures, ...). */
zg_alert_class_t zg_alert_class_of(zg_finding_id_t id);
/*! \brief Alert severity of every class for one verdict (NONE where nothing is wrong). */
void zg_alert_classes_eval(const zg_alert_verdict_t *v, zg_alert_sev_t sev[ZG_ALERT_NCLASSES]);

/*! What the event is about; strings borrowed. */
typedef struct {
	const char *event;       /*!< "open", "update", "resolve" */
	const char *key;         /*!< idempotency key of this message */
	const char *dedup_key;   /*!< the incident's key (PagerDuty dedup_key, Opsgenie alias) */
	const char *zone;        /*!< zone label (apex, or the file when it is unknown) */
	zg_alert_class_t cls;
	zg_alert_sev_t severity;      /*!< the incident's (resolve: the one that was open) */
	zg_alert_sev_t prev_severity; /*!< update: what the route had before, NONE if same */
	uint64_t opened_ms;
	bool test;
} zg_alert_event_info_t;

/*! \brief The webhook body (schema zonegate-alert/1) for one message; NULL on ENOMEM. */
json_t *zg_alert_event_new(const zg_alert_verdict_t *v, const zg_alert_event_info_t *info);
/*! \brief A clearly marked test event ("test": true). */
json_t *zg_alert_event_test(const char *event, const char *key, uint64_t now_ms);

/* Accessors for payload builders (empty string / 0 when absent). */
const char *zg_alert_ev_str(const json_t *ev, const char *field);
uint64_t zg_alert_ev_u64(const json_t *ev, const char *field);
zg_alert_sev_t zg_alert_ev_sev(const json_t *ev, const char *field);
