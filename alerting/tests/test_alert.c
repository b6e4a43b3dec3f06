/* test_alert.c -- libzgalert units: backoff, HMAC, classes, payload shapes, spool, incidents. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "alerting/alert.h"
#include "alerting/deliver.h"
#include "alerting/event.h"
#include "alerting/fsutil.h"
#include "alerting/incident.h"
#include "alerting/payload.h"
#include "alerting/spool.h"
#include "verifier/verify.h"
#include "verifier/zone.h"

static const zg_alert_route_t ROUTES[] = {
	{ .name = "hook", .kind = ZG_ALERT_WEBHOOK, .url = "http://127.0.0.1:1/h", .secret = "Jefe",
	  .min_severity = ZG_ALERT_SEV_WARNING, .timeout_ms = 1000 },
	{ .name = "pd", .kind = ZG_ALERT_PAGERDUTY, .url = "http://127.0.0.1:1/pd",
	  .secret = "routing-key-1", .min_severity = ZG_ALERT_SEV_ERROR, .timeout_ms = 1000 },
	{ .name = "og", .kind = ZG_ALERT_OPSGENIE, .url = "http://127.0.0.1:1/og/",
	  .secret = "og-key", .min_severity = ZG_ALERT_SEV_ERROR, .timeout_ms = 1000 },
	{ .name = "am", .kind = ZG_ALERT_ALERTMANAGER, .url = "http://127.0.0.1:1",
	  .min_severity = ZG_ALERT_SEV_ERROR, .timeout_ms = 1000 },
	{ .name = "chat", .kind = ZG_ALERT_SLACK, .url = "http://127.0.0.1:1/s",
	  .min_severity = ZG_ALERT_SEV_WARNING, .timeout_ms = 1000, .fallback = true },
};

static zg_alert_conf_t conf_for(const char *spool)
{
	return (zg_alert_conf_t){ .spool = spool, .backoff_initial_ms = 100, .backoff_max_ms = 1000,
		                  .max_age_ms = 60000, .am_ttl_ms = 3600000, .routes = ROUTES,
		                  .nroutes = sizeof(ROUTES) / sizeof(ROUTES[0]) };
}

static void backoff_doubles_within_equal_jitter_and_caps(void **state)
{
	(void)state;
	for (unsigned n = 1; n <= 12; n++) {
		uint64_t d = 100u << (n - 1);
		d = d > 5000 ? 5000 : d;
		assert_int_equal(zg_alert_backoff_ms(100, 5000, n, 0.0), d / 2);
		assert_true(zg_alert_backoff_ms(100, 5000, n, 0.999999) <= d);
		assert_true(zg_alert_backoff_ms(100, 5000, n + 1, 0.0) >=
		            zg_alert_backoff_ms(100, 5000, n, 0.999999) / 2);
	}
	assert_int_equal(zg_alert_backoff_ms(100, 5000, 1000, 0.5), 3750);
}

static void hmac_matches_rfc4231_test_case_2(void **state)
{
	(void)state;
	char mac[65];
	const char *data = "what do ya want for nothing?";
	assert_int_equal(zg_alert_hmac_hex("Jefe", data, strlen(data), mac, sizeof(mac)), ZG_EOK);
	assert_string_equal(mac, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

static void statuses_classify_as_retry_or_permanent(void **state)
{
	(void)state;
	assert_int_equal(zg_alert_classify(202), ZG_ALERT_SENT);
	assert_int_equal(zg_alert_classify(0), ZG_ALERT_TRANSIENT);
	assert_int_equal(zg_alert_classify(408), ZG_ALERT_TRANSIENT);
	assert_int_equal(zg_alert_classify(429), ZG_ALERT_TRANSIENT);
	assert_int_equal(zg_alert_classify(503), ZG_ALERT_TRANSIENT);
	assert_int_equal(zg_alert_classify(400), ZG_ALERT_PERMANENT);
	assert_int_equal(zg_alert_classify(404), ZG_ALERT_PERMANENT);
	assert_int_equal(zg_alert_classify(301), ZG_ALERT_PERMANENT);
}

static void findings_map_to_condition_classes(void **state)
{
	(void)state;
	assert_int_equal(zg_alert_class_of(ZG_F_RRSIG_BOGUS), ZG_ALERT_CL_SIGNATURES);
	assert_int_equal(zg_alert_class_of(ZG_F_NSEC3_UNSIGNED), ZG_ALERT_CL_SIGNATURES);
	assert_int_equal(zg_alert_class_of(ZG_F_CRYPTO_DISAGREEMENT), ZG_ALERT_CL_SIGNATURES);
	assert_int_equal(zg_alert_class_of(ZG_F_DS_NO_MATCH), ZG_ALERT_CL_KEYS);
	assert_int_equal(zg_alert_class_of(ZG_F_CDS_MISMATCH), ZG_ALERT_CL_KEYS);
	assert_int_equal(zg_alert_class_of(ZG_F_NSEC3_CHAIN), ZG_ALERT_CL_DENIAL);
	assert_int_equal(zg_alert_class_of(ZG_F_ZONEMD_MISMATCH), ZG_ALERT_CL_CONTENT);
	assert_string_equal(zg_alert_class_name(ZG_ALERT_CL_UNVERIFIED), "unverified");
}

static json_t *sample_event(const char *event)
{
	return json_pack("{s:s, s:b, s:s, s:s, s:s, s:s, s:s, s:n, s:s, s:s, s:s, s:i, s:s, "
	                 "s:{s:i}, s:[], s:[s]}",
	                 "event", event, "test", 0, "idempotency_key", "k:1:open", "dedup_key",
	                 "zonegate:example.:signatures:1", "zone", "example.", "class", "signatures",
	                 "severity", "critical", "previous_severity", "opened_at",
	                 "2026-11-25T00:00:00.000Z", "at", "2026-11-25T00:00:01.000Z", "summary",
	                 "example. serial 7 blocked: 25 rrsig.bogus", "serial", 7, "verdict",
	                 "blocked", "counts", "rrsig.bogus", 25, "top_findings", "diagnosis",
	                 "key tag 33834 (alg 13): 1 key published");
}

static void pagerduty_trigger_and_resolve_follow_events_v2(void **state)
{
	(void)state;
	zg_alert_conf_t c = conf_for("/nonexistent");
	json_t *ev = sample_event("open");
	json_t *b = zg_alert_payload_json(&c, &ROUTES[1], ev, 0);
	assert_string_equal(json_string_value(json_object_get(b, "routing_key")), "routing-key-1");
	assert_string_equal(json_string_value(json_object_get(b, "event_action")), "trigger");
	assert_string_equal(json_string_value(json_object_get(b, "dedup_key")),
	                    "zonegate:example.:signatures:1");
	json_t *p = json_object_get(b, "payload");
	assert_string_equal(json_string_value(json_object_get(p, "severity")), "critical");
	assert_string_equal(json_string_value(json_object_get(p, "source")), "example.");
	assert_non_null(json_object_get(json_object_get(p, "custom_details"), "counts"));
	json_decref(b);
	json_object_set_new(ev, "event", json_string("resolve"));
	b = zg_alert_payload_json(&c, &ROUTES[1], ev, 0);
	assert_string_equal(json_string_value(json_object_get(b, "event_action")), "resolve");
	assert_int_equal(json_object_size(b), 3);
	json_decref(b);
	json_decref(ev);
}

static void opsgenie_closes_by_alias_with_geniekey(void **state)
{
	(void)state;
	zg_alert_conf_t c = conf_for("/nonexistent");
	json_t *ev = sample_event("resolve");
	zg_alert_req_t req;
	assert_int_equal(zg_alert_payload(&c, &ROUTES[2], ev, 0, &req), ZG_EOK);
	assert_string_equal(req.url, "http://127.0.0.1:1/og/v2/alerts/"
	                             "zonegate%3Aexample.%3Asignatures%3A1/close?identifierType=alias");
	bool auth = false;
	for (size_t i = 0; i < req.nheaders; i++) {
		auth = auth || strcmp(req.headers[i], "Authorization: GenieKey og-key") == 0;
	}
	assert_true(auth);
	zg_alert_req_deinit(&req);
	json_decref(ev);
}

static void alertmanager_ends_the_old_labels_on_a_severity_change(void **state)
{
	(void)state;
	zg_alert_conf_t c = conf_for("/nonexistent");
	json_t *ev = sample_event("update");
	json_object_set_new(ev, "previous_severity", json_string("warning"));
	json_t *b = zg_alert_payload_json(&c, &ROUTES[3], ev, 1000);
	assert_int_equal(json_array_size(b), 2);
	json_t *l0 = json_object_get(json_array_get(b, 0), "labels");
	assert_string_equal(json_string_value(json_object_get(l0, "alertname")), "ZonegateBlocked");
	assert_string_equal(json_string_value(json_object_get(l0, "check")), "signatures");
	json_t *old = json_array_get(b, 1);
	assert_string_equal(json_string_value(json_object_get(json_object_get(old, "labels"),
	                                                      "severity")), "warning");
	assert_string_equal(json_string_value(json_object_get(old, "endsAt")),
	                    "1970-01-01T00:00:01.000Z");
	json_decref(b);
	json_decref(ev);
}

/* The signer's and the distribution's conditions are named for what they are, whatever their
 * severity; a verification's by severity. */
static void alertmanager_names_signer_and_distribution_alerts(void **state)
{
	(void)state;
	zg_alert_conf_t c = conf_for("/nonexistent");
	const char *cls[][2] = { { "signer", "ZonegateSignerStale" },
		                 { "distribution", "ZonegateDistributionFailed" },
		                 { "unverified", "ZonegateUnverified" } };
	for (size_t i = 0; i < sizeof(cls) / sizeof(cls[0]); i++) {
		json_t *ev = sample_event("open");
		json_object_set_new(ev, "class", json_string(cls[i][0]));
		json_object_set_new(ev, "severity", json_string("error"));
		json_t *b = zg_alert_payload_json(&c, &ROUTES[3], ev, 1000);
		json_t *l = json_object_get(json_array_get(b, 0), "labels");
		assert_string_equal(json_string_value(json_object_get(l, "alertname")), cls[i][1]);
		assert_string_equal(json_string_value(json_object_get(l, "check")), cls[i][0]);
		json_decref(b);
		json_decref(ev);
	}
}

static void webhook_signature_is_hmac_of_the_exact_body(void **state)
{
	(void)state;
	zg_alert_conf_t c = conf_for("/nonexistent");
	json_t *ev = sample_event("open");
	zg_alert_req_t req;
	assert_int_equal(zg_alert_payload(&c, &ROUTES[0], ev, 0, &req), ZG_EOK);
	char mac[65], want[128];
	zg_alert_hmac_hex("Jefe", req.body, strlen(req.body), mac, sizeof(mac));
	snprintf(want, sizeof(want), "X-Zonegate-Signature: sha256=%s", mac);
	bool sig = false, idem = false;
	for (size_t i = 0; i < req.nheaders; i++) {
		sig = sig || strcmp(req.headers[i], want) == 0;
		idem = idem || strcmp(req.headers[i], "Idempotency-Key: k:1:open") == 0;
	}
	assert_true(sig);
	assert_true(idem);
	zg_alert_req_deinit(&req);
	json_decref(ev);
}

static void slack_message_is_text_plus_blocks(void **state)
{
	(void)state;
	zg_alert_conf_t c = conf_for("/nonexistent");
	json_t *ev = sample_event("open");
	json_object_set_new(ev, "summary", json_string("a <b> & c"));
	json_t *b = zg_alert_payload_json(&c, &ROUTES[4], ev, 0);
	assert_string_equal(json_string_value(json_object_get(b, "text")),
	                    ":rotating_light: a &lt;b&gt; &amp; c");
	assert_true(json_array_size(json_object_get(b, "blocks")) >= 2);
	json_decref(b);
	json_decref(ev);
}

static char *make_spool(void)
{
	char tmpl[] = "/tmp/zgalert-test-XXXXXX";
	char *d = mkdtemp(tmpl);
	return d ? strdup(d) : NULL;
}

static void rm_rf(const char *dir)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void spool_lists_in_order_and_leaves_no_temp_files(void **state)
{
	(void)state;
	char *sp = make_spool();
	assert_int_equal(zg_alert_spool_init(sp), ZG_EOK);
	json_t *ev = sample_event("open");
	for (uint64_t t = 3; t >= 1; t--) {
		json_t *e = zg_alert_spool_entry("pd", ev, t);
		assert_int_equal(zg_alert_spool_push(sp, e), ZG_EOK);
		json_decref(e);
	}
	char **names;
	size_t n;
	assert_int_equal(zg_alert_spool_list(sp, &names, &n), ZG_EOK);
	assert_int_equal(n, 3);
	assert_true(strncmp(names[0], "0000000000001-", 14) == 0);
	int fd;
	json_t *entry;
	assert_int_equal(zg_alert_spool_claim(sp, names[0], &fd, &entry), ZG_EOK);
	assert_string_equal(json_string_value(json_object_get(entry, "route")), "pd");
	assert_int_equal(zg_alert_spool_done(sp, names[0]), ZG_EOK);
	zg_alert_spool_release(fd);
	json_decref(entry);
	zg_alert_spool_names_free(names, n);
	assert_int_equal(zg_alert_spool_list(sp, &names, &n), ZG_EOK);
	assert_int_equal(n, 2);
	zg_alert_spool_names_free(names, n);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A '%s/out' | grep tmp)\"", sp);
	assert_int_equal(system(cmd), 0);
	json_decref(ev);
	rm_rf(sp);
	free(sp);
}

/* ds_error: ds.absent raised to error, so a passing zone file is blocked in class "keys" */
static zg_report_t *verify_with(const char *rel, bool ds_error)
{
	const char *dir = getenv("ZG_FIXTURES");
	char path[1024], msg[512];
	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "fixtures", rel);
	zg_zone_t *z = NULL;
	assert_int_equal(zg_zone_load(path, NULL, &z, msg, sizeof(msg)), ZG_EOK);
	zg_policy_t pol = zg_policy_default();
	if (ds_error) {
		pol.severity[ZG_F_DS_ABSENT] = ZG_SEV_ERROR;
	}
	zg_verify_opts_t vo = { .now = 1798761600, .policy = &pol };
	zg_report_t *rep = NULL;
	assert_int_equal(zg_verify(z, &vo, &rep), ZG_EOK);
	zg_zone_free(z);
	return rep;
}

static zg_report_t *verify_fixture(const char *rel)
{
	return verify_with(rel, false);
}

static size_t spooled(const char *sp, const char *event)
{
	char **names;
	size_t n, hits = 0;
	assert_int_equal(zg_alert_spool_list(sp, &names, &n), ZG_EOK);
	for (size_t i = 0; i < n; i++) {
		int fd;
		json_t *e;
		if (zg_alert_spool_claim(sp, names[i], &fd, &e) == ZG_EOK) {
			const char *ev = zg_alert_ev_str(json_object_get(e, "event"), "event");
			hits += strcmp(ev, event) == 0;
			zg_alert_spool_done(sp, names[i]);
			zg_alert_spool_release(fd);
			json_decref(e);
		}
	}
	zg_alert_spool_names_free(names, n);
	return hits;
}

static void one_incident_pages_once_and_resolves_on_pass(void **state)
{
	(void)state;
	char *sp = make_spool();
	zg_alert_conf_t c = conf_for(sp);
	zg_report_t *bad = verify_fixture("bad/rrsig.bogus--33834.zone");
	zg_report_t *good = verify_fixture("good/alg8-ldns-nsec3-zonemd.zone");
	zg_alert_verdict_t v = { .rep = bad, .zone = "example.", .file = "x.zone", .now_ms = 1000 };
	zg_alert_record_stats_t st;
	char err[256];
	assert_int_equal(zg_alert_record(&c, &v, NULL, &st, err, sizeof(err)), ZG_EOK);
	assert_int_equal(st.opened, 5); /* every route, one incident (signatures) */
	assert_int_equal(spooled(sp, "open"), 5);
	v.now_ms = 2000; /* same serial again: no new page, no update */
	assert_int_equal(zg_alert_record(&c, &v, NULL, &st, err, sizeof(err)), ZG_EOK);
	assert_int_equal(st.spooled, 0);
	v.rep = good;
	v.now_ms = 3000;
	assert_int_equal(zg_alert_record(&c, &v, NULL, &st, err, sizeof(err)), ZG_EOK);
	assert_int_equal(st.resolved, 5);
	assert_int_equal(spooled(sp, "resolve"), 5);
	assert_int_equal(zg_alert_record(&c, &v, NULL, &st, err, sizeof(err)), ZG_EOK);
	assert_int_equal(st.spooled, 0);
	zg_report_free(bad);
	zg_report_free(good);
	rm_rf(sp);
	free(sp);
}

/* zone.serial.prev is example. at serial 2027010102, zone.delta.prev at 2027010100 */
static void next_serial_updates_and_older_serial_changes_nothing(void **state)
{
	(void)state;
	char *sp = make_spool();
	zg_alert_conf_t c = conf_for(sp);
	zg_report_t *r101 = verify_with("bad/rrsig.bogus--33834.zone", true);
	zg_report_t *r102 = verify_with("bad/zone.serial.prev", true);
	zg_report_t *r100 = verify_fixture("bad/zone.delta.prev");
	zg_alert_verdict_t v = { .rep = r101, .zone = "example.", .file = "a", .now_ms = 1000 };
	zg_alert_record_stats_t st;
	char err[256];
	assert_int_equal(zg_alert_record(&c, &v, NULL, &st, err, sizeof(err)), ZG_EOK);
	assert_int_equal(st.opened, 10); /* signatures and keys, five routes each */
	assert_int_equal(spooled(sp, "open"), 10);
	v.rep = r102; /* keys still failing on the next serial: update, no new open */
	assert_int_equal(zg_alert_record(&c, &v, NULL, &st, err, sizeof(err)), ZG_EOK);
	assert_int_equal(st.opened, 0);
	assert_int_equal(st.updated, 4); /* not Slack: same severity */
	assert_int_equal(st.resolved, 5); /* signatures are fine at 2027010102 */
	assert_int_equal(spooled(sp, "update"), 4);
	v.rep = r100; /* an older serial passing closes nothing */
	assert_int_equal(zg_alert_record(&c, &v, NULL, &st, err, sizeof(err)), ZG_EOK);
	assert_int_equal(st.spooled, 0);
	zg_report_free(r101);
	zg_report_free(r102);
	zg_report_free(r100);
	rm_rf(sp);
	free(sp);
}

static void unverified_zone_opens_its_own_incident(void **state)
{
	(void)state;
	char *sp = make_spool();
	zg_alert_conf_t c = conf_for(sp);
	zg_alert_verdict_t v = { .file = "broken.zone", .error_id = "zone.parse",
		                 .error_msg = "broken.zone:3: bad", .now_ms = 1000 };
	zg_alert_record_stats_t st;
	char err[256];
	assert_int_equal(zg_alert_record(&c, &v, NULL, &st, err, sizeof(err)), ZG_EOK);
	assert_int_equal(st.opened, 5); /* error severity reaches every route in ROUTES */
	zg_report_t *good = verify_fixture("good/alg8-ldns-nsec3-zonemd.zone");
	zg_alert_verdict_t ok = { .rep = good, .zone = "example.", .file = "broken.zone",
		                  .now_ms = 2000 };
	assert_int_equal(zg_alert_record(&c, &ok, NULL, &st, err, sizeof(err)), ZG_EOK);
	assert_int_equal(st.resolved, 5); /* the same file verified: closed */
	zg_report_free(good);
	rm_rf(sp);
	free(sp);
}

/* the XFR gate's expiry guard: an unverified condition raised to critical by the caller */
static void severity_floor_raises_the_condition_but_opens_nothing(void **state)
{
	(void)state;
	zg_alert_verdict_t v = { .file = "dist.zone", .zone = "example.",
		                 .error_id = "gate.expiry-guard", .error_msg = "1d left",
		                 .now_ms = 1000, .severity_floor = ZG_ALERT_SEV_CRITICAL };
	zg_alert_sev_t sev[ZG_ALERT_NCLASSES];
	zg_alert_classes_eval(&v, sev);
	assert_int_equal(sev[ZG_ALERT_CL_UNVERIFIED], ZG_ALERT_SEV_CRITICAL);
	assert_int_equal(sev[ZG_ALERT_CL_SIGNATURES], ZG_ALERT_SEV_NONE); /* not opened */
	v.severity_floor = ZG_ALERT_SEV_INFO; /* the default: unverified stays error */
	zg_alert_classes_eval(&v, sev);
	assert_int_equal(sev[ZG_ALERT_CL_UNVERIFIED], ZG_ALERT_SEV_ERROR);
	char *sp = make_spool();
	zg_alert_conf_t c = conf_for(sp);
	zg_alert_record_stats_t st;
	char err[256];
	v.severity_floor = ZG_ALERT_SEV_CRITICAL;
	assert_int_equal(zg_alert_record(&c, &v, NULL, &st, err, sizeof(err)), ZG_EOK);
	assert_int_equal(st.opened, 5);
	char **names = NULL;
	size_t n = 0;
	assert_int_equal(zg_alert_spool_list(sp, &names, &n), ZG_EOK);
	assert_true(n > 0);
	json_t *e = NULL;
	int fd = -1;
	assert_int_equal(zg_alert_spool_claim(sp, names[0], &fd, &e), ZG_EOK);
	assert_string_equal(zg_alert_ev_str(json_object_get(e, "event"), "severity"), "critical");
	zg_alert_spool_release(fd);
	json_decref(e);
	zg_alert_spool_names_free(names, n);
	rm_rf(sp);
	free(sp);
}

/* publish --then / the gate's reload hook: only a reload that works again resolves it */
static void failed_reload_opens_distribution_until_a_reload_works(void **state)
{
	(void)state;
	char *sp = make_spool();
	zg_alert_conf_t c = conf_for(sp);
	zg_alert_record_stats_t st;
	char err[256];
	zg_alert_verdict_t fail = { .zone = "example.", .file = "dist.zone",
		                    .error_id = "gate.reload", .error_msg = "status 1",
		                    .now_ms = 1000, .distribution = true };
	zg_alert_sev_t sev[ZG_ALERT_NCLASSES];
	zg_alert_classes_eval(&fail, sev);
	assert_int_equal(sev[ZG_ALERT_CL_DISTRIBUTION], ZG_ALERT_SEV_ERROR);
	assert_int_equal(sev[ZG_ALERT_CL_UNVERIFIED], ZG_ALERT_SEV_NONE);
	assert_int_equal(zg_alert_record(&c, &fail, NULL, &st, err, sizeof(err)), ZG_EOK);
	assert_int_equal(st.opened, 5);
	zg_report_t *good = verify_fixture("good/alg8-ldns-nsec3-zonemd.zone");
	zg_alert_verdict_t pass = { .rep = good, .zone = "example.", .file = "x.zone",
		                    .now_ms = 2000 };
	assert_int_equal(zg_alert_record(&c, &pass, NULL, &st, err, sizeof(err)), ZG_EOK);
	assert_int_equal(st.resolved, 0); /* a verification says nothing of the reload */
	zg_alert_verdict_t worked = fail;
	worked.error_msg = NULL;
	worked.now_ms = 3000;
	assert_int_equal(zg_alert_record(&c, &worked, NULL, &st, err, sizeof(err)), ZG_EOK);
	assert_int_equal(st.resolved, 5);
	assert_int_equal(zg_alert_record(&c, &worked, NULL, &st, err, sizeof(err)), ZG_EOK);
	assert_int_equal(st.spooled, 0); /* nothing open: nothing to say */
	zg_report_free(good);
	rm_rf(sp);
	free(sp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(backoff_doubles_within_equal_jitter_and_caps),
		cmocka_unit_test(hmac_matches_rfc4231_test_case_2),
		cmocka_unit_test(statuses_classify_as_retry_or_permanent),
		cmocka_unit_test(findings_map_to_condition_classes),
		cmocka_unit_test(pagerduty_trigger_and_resolve_follow_events_v2),
		cmocka_unit_test(opsgenie_closes_by_alias_with_geniekey),
		cmocka_unit_test(alertmanager_ends_the_old_labels_on_a_severity_change),
		cmocka_unit_test(alertmanager_names_signer_and_distribution_alerts),
		cmocka_unit_test(webhook_signature_is_hmac_of_the_exact_body),
		cmocka_unit_test(slack_message_is_text_plus_blocks),
		cmocka_unit_test(spool_lists_in_order_and_leaves_no_temp_files),
		cmocka_unit_test(one_incident_pages_once_and_resolves_on_pass),
		cmocka_unit_test(next_serial_updates_and_older_serial_changes_nothing),
		cmocka_unit_test(unverified_zone_opens_its_own_incident),
		cmocka_unit_test(severity_floor_raises_the_condition_but_opens_nothing),
		cmocka_unit_test(failed_reload_opens_distribution_until_a_reload_works),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
