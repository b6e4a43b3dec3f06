/* publish_state.c -- `zonegate publish --state DIR`: the same gate.db as the XFR gate's state
 * directory (gates/xfr/gate_state.c, gate_keys.c), so a file pipeline gets the rollover.* timing
 * of a key history (DNSKEY TTL + propagation delay before a key signs alone, max TTL + delay
 * before a retired one goes) instead of "published in the previous file". One directory per zone.
 * A missing database while DIST_FILE exists is an error (--init adopts DIST_FILE), never a fresh
 * start that would forget when keys were published. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "gates/cli/publish_state.h"
#include "gates/xfr/gate_xfr.h"
#include "verifier/zone.h"

struct pub_state {
	gate_zone_t z;
	bool init, open;
};

pub_state_t *pub_state_new(const cli_verify_opts_t *o)
{
	pub_state_t *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		return NULL;
	}
	gate_zone_init(&s->z);
	snprintf(s->z.state_dir, sizeof(s->z.state_dir), "%s", o->state_dir);
	snprintf(s->z.dist_file, sizeof(s->z.dist_file), "%s", o->to_path);
	s->z.fixed_time = o->now; /* --time: verification and key history share the clock */
	s->init = o->state_init;
	gate_log_name("zonegate publish");
	return s;
}

int pub_state_history(void *arg, const zg_zone_t *zone, const zg_zone_t *prev,
                      zg_key_history_t **h, size_t *n, char *msg, size_t msglen)
{
	pub_state_t *s = arg;
	gate_zone_t *z = &s->z;
	zg_zone_origin_str(zone, z->origin, sizeof(z->origin));
	z->has_served = prev != NULL && zg_zone_serial(prev, &z->served);
	if (mkdir(z->state_dir, 0750) != 0 && errno != EEXIST) {
		snprintf(msg, msglen, "--state %s: cannot create: %s", z->state_dir, strerror(errno));
		return -1;
	}
	if (gate_state_open(z, s->init ? GATE_STATE_INIT : GATE_STATE_RUN, msg, msglen) != 0) {
		return -1;
	}
	s->open = true;
	if (z->has_served) {
		gate_state_sync_served(z); /* a stop between an install and its record */
	}
	gate_keys_note(z, zone); /* the candidate's keys, for when it is published */
	if (gate_keys_history(z, prev, h, n) != 0) {
		snprintf(msg, msglen, "cannot read the key history from %s/gate.db", z->state_dir);
		return -1;
	}
	return 0;
}

static bool serial_of(const zg_report_t *rep, uint32_t *serial)
{
	const zg_report_meta_t *m = rep ? zg_report_meta(rep) : NULL;
	if (m == NULL || !m->has_serial) {
		return false;
	}
	*serial = m->serial;
	return true;
}

int pub_state_version(pub_state_t *s, const zg_report_t *rep, int verdict, const char *report)
{
	uint32_t serial;
	if (!s->open || !serial_of(rep, &serial)) {
		return 0; /* nothing verified: nothing to record */
	}
	char first[1024];
	gate_report_first_finding(rep, first, sizeof(first));
	return gate_state_version(&s->z, serial, verdict, report ? report : "",
	                          gate_report_expires(rep), verdict == 0 ? NULL : first);
}

int pub_state_published(pub_state_t *s, const zg_report_t *rep)
{
	uint32_t serial;
	if (!s->open || !serial_of(rep, &serial)) {
		return 0;
	}
	return gate_state_served(&s->z, serial, gate_report_expires(rep), NULL, NULL, NULL);
}

void pub_state_free(pub_state_t *s)
{
	if (s != NULL && s->open) {
		gate_state_close(&s->z);
	}
	free(s);
}
