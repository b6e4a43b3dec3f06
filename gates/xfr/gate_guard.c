/* gate_guard.c -- what blocking costs: the expiry guard (while new versions keep failing, the
 * served version's signatures age: time left before its earliest RRSIG expires, critical below
 * the margin) and staleness (no new serial, or no answer, from the signer for too long). */
#include <stdio.h>
#include "gates/cli/cli.h"
#include "gates/xfr/gate_xfr.h"

bool gate_expiry_left(const gate_zone_t *z, char *buf, size_t size)
{
	if (!z->has_served) {
		snprintf(buf, size, "no version is served");
		return true;
	}
	if (z->served_expires <= 0) {
		snprintf(buf, size, "the earliest RRSIG expiration of the served serial %u is unknown",
		         z->served);
		return false;
	}
	char left[64], at[64];
	int64_t secs = z->served_expires - gate_wall_now();
	gate_fmt_duration(secs, left, sizeof(left));
	cli_time_str((uint64_t)z->served_expires, at, sizeof(at));
	snprintf(buf, size, "the served serial %u's earliest RRSIG %s %s%s (%s)", z->served,
	         secs >= 0 ? "expires in" : "expired", left, secs >= 0 ? "" : " ago", at);
	return secs < (int64_t)z->expiry_margin_s;
}

void gate_expiry_guard(gate_zone_t *z)
{
	if (!z->has_candidate || z->candidate_verdict == 0 ||
	    (z->has_served && !gate_serial_newer(z->candidate, z->served))) {
		return; /* the newest version passed: nothing is held back */
	}
	const char *what = z->candidate_verdict == 1 ? "blocked" : "not verified";
	if (!z->has_served) {
		char msg[160];
		snprintf(msg, sizeof(msg), "serial %u %s and no version is served", z->candidate,
		         what);
		gate_log(LOG_CRIT, z->origin, "expiry guard: %s", msg);
		gate_alert_expiry(z, msg);
		return;
	}
	if (z->served_expires <= 0) {
		gate_log(LOG_WARNING, z->origin, "expiry guard: serial %u %s; the earliest RRSIG "
		         "expiration of the served serial %u is unknown", z->candidate, what, z->served);
		return;
	}
	char left[256], margin[64], msg[512];
	bool crit = gate_expiry_left(z, left, sizeof(left));
	gate_fmt_duration((int64_t)z->expiry_margin_s, margin, sizeof(margin));
	snprintf(msg, sizeof(msg), "serial %u %s; %s%s%s", z->candidate, what, left,
	         crit ? ", below the margin of " : "", crit ? margin : "");
	gate_log(crit ? LOG_CRIT : LOG_WARNING, z->origin, "expiry guard: %s", msg);
	if (crit) {
		gate_alert_expiry(z, msg);
	}
}

/* The signer answered with serial soa (fresh: newer than anything seen). */
void gate_stale_answered(gate_zone_t *z, uint32_t soa, bool fresh)
{
	int64_t now = gate_wall_now();
	if (fresh || z->last_new == 0) {
		z->stale_alerted = false; /* a new staleness alerts again; the verdict resolves this */
		z->last_new = now;
		gate_state_meta(z, "last_new", now);
	}
	z->last_contact = now;
	gate_state_meta(z, "last_contact", now);
	if (z->stale_s > 0 && now - z->last_new > (int64_t)z->stale_s) {
		char d[64], at[64], msg[256];
		gate_fmt_duration(now - z->last_new, d, sizeof(d));
		snprintf(msg, sizeof(msg), "stale: the signer has produced no new serial for %s (still "
		         "%u, the last new one came %s)", d, soa,
		         cli_time_str((uint64_t)z->last_new, at, sizeof(at)));
		gate_log(LOG_WARNING, z->origin, "%s", msg);
		gate_alert_stale(z, msg);
	}
}

/* The SOA query failed with err. */
void gate_stale_unreachable(gate_zone_t *z, const char *err)
{
	int64_t now = gate_wall_now();
	if (z->stale_s > 0 && z->last_contact > 0 && now - z->last_contact > (int64_t)z->stale_s) {
		char d[64], msg[1024];
		gate_fmt_duration(now - z->last_contact, d, sizeof(d));
		snprintf(msg, sizeof(msg), "stale: the signer has not answered for %s: %s", d, err);
		gate_log(LOG_WARNING, z->origin, "%s", msg);
		gate_alert_stale(z, msg);
		return;
	}
	gate_log(LOG_WARNING, z->origin, "SOA check: %s", err);
}
