/* metrics.h -- Prometheus text exposition (node_exporter textfile collector), all zones. */
#pragma once

#include "alerting/alert.h"

/*!
 * \brief Remember this verification's numbers for its zone (SPOOL/metrics) and rewrite
 *        conf->metrics_file atomically with every zone's. Caller holds the state lock.
 */
zg_err_t zg_alert_metrics_update(const zg_alert_conf_t *conf, const zg_alert_verdict_t *v);

/*! \brief The exposition text for the stored zones (malloc'd, caller frees); NULL on error. */
char *zg_alert_metrics_render(const char *spool);
