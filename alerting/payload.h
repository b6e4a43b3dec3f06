/* payload.h -- one HTTP request per (route kind, event): URL, headers and body. */
#pragma once

#include <jansson.h>
#include "alerting/alert.h"

#define ZG_ALERT_MAX_HEADERS 6

/*! A rendered request; may contain secrets: release with zg_alert_req_deinit (wipes). */
typedef struct {
	char *url;
	char *body;
	size_t nheaders;
	char *headers[ZG_ALERT_MAX_HEADERS];
} zg_alert_req_t;

/*!
 * \brief Render the request for route r and event ev (zonegate-alert/1). now_ms stamps
 *        Alertmanager's endsAt; the secret goes where the kind wants it (HMAC, routing_key, ...).
 * \retval ZG_EOK, ZG_ENOMEM, ZG_EINVAL (exec has no request; missing secret where one is required)
 */
zg_err_t zg_alert_payload(const zg_alert_conf_t *conf, const zg_alert_route_t *r, const json_t *ev,
                          uint64_t now_ms, zg_alert_req_t *req);
void zg_alert_req_deinit(zg_alert_req_t *req);

/*! \brief The body as JSON (tests, exec stdin): the event itself for webhook and exec. */
json_t *zg_alert_payload_json(const zg_alert_conf_t *conf, const zg_alert_route_t *r,
                              const json_t *ev, uint64_t now_ms);
