/* alert.c -- libzgalert entry points: record a verdict, test every route, heartbeat, names. */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "alerting/alert.h"
#include "alerting/deliver.h"
#include "alerting/event.h"
#include "alerting/fsutil.h"
#include "alerting/incident.h"
#include "alerting/metrics.h"
#include "alerting/spool.h"

static const char *const KIND_NAMES[ZG_ALERT_KIND_COUNT] = {
	[ZG_ALERT_WEBHOOK] = "webhook",     [ZG_ALERT_SLACK] = "slack",
	[ZG_ALERT_PAGERDUTY] = "pagerduty", [ZG_ALERT_OPSGENIE] = "opsgenie",
	[ZG_ALERT_ALERTMANAGER] = "alertmanager", [ZG_ALERT_EXEC] = "exec",
};

static const char *const SEV_NAMES[] = { "info", "warning", "error", "critical" };

const char *zg_alert_kind_name(zg_alert_kind_t kind)
{
	return (kind >= 0 && kind < ZG_ALERT_KIND_COUNT) ? KIND_NAMES[kind] : "?";
}

zg_err_t zg_alert_kind_lookup(const char *name, zg_alert_kind_t *out)
{
	for (int k = 0; name != NULL && k < ZG_ALERT_KIND_COUNT; k++) {
		if (strcmp(name, KIND_NAMES[k]) == 0) {
			*out = (zg_alert_kind_t)k;
			return ZG_EOK;
		}
	}
	return ZG_ENOENT;
}

const char *zg_alert_sev_name(zg_alert_sev_t sev)
{
	return (sev >= ZG_ALERT_SEV_INFO && sev <= ZG_ALERT_SEV_CRITICAL) ? SEV_NAMES[sev] : "none";
}

zg_err_t zg_alert_sev_lookup(const char *name, zg_alert_sev_t *out)
{
	for (int s = ZG_ALERT_SEV_INFO; name != NULL && s <= ZG_ALERT_SEV_CRITICAL; s++) {
		if (strcmp(name, SEV_NAMES[s]) == 0) {
			*out = (zg_alert_sev_t)s;
			return ZG_EOK;
		}
	}
	return ZG_ENOENT;
}

uint64_t zg_alert_backoff_ms(uint64_t initial_ms, uint64_t max_ms, unsigned attempts, double rnd)
{
	uint64_t d = initial_ms;
	for (unsigned i = 1; i < attempts && d < max_ms; i++) {
		d = d > UINT64_MAX / 2 ? UINT64_MAX : d * 2;
	}
	if (d > max_ms) {
		d = max_ms;
	}
	if (rnd < 0.0 || rnd >= 1.0) {
		rnd = 0.0;
	}
	return d / 2 + (uint64_t)((double)(d - d / 2) * rnd); /* equal jitter: [d/2, d] */
}

zg_err_t zg_alert_record(const zg_alert_conf_t *conf, const zg_alert_verdict_t *v,
                         zg_alert_checkpoint_fn checkpoint, zg_alert_record_stats_t *stats,
                         char *err, size_t errlen)
{
	zg_alert_record_stats_t local = { 0 };
	stats = stats ? stats : &local;
	memset(stats, 0, sizeof(*stats));
	if (conf == NULL || v == NULL || conf->spool == NULL) {
		return ZG_EINVAL;
	}
	zg_err_t ret = zg_alert_spool_init(conf->spool);
	int lk = ret == ZG_EOK ? zg_alert_lock(conf->spool, "state.lock") : -1;
	if (lk < 0) {
		snprintf(err, errlen, "spool %s: cannot create or lock it", conf->spool);
		return ZG_ESPOOL;
	}
	ret = zg_alert_incidents_recover(conf->spool);
	if (ret == ZG_EOK) {
		ret = zg_alert_incidents_apply(conf, v, checkpoint, stats);
	}
	if (ret != ZG_EOK) {
		snprintf(err, errlen, "spool %s: %s", conf->spool, zg_strerror(ret));
	}
	zg_err_t mret = zg_alert_metrics_update(conf, v);
	if (mret != ZG_EOK && ret == ZG_EOK) {
		snprintf(err, errlen, "metrics file %s: %s", conf->metrics_file, zg_strerror(mret));
		ret = mret;
	}
	zg_alert_unlock(lk);
	return ret;
}

static bool send_test(const zg_alert_conf_t *conf, const zg_alert_route_t *r, const char *event,
                      const char *key, uint64_t now_ms, zg_alert_result_fn cb, void *arg)
{
	json_t *ev = zg_alert_event_test(event, key, now_ms);
	zg_alert_attempt_t a = { 0 };
	if (ev == NULL) {
		snprintf(a.error, sizeof(a.error), "out of memory");
	} else {
		zg_alert_deliver(conf, r, ev, &a);
	}
	json_decref(ev);
	if (cb != NULL) {
		zg_alert_result_t res = { .route = r, .route_name = r->name, .zone = "zonegate-test.",
			                  .event = event, .key = key, .status = a.status,
			                  .error = a.error };
		res.outcome = ev != NULL && a.outcome == ZG_ALERT_SENT ? ZG_ALERT_DELIVERED
		                                                       : ZG_ALERT_FAILED;
		cb(&res, arg);
	}
	return ev != NULL && a.outcome == ZG_ALERT_SENT;
}

zg_err_t zg_alert_test(const zg_alert_conf_t *conf, uint64_t now_ms, zg_alert_result_fn cb,
                       void *arg)
{
	if (conf == NULL) {
		return ZG_EINVAL;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	bool all = true;
	char key[96];
	snprintf(key, sizeof(key), "zonegate:test:%" PRIu64, now_ms);
	for (size_t i = 0; i < conf->nroutes; i++) {
		const zg_alert_route_t *r = &conf->routes[i];
		bool ok = send_test(conf, r, "open", key, now_ms, cb, arg);
		all = all && ok;
		/* trigger-type services: close what the test opened */
		if (ok && (r->kind == ZG_ALERT_PAGERDUTY || r->kind == ZG_ALERT_OPSGENIE ||
		           r->kind == ZG_ALERT_ALERTMANAGER)) {
			all = send_test(conf, r, "resolve", key, now_ms, cb, arg) && all;
		}
	}
	return all ? ZG_EOK : ZG_EALERTSEND;
}

zg_err_t zg_alert_heartbeat(const zg_alert_conf_t *conf, long *status, char *err, size_t errlen)
{
	*status = 0;
	if (conf == NULL || conf->heartbeat_url == NULL) {
		return ZG_EINVAL;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	zg_alert_attempt_t a;
	zg_alert_http_get(conf->heartbeat_url, NULL, conf->heartbeat_timeout_ms, &a);
	*status = a.status;
	if (a.outcome != ZG_ALERT_SENT) {
		snprintf(err, errlen, "%s", a.error[0] ? a.error : "failed");
		return ZG_EALERTSEND;
	}
	return ZG_EOK;
}
