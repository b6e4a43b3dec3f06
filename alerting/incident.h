/* incident.h -- durable incident state: one JSON file per (zone, class) in SPOOL/incidents. */
#pragma once

#include <jansson.h>
#include "alerting/alert.h"

/*!
 * \brief Apply one verdict to the incidents of its zone: open, update or resolve per route, and
 *        spool the messages. Write-ahead: the new state with its messages as "pending" is written
 *        first, then the messages are spooled, then "pending" is cleared, so a crash at any point
 *        either loses nothing or is finished by zg_alert_incidents_recover(). Caller holds the
 *        state lock.
 */
zg_err_t zg_alert_incidents_apply(const zg_alert_conf_t *conf, const zg_alert_verdict_t *v,
                                  zg_alert_checkpoint_fn checkpoint,
                                  zg_alert_record_stats_t *stats);

/*! \brief Spool the pending messages of states a crash left behind (idempotent). Caller locks. */
zg_err_t zg_alert_incidents_recover(const char *spool);

/*! \brief Call fn for every open incident state (for the Alertmanager refresh). Caller locks. */
zg_err_t zg_alert_incidents_each(const char *spool, void (*fn)(const json_t *state, void *arg),
                                 void *arg);
