/* gate_alert.c -- the gate's alerts: the `alerting:` section of the gate's own config file goes
 * through libzgalert exactly as `zonegate verify --alert-config` does (zg_alert_record: incidents
 * + durable spool, then a detached sender flushing for sender-window). A blocked or unverifiable
 * candidate opens/updates the zone's incident, a passing installed serial resolves it, and the
 * expiry guard at critical raises a critical alert once per blocked candidate. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "alerting/alert.h"
#include "alerting/fsutil.h"
#include "gates/cli/alert_run.h"
#include "gates/cli/cli.h"
#include "gates/xfr/gate_xfr.h"

#define GATE_DIAG_MAX 8

int gate_alert_load(gate_conf_t *conf, char *err, size_t errlen)
{
	if (!conf->has_alerting) {
		return 0;
	}
	cli_alert_conf_t *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (cli_alert_conf_load(conf->path, c, err, errlen) != 0) {
		free(c);
		return -1;
	}
	conf->alert = c;
	for (size_t i = 0; i < conf->nzones; i++) {
		conf->zones[i].alert = c;
	}
	return 0;
}

void gate_alert_free(gate_conf_t *conf)
{
	if (conf->alert != NULL) {
		cli_alert_conf_free(conf->alert);
		free(conf->alert);
		conf->alert = NULL;
	}
}

/* Record (spool, incidents, metrics), one log line, then the sender. */
static void record(gate_zone_t *z, const zg_alert_verdict_t *v, bool completed)
{
	zg_alert_record_stats_t st;
	char err[1024] = "";
	if (zg_alert_record(&z->alert->conf, v, NULL, &st, err, sizeof(err)) != ZG_EOK) {
		gate_log(LOG_ERR, z->origin, "alert: could not record the alert (the verdict "
		         "stands): %s", err);
	} else if (st.spooled > 0) {
		gate_log(LOG_NOTICE, z->origin, "alert: %u opened, %u updated, %u resolved; %u "
		         "messages spooled", st.opened, st.updated, st.resolved, st.spooled);
	}
	cli_alert_spawn_sender(z->alert, completed);
}

void gate_alert_verdict(gate_zone_t *z, const zg_report_t *rep, const char *file,
                        const char *report)
{
	if (z->alert == NULL) {
		return;
	}
	const zg_diag_group_t *d;
	size_t nd = zg_report_diagnosis(rep, &d);
	char lines[GATE_DIAG_MAX][512];
	const char *diag[GATE_DIAG_MAX];
	for (size_t i = 0; i < nd && i < GATE_DIAG_MAX; i++) {
		cli_diag_sentence(&d[i], lines[i], sizeof(lines[i]));
		diag[i] = lines[i];
	}
	char left[256]; /* a blocked version's page says how long the served one lasts */
	bool blocked = zg_report_verdict(rep) != ZG_VERDICT_PASS;
	if (blocked) {
		gate_expiry_left(z, left, sizeof(left));
	}
	zg_alert_verdict_t v = { .rep = rep, .zone = z->origin, .file = file,
		                 .report_path = report, .diagnosis = diag,
		                 .ndiagnosis = nd < GATE_DIAG_MAX ? nd : GATE_DIAG_MAX,
		                 .now_ms = zg_alert_now_ms(), .note = blocked ? left : NULL };
	record(z, &v, true);
}

/* why is "id: message" (zone.parse: ..., policy: ...) or a plain message */
void gate_alert_unverified(gate_zone_t *z, const char *file, const char *why)
{
	if (z->alert == NULL) {
		return;
	}
	char id[64] = "gate.verify";
	const char *colon = strstr(why, ": ");
	const char *msg = why;
	if (colon != NULL && (size_t)(colon - why) < sizeof(id) && strchr(why, ' ') == colon + 1) {
		snprintf(id, sizeof(id), "%.*s", (int)(colon - why), why);
		msg = colon + 2;
	}
	zg_alert_verdict_t v = { .zone = z->origin, .file = file, .error_id = id,
		                 .error_msg = msg, .now_ms = zg_alert_now_ms() };
	record(z, &v, false);
}

/* The signer is stale or unreachable: class signer, once until it produces a new serial. */
void gate_alert_stale(gate_zone_t *z, const char *msg)
{
	if (z->alert == NULL || z->stale_alerted) {
		return;
	}
	z->stale_alerted = true;
	zg_alert_verdict_t v = { .zone = z->origin, .file = z->dist_file, .error_id = "gate.stale",
		                 .error_msg = msg, .now_ms = zg_alert_now_ms(), .signer = true };
	record(z, &v, false);
}

/* After an install the reload hook failed (msg) or worked (msg NULL): the distribution class
 * opens, or resolves when it is open. */
void gate_alert_distribution(gate_zone_t *z, const char *msg)
{
	if (z->alert == NULL) {
		return;
	}
	zg_alert_verdict_t v = { .zone = z->origin, .file = z->dist_file,
		                 .error_id = "gate.reload", .error_msg = msg,
		                 .now_ms = zg_alert_now_ms(), .distribution = true };
	record(z, &v, false);
}

void gate_alert_expiry(gate_zone_t *z, const char *msg)
{
	if (z->alert == NULL || (z->expiry_alerted && z->expiry_serial == z->candidate)) {
		return;
	}
	z->expiry_alerted = true;
	z->expiry_serial = z->candidate;
	/* the zone's could-not-serve condition (class unverified) raised to critical, resolved by
	 * the next passing serial */
	zg_alert_verdict_t v = { .zone = z->origin, .file = z->dist_file,
		                 .error_id = "gate.expiry-guard", .error_msg = msg,
		                 .now_ms = zg_alert_now_ms(),
		                 .severity_floor = ZG_ALERT_SEV_CRITICAL };
	record(z, &v, false);
}
