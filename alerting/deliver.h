/* deliver.h -- one delivery attempt: HTTP through libcurl, or a program for exec routes. */
#pragma once

#include <jansson.h>
#include "alerting/alert.h"

typedef enum {
	ZG_ALERT_SENT = 0,   /*!< 2xx (exec: exit 0) */
	ZG_ALERT_TRANSIENT,  /*!< 408, 429, 5xx, timeout, refused (exec: 75, signal, timeout) */
	ZG_ALERT_PERMANENT,  /*!< other 4xx, 3xx (redirects are not followed) (exec: other exits) */
} zg_alert_outcome_t;

typedef struct {
	zg_alert_outcome_t outcome;
	long status;           /*!< HTTP status or exit status, 0 if none */
	uint64_t retry_after_ms; /*!< from a Retry-After header, 0 if none */
	char error[256];       /*!< transport error, no URL and no secret */
} zg_alert_attempt_t;

/*! \brief Classify an HTTP status (0 = no response). */
zg_alert_outcome_t zg_alert_classify(long status);

/*! \brief Deliver event ev to route r once. */
void zg_alert_deliver(const zg_alert_conf_t *conf, const zg_alert_route_t *r, const json_t *ev,
                      zg_alert_attempt_t *out);

/*! \brief GET url with a timeout (heartbeat). */
void zg_alert_http_get(const char *url, const char *ca_file, uint32_t timeout_ms,
                       zg_alert_attempt_t *out);
