/* gate_reload.c -- SIGHUP: the config file is read again and swapped in whole, or not at all. A
 * zone kept (same origin, state directory and distribution file) keeps its runtime state, state
 * database and control socket, and takes the new settings (signer, key, thresholds, alerting...);
 * a new zone is opened as at start; a dropped one is closed. Any error (YAML, keys, alerting,
 * state, sockets) is one line, and the running config stays as it was. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "gates/xfr/gate_xfr.h"

static gate_zone_t *same_zone(const gate_conf_t *conf, const gate_zone_t *z)
{
	for (size_t i = 0; i < conf->nzones; i++) {
		gate_zone_t *o = &conf->zones[i];
		if (strcasecmp(o->origin, z->origin) == 0 &&
		    strcmp(o->state_dir, z->state_dir) == 0 &&
		    strcmp(o->dist_file, z->dist_file) == 0) {
			return o;
		}
	}
	return NULL;
}

/* What can fail: open the new zones, bind their control sockets, then the listeners. */
static int prepare(gate_conf_t *nc, const gate_conf_t *conf, gate_listen_t *l, char *err,
                   size_t errlen)
{
	for (size_t i = 0; i < nc->nzones; i++) {
		gate_zone_t *z = &nc->zones[i];
		char msg[1000];
		if (same_zone(conf, z) == NULL && gate_zone_open(z, false, msg, sizeof(msg)) != 0) {
			snprintf(err, errlen, "[%s] %s", z->origin, msg);
			return -1;
		}
	}
	if (gate_control_open_new(nc, conf, err, errlen) != 0) {
		return -1;
	}
	return gate_listen_reload(l, nc, err, errlen);
}

/* A kept zone: its runtime state (from GATE_ZONE_RUNTIME on) moves from o to z. */
static void adopt(gate_zone_t *z, gate_zone_t *o)
{
	int ctl = z->ctl_fd; /* the sockets move per state directory (gate_control_take) */
	memcpy((char *)z + GATE_ZONE_RUNTIME, (const char *)o + GATE_ZONE_RUNTIME,
	       sizeof(*z) - GATE_ZONE_RUNTIME);
	z->ctl_fd = ctl;
	o->db = NULL;
	o->held_rep = NULL;
	o->served_zone = o->pass_zone = NULL;
	o->served_memo = o->pass_memo = NULL;
	gate_cache_drop(z); /* the policy or the files may have changed: verify afresh */
	uint64_t now = gate_now_ms();
	if (z->due_ms > now + z->refresh_ms) {
		z->due_ms = now + z->refresh_ms; /* a shorter refresh applies at once */
	}
}

/* Cannot fail: move the kept zones' state and sockets, close what was dropped, swap. */
static void commit(gate_conf_t *nc, gate_conf_t *conf)
{
	size_t kept = 0, dropped = 0;
	for (size_t i = 0; i < nc->nzones; i++) {
		gate_zone_t *o = same_zone(conf, &nc->zones[i]);
		if (o != NULL && o->db != NULL) {
			adopt(&nc->zones[i], o);
			kept++;
		}
	}
	gate_control_take(nc, conf);
	for (size_t i = 0; i < conf->nzones; i++) {
		dropped += conf->zones[i].db != NULL;
		gate_state_close(&conf->zones[i]);
	}
	gate_control_close(conf);
	gate_conf_free(conf);
	*conf = *nc;
	gate_log(LOG_NOTICE, NULL, "reload: %s: %zu zone(s): %zu kept, %zu added, %zu removed",
	         conf->path, conf->nzones, kept, conf->nzones - kept, dropped);
}

int gate_reload(gate_conf_t *conf, gate_listen_t *l)
{
	gate_conf_t nc;
	char err[2048];
	if (gate_conf_load(conf->path, &nc, err, sizeof(err)) != 0) {
		gate_log(LOG_ERR, NULL, "reload: %s; keeping the running configuration", err);
		return -1;
	}
	if (prepare(&nc, conf, l, err, sizeof(err)) != 0) {
		gate_log(LOG_ERR, NULL, "reload: %s; keeping the running configuration", err);
		for (size_t i = 0; i < nc.nzones; i++) {
			gate_state_close(&nc.zones[i]);
		}
		gate_control_close(&nc);
		gate_conf_free(&nc);
		return -1;
	}
	commit(&nc, conf);
	return 0;
}
