/* gate_control_req.c -- the control requests, one line each ("ACTION ZONE [SERIAL] REASON..."):
 *   approve ZONE SERIAL REASON  install a blocked serial's kept candidate as a pass would
 *   reject ZONE SERIAL REASON   a blocked (or held) candidate is never handed over or approved
 *   hold ZONE REASON            keep verifying, hand nothing over
 *   resume ZONE [REASON]        normal again (a held passing candidate is handed over)
 * Every action is audited with the peer's user, the reason and the findings overridden. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "gates/xfr/gate_xfr.h"
#include "verifier/zone.h"

typedef struct {
	gate_zone_t *z;
	const char *user, *reason;
	uint32_t serial;
	char *reply;
	size_t size;
} req_t;

/* Split off the next space-separated word of *p (NULL at the end). */
static char *word(char **p)
{
	while (**p == ' ') {
		(*p)++;
	}
	if (**p == '\0') {
		return NULL;
	}
	char *w = *p, *sp = strchr(w, ' ');
	*p = sp ? sp + 1 : w + strlen(w);
	if (sp != NULL) {
		*sp = '\0';
	}
	return w;
}

__attribute__((format(printf, 2, 3))) static int fail(req_t *r, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(r->reply, r->size, "error: [%s] %s", r->z->origin, msg);
	gate_log(LOG_WARNING, r->z->origin, "control: %s refused: %s", r->user, msg);
	return -1;
}

/* The kept candidate is the version that was verified: whole and of that serial. */
static int cand_ok(req_t *r, const char *cand)
{
	char msg[ZG_ERRMSG_LEN] = "";
	zg_zone_t *zone = NULL;
	uint32_t s = 0;
	zg_err_t e = zg_zone_load(cand, r->z->origin, &zone, msg, sizeof(msg));
	bool ok = e == ZG_EOK && zg_zone_serial(zone, &s) && s == r->serial;
	zg_zone_free(zone);
	return ok ? 0 : fail(r, "the kept candidate %s of serial %u cannot be used", cand, r->serial);
}

static int approve(req_t *r)
{
	gate_zone_t *z = r->z;
	gate_cand_t c;
	char cand[GATE_PATH_MAX + 1100];
	if (z->hold) {
		return fail(r, "on hold: resume first (serial %u)", r->serial);
	}
	if (gate_state_candidate(z, r->serial, &c) != 0) {
		return fail(r, "state: cannot read (serial %u)", r->serial);
	}
	if (strcmp(c.state, "blocked") != 0) {
		return fail(r, "serial %u is %s: only a blocked serial can be approved", r->serial,
		            c.state[0] ? c.state : "not blocked");
	}
	if (z->has_served && !gate_serial_newer(r->serial, z->served)) {
		return fail(r, "serial %u is not newer than the served serial %u", r->serial, z->served);
	}
	gate_candidate_path(z, r->serial, cand, sizeof(cand));
	if (cand_ok(r, cand) != 0) {
		return -1;
	}
	gate_log(LOG_NOTICE, z->origin, "control: %s approves serial %u (reason: %s), overriding: %s",
	         r->user, r->serial, r->reason, c.finding);
	int rc = gate_zone_install(z, cand, r->serial, c.expires, r->user, r->reason, c.finding);
	if (rc < 0) {
		return fail(r, "serial %u approved but could not be installed (see the log)", r->serial);
	}
	snprintf(r->reply, r->size, "ok: [%s] serial %u approved by %s, installed%s", z->origin,
	         r->serial, r->user, rc == 0 ? " and reloaded" : "; the reload command FAILED");
	return 0;
}

static int reject(req_t *r)
{
	gate_zone_t *z = r->z;
	gate_cand_t c;
	if (gate_state_candidate(z, r->serial, &c) != 0) {
		return fail(r, "state: cannot read (serial %u)", r->serial);
	}
	if (!c.seen || (c.state[0] && strcmp(c.state, "blocked") != 0)) {
		return fail(r, "serial %u is %s: nothing to reject", r->serial,
		            c.state[0] ? c.state : "not a candidate");
	}
	if (z->has_served && !gate_serial_newer(r->serial, z->served)) {
		return fail(r, "serial %u is not newer than the served serial %u", r->serial, z->served);
	}
	if (gate_state_reject(z, r->serial, r->user, r->reason, c.finding) != 0) {
		return fail(r, "state: cannot record the rejection (serial %u)", r->serial);
	}
	if (z->has_candidate && z->candidate == r->serial) {
		z->candidate_verdict = 1;
	}
	gate_log(LOG_NOTICE, z->origin, "control: %s rejects serial %u (reason: %s)", r->user,
	         r->serial, r->reason);
	snprintf(r->reply, r->size, "ok: [%s] serial %u rejected by %s", z->origin, r->serial,
	         r->user);
	return 0;
}

static int hold(req_t *r, bool on)
{
	gate_zone_t *z = r->z;
	if (gate_state_hold(z, on, r->user, r->reason) != 0) {
		return fail(r, "state: cannot record the %s", on ? "hold" : "resume");
	}
	z->hold = on;
	gate_log(LOG_NOTICE, z->origin, "control: %s %s (reason: %s)", r->user,
	         on ? "holds the zone: verifying, handing nothing over" : "resumes the zone",
	         r->reason[0] ? r->reason : "none");
	bool released = !on && gate_zone_release(z) > 0;
	snprintf(r->reply, r->size, "ok: [%s] %s by %s%s", z->origin, on ? "on hold" : "resumed",
	         r->user, released ? "; the held serial was handed over" : "");
	return 0;
}

static int parse_serial(const char *s, uint32_t *out)
{
	char *end = NULL;
	errno = 0;
	unsigned long v = s ? strtoul(s, &end, 10) : 0;
	if (s == NULL || end == s || *end != '\0' || errno != 0 || v > UINT32_MAX) {
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

int gate_control_request(gate_conf_t *conf, gate_zone_t *owner, const char *user, char *line,
                         char *reply, size_t size)
{
	char *p = line;
	const char *action = word(&p), *zone = word(&p);
	gate_zone_t *z = zone ? gate_conf_zone(conf, zone) : NULL;
	/* a socket speaks only for the zones of its state directory */
	if (action == NULL || z == NULL || strcmp(z->state_dir, owner->state_dir) != 0) {
		snprintf(reply, size, "error: unknown zone or empty request");
		gate_log(LOG_WARNING, owner->origin, "control: %s: unknown zone or empty request", user);
		return -1;
	}
	req_t r = { .z = z, .user = user, .reply = reply, .size = size };
	bool with_serial = strcmp(action, "approve") == 0 || strcmp(action, "reject") == 0;
	if (with_serial && parse_serial(word(&p), &r.serial) != 0) {
		return fail(&r, "%s: expected a serial", action);
	}
	while (*p == ' ') {
		p++;
	}
	r.reason = p;
	if (r.reason[0] == '\0' && strcmp(action, "resume") != 0) {
		return fail(&r, "%s: a reason is required", action);
	}
	if (strcmp(action, "approve") == 0) {
		return approve(&r);
	}
	if (strcmp(action, "reject") == 0) {
		return reject(&r);
	}
	if (strcmp(action, "hold") == 0 || strcmp(action, "resume") == 0) {
		return hold(&r, action[0] == 'h');
	}
	return fail(&r, "unknown action %s", action);
}
