/* gate_zone.c -- one check of one zone: ask the signer's SOA; when the serial is new, transfer,
 * verify with the last good version as --prev, then install + reload, or keep the last good. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "gates/cli/alert_run.h"
#include "gates/cli/cli.h"
#include "gates/cli/gate.h"
#include "gates/xfr/gate_xfr.h"
#include "verifier/verify.h"
#include "verifier/zone.h"

void gate_zone_init(gate_zone_t *z)
{
	memset(z, 0, sizeof(*z));
	z->refresh_ms = 60000;
	z->retry_ms = 10000;
	z->timeout_ms = 10000;
	z->expiry_margin_s = 48 * 3600;
	z->ctl_fd = -1;
}

bool gate_serial_newer(uint32_t a, uint32_t b)
{
	return a != b && (int32_t)(a - b) > 0;
}

/* Run cmd with its output captured: the first line comes back in out (the log stays one line
 * per event). Exit status, 128+signal, or -1. */
static int load_opt(const gate_zone_t *z, const char *path, zg_zone_t **out)
{
	char msg[ZG_ERRMSG_LEN] = "";
	if (path == NULL || path[0] == '\0' || access(path, F_OK) != 0) {
		return 0;
	}
	zg_err_t r = zg_zone_load(path, z->origin, out, msg, sizeof(msg));
	if (r != ZG_EOK) {
		gate_log(LOG_ERR, z->origin, "cannot load %s: %s", path, msg[0] ? msg : zg_strerror(r));
		return -1;
	}
	return 0;
}

void gate_report_first_finding(const zg_report_t *rep, char *buf, size_t size)
{
	const zg_report_group_t *g = NULL;
	size_t n = zg_report_groups(rep, &g);
	snprintf(buf, size, "no finding");
	for (size_t i = 0; i < n; i++) {
		if (g[i].severity == ZG_SEV_ERROR) {
			const zg_finding_t *f = g[i].nexamples > 0 ? &g[i].examples[0] : NULL;
			snprintf(buf, size, "%s at %s (%llu in all)%s%s", zg_finding_name(g[i].id),
			         f && f->owner ? f->owner : "the zone", (unsigned long long)g[i].total,
			         f && f->reason ? ": " : "", f && f->reason ? f->reason : "");
			return;
		}
	}
}

static void write_report(const char *path, const zg_report_t *rep)
{
	FILE *f = fopen(path, "w");
	if (f != NULL) {
		cli_render_json(rep, f);
		fclose(f);
	}
}

int64_t gate_report_expires(const zg_report_t *rep)
{
	const zg_report_key_t *k = NULL;
	size_t n = zg_report_keys(rep, &k);
	int64_t e = 0;
	for (size_t i = 0; i < n; i++) {
		if (k[i].has_expiration && (e == 0 || k[i].earliest_expiration < e)) {
			e = k[i].earliest_expiration;
		}
	}
	return e;
}

/* One line on what the memo of the served version saved. */
static void log_reuse(const gate_zone_t *z, const zg_memo_t *memo)
{
	zg_memo_stats_t st = zg_memo_stats(memo);
	if (z->served_memo != NULL) {
		gate_log(LOG_INFO, z->origin, "verified incrementally: %llu signatures verified, %llu "
		         "reused from serial %u%s%s", (unsigned long long)st.sigs_verified,
		         (unsigned long long)st.sigs_reused, z->served,
		         st.keyset_changed ? " (DNSKEY set changed: none reused)" : "",
		         st.denial_reused ? ", NSEC/NSEC3 results reused" : "");
	}
}

static unsigned cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

/* Verify cand like `zonegate verify --prev DIST [--ds] [--policy] [--time]`: 0 pass, 1 blocked,
 * 2 could not verify. The first finding goes to why. */
static int verify_candidate(gate_zone_t *z, const char *cand, const char *report,
                            int64_t *expires, zg_report_t **keep, char *why, size_t whylen)
{
	zg_policy_t policy = zg_policy_default();
	zg_zone_t *zone = NULL, *prev = z->served_zone, *ds = NULL;
	zg_memo_t *memo = zg_memo_new();
	zg_report_t *rep = NULL;
	zg_key_history_t *hist = NULL;
	size_t nhist = 0;
	char msg[ZG_ERRMSG_LEN] = "";
	int rc = 2;
	if (z->policy_path[0] && cli_policy_load(z->policy_path, &policy, msg, sizeof(msg)) != 0) {
		snprintf(why, whylen, "policy: %s", msg);
		return 2;
	}
	zg_err_t r = memo ? zg_zone_load_threads(cand, z->origin, cpus(), &zone, msg, sizeof(msg))
	                  : ZG_ENOMEM;
	if (r != ZG_EOK) {
		snprintf(why, whylen, "zone.parse: %s", msg[0] ? msg : zg_strerror(r));
		goto out;
	}
	if ((prev == NULL && load_opt(z, z->dist_file, &prev) != 0) ||
	    load_opt(z, z->ds_path, &ds) != 0) {
		snprintf(why, whylen, "cannot load the last good version or the DS file");
		goto out;
	}
	if (gate_keys_history(z, prev, &hist, &nhist) != 0) { /* rollover.* timing */
		snprintf(why, whylen, "cannot read the key history from the state database");
		goto out;
	}
	zg_verify_opts_t vo = { .now = (uint64_t)gate_zone_now(z), .policy = &policy, .ds = ds,
		                .prev = prev, .history = hist, .nhistory = nhist,
		                .sink = gate_sd_sink(), .threads = cpus(), .memo_out = memo,
		                .memo_in = z->served_memo, .memo_base = z->served_zone };
	r = zg_verify(zone, &vo, &rep);
	if (r != ZG_EOK) {
		snprintf(why, whylen, "verify: %s", zg_strerror(r));
		goto out;
	}
	log_reuse(z, memo);
	gate_keys_note(z, zone);
	write_report(report, rep);
	*expires = gate_report_expires(rep);
	rc = zg_report_verdict(rep) == ZG_VERDICT_PASS ? 0 : 1;
	gate_report_first_finding(rep, why, whylen);
	*keep = rep; /* for the alert; the caller frees it */
	rep = NULL;
	if (rc == 0) { /* kept to become the served version when it is installed */
		gate_cache_pass(z, zone, memo);
		zone = NULL;
		memo = NULL;
	}
out:
	free(hist);
	zg_report_free(rep);
	zg_zone_free(zone);
	zg_memo_free(memo);
	if (prev != z->served_zone) {
		zg_zone_free(prev);
	}
	zg_zone_free(ds);
	return rc;
}

void gate_candidate_path(const gate_zone_t *z, uint32_t serial, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s%u.zone", z->state_dir, z->origin, serial);
}

/* The verified candidate goes to distribution; then the reload hook. */
int gate_zone_install(gate_zone_t *z, const char *cand, uint32_t serial, int64_t expires,
                      const char *user, const char *reason, const char *findings)
{
	char err[512], what[128];
	snprintf(what, sizeof(what), "%s%s", user ? "approved by " : "passed", user ? user : "");
	if (gate_atomic_install(cand, z->dist_file, true, err, sizeof(err)) != 0) {
		gate_log(LOG_ERR, z->origin, "serial %u %s but cannot be installed: %s", serial, what,
		         err);
		return -1;
	}
	cli_alert_checkpoint("gate-installed"); /* kill tests: installed, not yet recorded */
	z->served = serial;
	z->has_served = true;
	gate_cache_served(z, serial);
	z->served_expires = expires;
	gate_state_served(z, serial, expires, user, reason, findings);
	if (z->reload_cmd[0] == '\0') {
		gate_log(LOG_NOTICE, z->origin, "serial %u %s, installed as %s", serial, what,
		         z->dist_file);
		return 0;
	}
	char out[256];
	int t = gate_hook_run(z->reload_cmd, out, sizeof(out));
	if (t != 0) {
		char msg[GATE_PATH_MAX + 512];
		snprintf(msg, sizeof(msg), "serial %u installed, but the reload command failed "
		         "(status %d: %s); previous version in %s.prev", serial, t,
		         out[0] ? out : "no output", z->dist_file);
		gate_log(LOG_ERR, z->origin, "%s", msg);
		gate_alert_distribution(z, msg);
		return 1;
	}
	gate_log(LOG_NOTICE, z->origin, "serial %u %s, installed and reloaded", serial, what);
	gate_alert_distribution(z, NULL);
	return 0;
}

/* A pass recorded before this gate started (kept back by a hold, or a stop or kill -9 between the
 * verdict and the install) is verified again from its file before it is handed over. */
static bool reverify(gate_zone_t *z, const char *cand)
{
	char report[GATE_PATH_MAX + 1200], why[1024];
	int64_t expires = 0;
	snprintf(report, sizeof(report), "%s.report.json", cand);
	z->candidate_verdict = verify_candidate(z, cand, report, &expires, &z->held_rep, why,
	                                        sizeof(why));
	if (z->candidate_verdict == 0) {
		z->candidate_expires = expires;
		gate_log(LOG_INFO, z->origin, "serial %u passed before this gate started: verified "
		         "again before the hand-over", z->candidate);
		return true;
	}
	gate_state_version(z, z->candidate, z->candidate_verdict, report, expires, why);
	gate_log(LOG_ERR, z->origin, "serial %u passed before this gate started, but %s now, "
	         "keeping serial %u: %s", z->candidate, z->candidate_verdict == 1 ? "is blocked" :
	         "cannot be verified", z->served, why);
	if (z->candidate_verdict == 1) {
		gate_alert_verdict(z, z->held_rep, cand, report);
	} else {
		gate_alert_unverified(z, cand, why);
		z->has_candidate = false; /* transferred again at the next check */
	}
	zg_report_free(z->held_rep);
	z->held_rep = NULL;
	return false;
}

int gate_zone_release(gate_zone_t *z)
{
	char cand[GATE_PATH_MAX + 1100];
	if (z->hold || !z->has_candidate || z->candidate_verdict != 0 ||
	    (z->has_served && !gate_serial_newer(z->candidate, z->served))) {
		return 0;
	}
	gate_candidate_path(z, z->candidate, cand, sizeof(cand));
	if (z->held_rep == NULL && !reverify(z, cand)) {
		return 0;
	}
	gate_log(LOG_NOTICE, z->origin, "serial %u passed before and was kept back: handing it over",
	         z->candidate);
	if (gate_zone_install(z, cand, z->candidate, z->candidate_expires, NULL, NULL, NULL) < 0) {
		return 0;
	}
	if (z->held_rep != NULL) { /* a pass kept back since this gate started: resolve now */
		char report[GATE_PATH_MAX + 1200];
		snprintf(report, sizeof(report), "%s.report.json", cand);
		gate_alert_verdict(z, z->held_rep, cand, report);
		zg_report_free(z->held_rep);
		z->held_rep = NULL;
	}
	return 1;
}

/* IXFR from the served version when there is one; AXFR when the signer sends the whole zone or
 * the diff does not apply. */
static int fetch(const gate_zone_t *z, const char *cand, uint32_t soa, uint32_t *serial, char *err,
                 size_t errlen)
{
	gate_log(LOG_INFO, z->origin, "transfer of serial %u from %s", soa, z->signer.text);
	if (z->has_served) {
		int r = gate_ixfr(z, z->dist_file, z->served, cand, serial, err, errlen);
		if (r == 0) {
			gate_log(LOG_INFO, z->origin, "IXFR %u -> %u applied", z->served, *serial);
			return 0;
		}
		if (r == GATE_XFR_EAUTH) {
			return -1; /* an answer that fails its TSIG check is not asked again as AXFR */
		}
		gate_log(LOG_INFO, z->origin, "IXFR %u -> %u not used (%s): AXFR", z->served, soa, err);
	}
	if (gate_dns_axfr(z, cand, serial, err, errlen) != 0) {
		return -1;
	}
	gate_log(LOG_INFO, z->origin, "AXFR of serial %u done", *serial);
	return 0;
}

/* Alerts as `zonegate verify --alert-config`: a blocked or unverifiable candidate opens/updates
 * the zone's incident at once; a passing one resolves it once it is installed (not while held). */
static void alert_outcome(gate_zone_t *z, bool installed, const zg_report_t *rep,
                          const char *cand, const char *report, const char *why)
{
	if (z->candidate_verdict == 2) {
		gate_alert_unverified(z, cand, why);
	} else if (z->candidate_verdict == 1 || installed) {
		gate_alert_verdict(z, rep, cand, report);
	}
}

static void transfer_and_gate(gate_zone_t *z, uint32_t soa)
{
	char cand[GATE_PATH_MAX + 1100], report[GATE_PATH_MAX + 1200], err[1024];
	uint32_t serial = 0;
	int64_t expires = 0;
	zg_report_t *rep = NULL;
	gate_candidate_path(z, soa, cand, sizeof(cand));
	if (fetch(z, cand, soa, &serial, err, sizeof(err)) != 0) {
		gate_log(LOG_ERR, z->origin, "transfer of serial %u failed: %s", soa, err);
		return;
	}
	z->candidate = serial;
	z->has_candidate = true;
	snprintf(report, sizeof(report), "%s.report.json", cand);
	z->candidate_verdict = verify_candidate(z, cand, report, &expires, &rep, err, sizeof(err));
	z->candidate_expires = expires;
	gate_state_version(z, serial, z->candidate_verdict, report, expires,
	                   z->candidate_verdict == 0 ? NULL : err);
	cli_alert_checkpoint("gate-verdict"); /* kill tests: verdict recorded, nothing installed */
	bool installed = false;
	if (z->candidate_verdict == 0 && z->hold) {
		gate_log(LOG_NOTICE, z->origin, "serial %u passed; on hold: not handed over until "
		         "`gate resume`, keeping serial %u", serial, z->served);
	} else if (z->candidate_verdict == 0) {
		installed = gate_zone_install(z, cand, serial, expires, NULL, NULL, NULL) >= 0;
	} else {
		gate_log(LOG_ERR, z->origin, "serial %u %s, keeping serial %u: %s", serial,
		         z->candidate_verdict == 1 ? "blocked" : "could not be verified", z->served,
		         err);
	}
	alert_outcome(z, installed, rep, cand, report, err);
	zg_report_free(z->held_rep);
	z->held_rep = NULL;
	if (z->candidate_verdict == 0 && !installed) {
		z->held_rep = rep; /* alerted when it is handed over */
	} else {
		zg_report_free(rep);
	}
}

void gate_zone_check(gate_zone_t *z)
{
	char err[512];
	uint32_t soa = 0;
	gate_zone_release(z);
	if (gate_dns_soa(z, &soa, err, sizeof(err)) != 0) {
		gate_stale_unreachable(z, err);
		z->due_ms = gate_now_ms() + z->retry_ms;
		gate_expiry_guard(z);
		return;
	}
	z->due_ms = gate_now_ms() + z->refresh_ms;
	/* new: newer than the last candidate (passed or blocked) and than the served version */
	bool fresh = (!z->has_candidate || gate_serial_newer(soa, z->candidate)) &&
	             (!z->has_served || gate_serial_newer(soa, z->served));
	gate_stale_answered(z, soa, fresh);
	if (fresh && gate_state_is_blocked(z, soa)) {
		gate_log(LOG_INFO, z->origin, "serial %u was blocked before: not transferred again", soa);
	} else if (fresh) {
		transfer_and_gate(z, soa);
	}
	gate_expiry_guard(z);
}
