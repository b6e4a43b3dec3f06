/* event.c -- findings to condition classes, and the neutral event every payload is rendered from. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "alerting/event.h"
#include "alerting/fsutil.h"

#define TOP_FINDINGS 5
#define SUMMARY_IDS 3

#define ZG_ALERT_CL_STR(name, str) str,
static const char *const CLASS_NAMES[] = { ZG_ALERT_CLASSES(ZG_ALERT_CL_STR) };

const char *zg_alert_class_name(zg_alert_class_t c)
{
	return (c >= 0 && c < ZG_ALERT_NCLASSES) ? CLASS_NAMES[c] : "other";
}

/* Family of an id = text before the dot; a few ids belong to the signatures class by cause. */
zg_alert_class_t zg_alert_class_of(zg_finding_id_t id)
{
	static const struct {
		const char *prefix;
		zg_alert_class_t cls;
	} FAMILIES[] = {
		{ "rrsig.", ZG_ALERT_CL_SIGNATURES }, { "crypto.", ZG_ALERT_CL_SIGNATURES },
		{ "dnskey.", ZG_ALERT_CL_KEYS },      { "ds.", ZG_ALERT_CL_KEYS },
		{ "cds.", ZG_ALERT_CL_KEYS },         { "nsec.", ZG_ALERT_CL_DENIAL },
		{ "nsec3.", ZG_ALERT_CL_DENIAL },     { "zone.", ZG_ALERT_CL_CONTENT },
		{ "zonemd.", ZG_ALERT_CL_CONTENT },
	};
	if (id == ZG_F_NSEC3_UNSIGNED || id == ZG_F_DNSKEY_REVOKED_SIGNER) {
		return ZG_ALERT_CL_SIGNATURES; /* a signature problem seen from another check */
	}
	const char *name = zg_finding_name(id);
	for (size_t i = 0; name != NULL && i < sizeof(FAMILIES) / sizeof(FAMILIES[0]); i++) {
		if (strncmp(name, FAMILIES[i].prefix, strlen(FAMILIES[i].prefix)) == 0) {
			return FAMILIES[i].cls;
		}
	}
	return ZG_ALERT_CL_OTHER;
}

void zg_alert_classes_eval(const zg_alert_verdict_t *v, zg_alert_sev_t sev[ZG_ALERT_NCLASSES])
{
	for (int c = 0; c < ZG_ALERT_NCLASSES; c++) {
		sev[c] = ZG_ALERT_SEV_NONE;
	}
	const zg_report_group_t *g = NULL;
	size_t n = v->rep ? zg_report_groups(v->rep, &g) : 0;
	if (v->rep == NULL && v->signer) {
		sev[ZG_ALERT_CL_SIGNER] = ZG_ALERT_SEV_ERROR;
	} else if (v->rep == NULL && v->distribution) {
		sev[ZG_ALERT_CL_DISTRIBUTION] = v->error_msg ? ZG_ALERT_SEV_ERROR : ZG_ALERT_SEV_NONE;
	} else if (v->rep == NULL) {
		sev[ZG_ALERT_CL_UNVERIFIED] = ZG_ALERT_SEV_ERROR;
	}
	for (size_t i = 0; i < n; i++) {
		zg_alert_sev_t s = g[i].severity == ZG_SEV_ERROR     ? ZG_ALERT_SEV_CRITICAL
		                   : g[i].severity == ZG_SEV_WARNING ? ZG_ALERT_SEV_WARNING
		                                                     : ZG_ALERT_SEV_NONE;
		zg_alert_class_t c = zg_alert_class_of(g[i].id);
		if (s > sev[c]) {
			sev[c] = s;
		}
	}
	for (int c = 0; c < ZG_ALERT_NCLASSES; c++) { /* the caller's floor: raised, never opened */
		if (sev[c] != ZG_ALERT_SEV_NONE && sev[c] < v->severity_floor) {
			sev[c] = v->severity_floor;
		}
	}
}

static int set_new(json_t *o, const char *k, json_t *v)
{
	return v == NULL ? -1 : json_object_set_new(o, k, v);
}

static json_t *counts_json(const zg_report_t *rep)
{
	json_t *o = json_object();
	const zg_report_group_t *g;
	size_t n = rep ? zg_report_groups(rep, &g) : 0;
	for (size_t i = 0; o != NULL && i < n; i++) {
		set_new(o, zg_finding_name(g[i].id), json_integer((json_int_t)g[i].total));
	}
	return o;
}

static json_t *finding_json(const zg_finding_t *f)
{
	json_t *o = json_object();
	set_new(o, "id", json_string(zg_finding_name(f->id)));
	set_new(o, "severity", json_string(zg_severity_name(f->severity)));
	set_new(o, "owner", f->owner ? json_string(f->owner) : json_null());
	set_new(o, "type", json_integer(f->rrtype));
	set_new(o, "key_tag", f->has_key ? json_integer(f->keytag) : json_null());
	set_new(o, "algorithm", f->has_key ? json_integer(f->algorithm) : json_null());
	set_new(o, "reason", json_string(f->reason ? f->reason : ""));
	return o;
}

/* The first examples of the class's ids (all ids for a resolve), errors first. */
static json_t *top_json(const zg_report_t *rep, zg_alert_class_t cls, bool any_class)
{
	json_t *a = json_array();
	const zg_report_group_t *g;
	size_t n = rep ? zg_report_groups(rep, &g) : 0;
	for (int sev = ZG_SEV_ERROR; sev >= ZG_SEV_WARNING; sev--) {
		for (size_t i = 0; a != NULL && i < n; i++) {
			if ((int)g[i].severity != sev || (!any_class && zg_alert_class_of(g[i].id) != cls)) {
				continue;
			}
			for (size_t k = 0; k < g[i].nexamples && json_array_size(a) < TOP_FINDINGS; k++) {
				json_array_append_new(a, finding_json(&g[i].examples[k]));
			}
		}
	}
	return a;
}

/* "25 rrsig.bogus, 11 nsec3.unsigned" for the class's ids of at least warning level. */
static void ids_text(const zg_report_t *rep, zg_alert_class_t cls, char *buf, size_t size)
{
	const zg_report_group_t *g;
	size_t n = rep ? zg_report_groups(rep, &g) : 0, shown = 0, used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && shown < SUMMARY_IDS; i++) {
		if (g[i].severity == ZG_SEV_NOTICE || zg_alert_class_of(g[i].id) != cls) {
			continue;
		}
		int w = snprintf(buf + used, size - used, "%s%" PRIu64 " %s", shown ? ", " : "",
		                 g[i].total, zg_finding_name(g[i].id));
		if (w < 0 || (size_t)w >= size - used) {
			break;
		}
		used += (size_t)w;
		shown++;
	}
}

static void summary_text(const zg_alert_verdict_t *v, const zg_alert_event_info_t *in, char *buf,
                         size_t size)
{
	const zg_report_meta_t *m = v->rep ? zg_report_meta(v->rep) : NULL;
	char serial[24] = "";
	if (m != NULL && m->has_serial) {
		snprintf(serial, sizeof(serial), " serial %" PRIu32, m->serial);
	}
	char ids[400];
	ids_text(v->rep, in->cls, ids, sizeof(ids));
	if (strcmp(in->event, "resolve") == 0) {
		snprintf(buf, size, "%s%s %s: %s condition resolved", in->zone, serial,
		         v->rep && zg_report_verdict(v->rep) == ZG_VERDICT_BLOCKED ? "verified" : "passes",
		         zg_alert_class_name(in->cls));
	} else if (v->rep == NULL && v->distribution) {
		snprintf(buf, size, "%s passed and was installed, but distribution failed (%s): %.300s",
		         in->zone, v->error_id ? v->error_id : "error", v->error_msg ? v->error_msg : "");
	} else if (v->rep == NULL) {
		snprintf(buf, size, "%s could not be verified (%s): %.300s", in->zone,
		         v->error_id ? v->error_id : "error", v->error_msg ? v->error_msg : "");
	} else if (in->severity >= ZG_ALERT_SEV_ERROR) {
		snprintf(buf, size, "%s%s blocked: %s", in->zone, serial, ids);
	} else {
		snprintf(buf, size, "%s%s warnings: %s", in->zone, serial, ids);
	}
	size_t len = strlen(buf);
	if (v->note != NULL && strcmp(in->event, "resolve") != 0 && len + 2 < size) {
		snprintf(buf + len, size - len, "; %s", v->note);
	}
}

static json_t *diag_json(const zg_alert_verdict_t *v)
{
	json_t *a = json_array();
	for (size_t i = 0; a != NULL && i < v->ndiagnosis; i++) {
		json_array_append_new(a, json_string(v->diagnosis[i]));
	}
	return a;
}

static const char *verdict_name(const zg_alert_verdict_t *v)
{
	if (v->rep == NULL) {
		return v->distribution ? "pass" : "unverified";
	}
	return zg_report_verdict(v->rep) == ZG_VERDICT_PASS ? "pass" : "blocked";
}

static int add_ids(json_t *o, const zg_alert_event_info_t *in, uint64_t now_ms)
{
	char t1[40], t2[40];
	int r = 0;
	r |= set_new(o, "schema", json_string("zonegate-alert/1"));
	r |= set_new(o, "event", json_string(in->event));
	r |= set_new(o, "test", json_boolean(in->test));
	r |= set_new(o, "idempotency_key", json_string(in->key));
	r |= set_new(o, "dedup_key", json_string(in->dedup_key));
	r |= set_new(o, "zone", json_string(in->zone));
	r |= set_new(o, "class", json_string(zg_alert_class_name(in->cls)));
	r |= set_new(o, "severity", json_string(zg_alert_sev_name(in->severity)));
	r |= set_new(o, "previous_severity", in->prev_severity == ZG_ALERT_SEV_NONE
	                                        ? json_null()
	                                        : json_string(zg_alert_sev_name(in->prev_severity)));
	r |= set_new(o, "opened_at", json_string(zg_alert_iso8601(in->opened_ms, t1, sizeof(t1))));
	r |= set_new(o, "opened_ms", json_integer((json_int_t)in->opened_ms));
	r |= set_new(o, "at", json_string(zg_alert_iso8601(now_ms, t2, sizeof(t2))));
	r |= set_new(o, "at_ms", json_integer((json_int_t)now_ms));
	return r;
}

static int add_verdict(json_t *o, const zg_alert_verdict_t *v, const zg_alert_event_info_t *in)
{
	const zg_report_meta_t *m = v->rep ? zg_report_meta(v->rep) : NULL;
	char summary[1024];
	summary_text(v, in, summary, sizeof(summary));
	bool resolve = strcmp(in->event, "resolve") == 0;
	int r = 0;
	r |= set_new(o, "summary", json_string(summary));
	r |= set_new(o, "serial", m && m->has_serial ? json_integer(m->serial) : json_null());
	r |= set_new(o, "verdict", json_string(verdict_name(v)));
	r |= set_new(o, "file", v->file ? json_string(v->file) : json_null());
	r |= set_new(o, "report", v->report_path ? json_string(v->report_path) : json_null());
	r |= set_new(o, "counts", counts_json(v->rep));
	r |= set_new(o, "top_findings", top_json(v->rep, in->cls, resolve));
	r |= set_new(o, "diagnosis", diag_json(v));
	if (v->rep == NULL && !resolve) { /* a resolve (a reload that worked) has no error */
		json_t *e = json_object();
		set_new(e, "id", json_string(v->error_id ? v->error_id : "error"));
		set_new(e, "message", json_string(v->error_msg ? v->error_msg : ""));
		r |= set_new(o, "error", e);
	}
	return r;
}

json_t *zg_alert_event_new(const zg_alert_verdict_t *v, const zg_alert_event_info_t *info)
{
	json_t *o = json_object();
	if (o == NULL || add_ids(o, info, v->now_ms) != 0 || add_verdict(o, v, info) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *zg_alert_event_test(const char *event, const char *key, uint64_t now_ms)
{
	zg_alert_event_info_t in = { .event = event, .key = key, .dedup_key = key,
		                     .zone = "zonegate-test.", .cls = ZG_ALERT_CL_OTHER,
		                     .severity = ZG_ALERT_SEV_INFO,
		                     .prev_severity = ZG_ALERT_SEV_NONE, .opened_ms = now_ms,
		                     .test = true };
	json_t *o = json_object();
	if (o == NULL || add_ids(o, &in, now_ms) != 0) {
		json_decref(o);
		return NULL;
	}
	int r = set_new(o, "summary", json_string("[TEST] zonegate test alert: delivery check, no "
	                                          "action needed"));
	r |= set_new(o, "serial", json_null());
	r |= set_new(o, "verdict", json_string("test"));
	r |= set_new(o, "counts", json_object());
	r |= set_new(o, "top_findings", json_array());
	r |= set_new(o, "diagnosis", json_array());
	if (r != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

const char *zg_alert_ev_str(const json_t *ev, const char *field)
{
	const char *s = json_string_value(json_object_get(ev, field));
	return s ? s : "";
}

uint64_t zg_alert_ev_u64(const json_t *ev, const char *field)
{
	json_int_t i = json_integer_value(json_object_get(ev, field));
	return i > 0 ? (uint64_t)i : 0;
}

zg_alert_sev_t zg_alert_ev_sev(const json_t *ev, const char *field)
{
	zg_alert_sev_t s = ZG_ALERT_SEV_NONE;
	if (zg_alert_sev_lookup(zg_alert_ev_str(ev, field), &s) != ZG_EOK) {
		return ZG_ALERT_SEV_NONE;
	}
	return s;
}
