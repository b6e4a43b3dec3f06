/* payload.c -- the wire formats: webhook (HMAC), Slack, PagerDuty Events v2, Opsgenie, Alertmanager. */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "alerting/event.h"
#include "alerting/fsutil.h"
#include "alerting/payload.h"

#define PD_SUMMARY_MAX 1024 /* Events API v2 */
#define OG_MESSAGE_MAX 130  /* Alert API */

/* Copy at most max bytes of s without splitting a UTF-8 sequence; "..." marks a cut. */
static void clip(const char *s, size_t max, char *out, size_t size)
{
	size_t len = strlen(s);
	if (len <= max && len < size) {
		memcpy(out, s, len + 1);
		return;
	}
	size_t n = max < size - 4 ? max - 3 : size - 4;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80) {
		n--;
	}
	memcpy(out, s, n);
	memcpy(out + n, "...", 4);
}

/* The summary as people see it: test and fallback marks first. */
static void summary_of(const json_t *ev, char *out, size_t size)
{
	const json_t *fb = json_object_get(ev, "fallback_for");
	char mark[300] = "";
	if (fb != NULL) {
		snprintf(mark, sizeof(mark), "[route %s (%s) failed: %s] ", zg_alert_ev_str(fb, "route"),
		         zg_alert_ev_str(fb, "kind"), zg_alert_ev_str(fb, "reason"));
	}
	snprintf(out, size, "%s%s%s", json_is_true(json_object_get(ev, "test")) ? "[TEST] " : "",
	         mark, zg_alert_ev_str(ev, "summary"));
	if (strncmp(out, "[TEST] [TEST] ", 14) == 0) {
		memmove(out, out + 7, strlen(out + 7) + 1);
	}
}

static bool is_resolve(const json_t *ev)
{
	return strcmp(zg_alert_ev_str(ev, "event"), "resolve") == 0;
}

static const char *first_diag(const json_t *ev)
{
	const char *s = json_string_value(json_array_get(json_object_get(ev, "diagnosis"), 0));
	return s ? s : "";
}

/* ---- Slack incoming webhook: text (notifications, old clients) + blocks ---- */

static void slack_escape(const char *s, char *out, size_t size)
{
	size_t o = 0;
	for (; *s != '\0' && o + 6 < size; s++) {
		const char *rep = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : NULL;
		if (rep != NULL) {
			memcpy(out + o, rep, strlen(rep));
			o += strlen(rep);
		} else {
			out[o++] = *s;
		}
	}
	out[o] = '\0';
}

static const char *slack_icon(const json_t *ev)
{
	if (json_is_true(json_object_get(ev, "test"))) {
		return ":test_tube:";
	}
	if (is_resolve(ev)) {
		return ":white_check_mark:";
	}
	switch (zg_alert_ev_sev(ev, "severity")) {
	case ZG_ALERT_SEV_CRITICAL: return ":rotating_light:";
	case ZG_ALERT_SEV_ERROR: return ":x:";
	case ZG_ALERT_SEV_WARNING: return ":warning:";
	case ZG_ALERT_SEV_INFO:
	case ZG_ALERT_SEV_NONE: break;
	}
	return ":information_source:";
}

static json_t *slack_json(const json_t *ev)
{
	char sum[1200], esc[2400], line[2600], ctx[600], diag[1200];
	summary_of(ev, sum, sizeof(sum));
	slack_escape(sum, esc, sizeof(esc));
	snprintf(line, sizeof(line), "%s %s", slack_icon(ev), esc);
	snprintf(ctx, sizeof(ctx), "zonegate | %s | %s | %s", zg_alert_ev_str(ev, "class"),
	         zg_alert_ev_str(ev, "severity"), zg_alert_ev_str(ev, "event"));
	json_t *blocks = json_pack("[{s:s, s:{s:s, s:s}}]", "type", "section", "text", "type",
	                           "mrkdwn", "text", line);
	if (first_diag(ev)[0] != '\0' && !is_resolve(ev)) {
		slack_escape(first_diag(ev), diag, sizeof(diag));
		json_array_append_new(blocks, json_pack("{s:s, s:{s:s, s:s}}", "type", "section",
		                                        "text", "type", "mrkdwn", "text", diag));
	}
	json_array_append_new(blocks, json_pack("{s:s, s:[{s:s, s:s}]}", "type", "context",
	                                        "elements", "type", "mrkdwn", "text", ctx));
	return json_pack("{s:s, s:o}", "text", line, "blocks", blocks);
}

/* ---- PagerDuty Events API v2 ---- */

static json_t *pd_details(const json_t *ev)
{
	static const char *const KEYS[] = { "zone", "serial", "verdict", "class", "counts",
		                            "top_findings", "diagnosis", "report", "file",
		                            "opened_at", "fallback_for" };
	json_t *d = json_object();
	for (size_t i = 0; d != NULL && i < sizeof(KEYS) / sizeof(KEYS[0]); i++) {
		json_t *v = json_object_get(ev, KEYS[i]);
		if (v != NULL) {
			json_object_set(d, KEYS[i], v);
		}
	}
	return d;
}

static json_t *pd_json(const zg_alert_route_t *r, const json_t *ev)
{
	const char *key = r->secret ? r->secret : "";
	const char *dedup = zg_alert_ev_str(ev, "dedup_key");
	if (is_resolve(ev)) {
		return json_pack("{s:s, s:s, s:s}", "routing_key", key, "event_action", "resolve",
		                 "dedup_key", dedup);
	}
	char sum[PD_SUMMARY_MAX + 1], full[1400];
	summary_of(ev, full, sizeof(full));
	clip(full, PD_SUMMARY_MAX, sum, sizeof(sum));
	zg_alert_sev_t sev = zg_alert_ev_sev(ev, "severity");
	return json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}}",
	                 "routing_key", key, "event_action", "trigger", "dedup_key", dedup, "client",
	                 "zonegate", "payload", "summary", sum, "source", zg_alert_ev_str(ev, "zone"),
	                 "severity", zg_alert_sev_name(sev < 0 ? ZG_ALERT_SEV_INFO : sev),
	                 "timestamp", zg_alert_ev_str(ev, "at"), "component",
	                 zg_alert_ev_str(ev, "class"), "group", "dnssec", "class", "zonegate",
	                 "custom_details", pd_details(ev));
}

/* ---- Opsgenie Alert API: create, close by alias ---- */

static const char *og_priority(zg_alert_sev_t sev)
{
	switch (sev) {
	case ZG_ALERT_SEV_CRITICAL: return "P1";
	case ZG_ALERT_SEV_ERROR: return "P2";
	case ZG_ALERT_SEV_WARNING: return "P3";
	case ZG_ALERT_SEV_INFO:
	case ZG_ALERT_SEV_NONE: break;
	}
	return "P5";
}

static json_t *og_json(const json_t *ev)
{
	char sum[1400], msg[OG_MESSAGE_MAX + 1], ser[24] = "";
	summary_of(ev, sum, sizeof(sum));
	if (is_resolve(ev)) {
		return json_pack("{s:s, s:s}", "source", "zonegate", "note", sum);
	}
	clip(sum, OG_MESSAGE_MAX, msg, sizeof(msg));
	json_t *serial = json_object_get(ev, "serial");
	if (json_is_integer(serial)) {
		snprintf(ser, sizeof(ser), "%lld", (long long)json_integer_value(serial));
	}
	char *counts = json_dumps(json_object_get(ev, "counts"), JSON_COMPACT | JSON_SORT_KEYS);
	char desc[4000];
	snprintf(desc, sizeof(desc), "%s\n%s\ncounts: %s\nreport: %s", sum, first_diag(ev),
	         counts ? counts : "{}", zg_alert_ev_str(ev, "report"));
	free(counts);
	zg_alert_sev_t sev = zg_alert_ev_sev(ev, "severity");
	return json_pack("{s:s, s:s, s:s, s:[s, s, s], s:{s:s, s:s, s:s, s:s, s:s}, s:s, s:s, s:s}",
	                 "message", msg, "alias", zg_alert_ev_str(ev, "dedup_key"), "description",
	                 desc, "tags", "zonegate", zg_alert_ev_str(ev, "class"),
	                 zg_alert_sev_name(sev), "details", "zone", zg_alert_ev_str(ev, "zone"),
	                 "serial", ser, "verdict", zg_alert_ev_str(ev, "verdict"), "class",
	                 zg_alert_ev_str(ev, "class"), "report", zg_alert_ev_str(ev, "report"),
	                 "entity", zg_alert_ev_str(ev, "zone"), "source", "zonegate", "priority",
	                 og_priority(sev));
}

/* ---- Alertmanager API v2 ---- */

/* By severity for what a verification found; the signer and distribution conditions say
 * nothing of a zone's content and get names of their own, so that routes can tell them apart. */
static const char *am_alertname(zg_alert_sev_t sev, bool test, const char *cls)
{
	if (test) {
		return "ZonegateTest";
	}
	if (strcmp(cls, zg_alert_class_name(ZG_ALERT_CL_SIGNER)) == 0) {
		return "ZonegateSignerStale";
	}
	if (strcmp(cls, zg_alert_class_name(ZG_ALERT_CL_DISTRIBUTION)) == 0) {
		return "ZonegateDistributionFailed";
	}
	return sev == ZG_ALERT_SEV_CRITICAL ? "ZonegateBlocked"
	       : sev == ZG_ALERT_SEV_ERROR  ? "ZonegateUnverified"
	                                    : "ZonegateWarning";
}

static json_t *am_alert(const json_t *ev, zg_alert_sev_t sev, uint64_t ends_ms)
{
	char sum[1400], ends[40], ser[24] = "";
	summary_of(ev, sum, sizeof(sum));
	json_t *serial = json_object_get(ev, "serial");
	if (json_is_integer(serial)) {
		snprintf(ser, sizeof(ser), "%lld", (long long)json_integer_value(serial));
	}
	bool test = json_is_true(json_object_get(ev, "test"));
	return json_pack("{s:{s:s, s:s, s:s, s:s}, s:{s:s, s:s, s:s, s:s, s:s}, s:s, s:s}",
	                 "labels", "alertname", am_alertname(sev, test, zg_alert_ev_str(ev, "class")),
	                 "zone",
	                 zg_alert_ev_str(ev, "zone"), "severity", zg_alert_sev_name(sev), "check",
	                 zg_alert_ev_str(ev, "class"), "annotations", "summary", sum, "serial", ser,
	                 "diagnosis", first_diag(ev), "report", zg_alert_ev_str(ev, "report"),
	                 "dedup_key", zg_alert_ev_str(ev, "dedup_key"), "startsAt",
	                 zg_alert_ev_str(ev, "opened_at"), "endsAt",
	                 zg_alert_iso8601(ends_ms, ends, sizeof(ends)));
}

/* Firing: endsAt = now + ttl (a sender re-posts while open); resolve: endsAt = now. A severity
 * change changes the labels, so the alert under the old labels is ended in the same post. */
static json_t *am_json(const zg_alert_conf_t *conf, const json_t *ev, uint64_t now_ms)
{
	zg_alert_sev_t sev = zg_alert_ev_sev(ev, "severity");
	zg_alert_sev_t prev = zg_alert_ev_sev(ev, "previous_severity");
	sev = sev < 0 ? ZG_ALERT_SEV_INFO : sev;
	uint64_t ttl = json_is_true(json_object_get(ev, "test")) ? 300000 : conf->am_ttl_ms;
	json_t *a = json_array();
	json_array_append_new(a, am_alert(ev, sev, is_resolve(ev) ? now_ms : now_ms + ttl));
	if (prev != ZG_ALERT_SEV_NONE && prev != sev && !is_resolve(ev)) {
		json_array_append_new(a, am_alert(ev, prev, now_ms));
	}
	return a;
}

json_t *zg_alert_payload_json(const zg_alert_conf_t *conf, const zg_alert_route_t *r,
                              const json_t *ev, uint64_t now_ms)
{
	switch (r->kind) {
	case ZG_ALERT_WEBHOOK:
	case ZG_ALERT_EXEC: return json_deep_copy(ev);
	case ZG_ALERT_SLACK: return slack_json(ev);
	case ZG_ALERT_PAGERDUTY: return pd_json(r, ev);
	case ZG_ALERT_OPSGENIE: return og_json(ev);
	case ZG_ALERT_ALERTMANAGER: return am_json(conf, ev, now_ms);
	case ZG_ALERT_KIND_COUNT: break;
	}
	return NULL;
}

static char *join_url(const char *base, const char *path)
{
	size_t len = strlen(base);
	while (len > 0 && base[len - 1] == '/') {
		len--;
	}
	char *out = NULL;
	if (asprintf(&out, "%.*s%s", (int)len, base, path) < 0) {
		return NULL;
	}
	return out;
}

static char *request_url(const zg_alert_route_t *r, const json_t *ev)
{
	if (r->kind == ZG_ALERT_ALERTMANAGER) {
		return join_url(r->url, "/api/v2/alerts");
	}
	if (r->kind != ZG_ALERT_OPSGENIE) {
		return strdup(r->url);
	}
	if (!is_resolve(ev)) {
		return join_url(r->url, "/v2/alerts");
	}
	char *alias = curl_easy_escape(NULL, zg_alert_ev_str(ev, "dedup_key"), 0);
	char path[1600];
	snprintf(path, sizeof(path), "/v2/alerts/%s/close?identifierType=alias", alias ? alias : "");
	curl_free(alias);
	return join_url(r->url, path);
}

static zg_err_t add_header(zg_alert_req_t *req, const char *name, const char *value)
{
	if (req->nheaders == ZG_ALERT_MAX_HEADERS) {
		return ZG_ETOOBIG;
	}
	char *h = NULL;
	if (asprintf(&h, "%s: %s", name, value) < 0) {
		return ZG_ENOMEM;
	}
	req->headers[req->nheaders++] = h;
	return ZG_EOK;
}

static zg_err_t add_headers(const zg_alert_route_t *r, const json_t *ev, zg_alert_req_t *req)
{
	zg_err_t ret = add_header(req, "Content-Type", "application/json");
	char mac[80] = "sha256=";
	if (r->kind == ZG_ALERT_WEBHOOK) {
		if (ret == ZG_EOK && r->secret != NULL) {
			ret = zg_alert_hmac_hex(r->secret, req->body, strlen(req->body), mac + 7,
			                        sizeof(mac) - 7);
			ret = ret == ZG_EOK ? add_header(req, "X-Zonegate-Signature", mac) : ret;
		}
		ret = ret == ZG_EOK ? add_header(req, "X-Zonegate-Event", zg_alert_ev_str(ev, "event"))
		                    : ret;
	}
	if (ret == ZG_EOK && (r->kind == ZG_ALERT_WEBHOOK || r->kind == ZG_ALERT_ALERTMANAGER)) {
		ret = add_header(req, "Idempotency-Key", zg_alert_ev_str(ev, "idempotency_key"));
	}
	if (ret == ZG_EOK && r->kind == ZG_ALERT_OPSGENIE) {
		char auth[1100];
		snprintf(auth, sizeof(auth), "GenieKey %s", r->secret);
		ret = add_header(req, "Authorization", auth);
		explicit_bzero(auth, sizeof(auth));
	}
	if (ret == ZG_EOK && r->kind == ZG_ALERT_ALERTMANAGER && r->secret != NULL) {
		char auth[1100];
		snprintf(auth, sizeof(auth), "Bearer %s", r->secret);
		ret = add_header(req, "Authorization", auth);
		explicit_bzero(auth, sizeof(auth));
	}
	return ret;
}

zg_err_t zg_alert_payload(const zg_alert_conf_t *conf, const zg_alert_route_t *r, const json_t *ev,
                          uint64_t now_ms, zg_alert_req_t *req)
{
	memset(req, 0, sizeof(*req));
	if (r->kind == ZG_ALERT_EXEC || r->url == NULL ||
	    ((r->kind == ZG_ALERT_PAGERDUTY || r->kind == ZG_ALERT_OPSGENIE) && r->secret == NULL)) {
		return ZG_EINVAL;
	}
	json_t *body = zg_alert_payload_json(conf, r, ev, now_ms);
	req->body = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	req->url = request_url(r, ev);
	zg_err_t ret = (req->body && req->url) ? add_headers(r, ev, req) : ZG_ENOMEM;
	if (ret != ZG_EOK) {
		zg_alert_req_deinit(req);
	}
	return ret;
}

static void wipe_free(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void zg_alert_req_deinit(zg_alert_req_t *req)
{
	wipe_free(req->url);
	wipe_free(req->body);
	for (size_t i = 0; i < req->nheaders; i++) {
		wipe_free(req->headers[i]);
	}
	memset(req, 0, sizeof(*req));
}
