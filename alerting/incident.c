/* incident.c -- one incident per (zone, condition class): open, update, resolve; per-route state. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "alerting/event.h"
#include "alerting/fsutil.h"
#include "alerting/incident.h"
#include "alerting/spool.h"

#define PATH_LEN 4096
#define KEY_ZONE_MAX 150 /* longer zone labels are hashed: PagerDuty caps dedup_key at 255 */

typedef struct {
	const zg_alert_conf_t *conf;
	const zg_alert_verdict_t *v;
	zg_alert_checkpoint_fn checkpoint;
	zg_alert_record_stats_t *stats;
	char dir[PATH_LEN]; /* SPOOL/incidents */
} apply_ctx_t;

static void state_file(const char *zone_key, zg_alert_class_t cls, char *out, size_t size)
{
	char buf[2048], hash[33];
	snprintf(buf, sizeof(buf), "%s\n%s", zone_key, zg_alert_class_name(cls));
	zg_alert_sha256_hex(buf, strlen(buf), hash, 32);
	snprintf(out, size, "%s.json", hash);
}

static json_t *state_new(const char *zone_key, const char *zone, zg_alert_class_t cls,
                         uint64_t now_ms)
{
	char key[256], hash[33];
	if (strlen(zone) > KEY_ZONE_MAX) {
		zg_alert_sha256_hex(zone, strlen(zone), hash, 32);
		zone = hash;
	}
	snprintf(key, sizeof(key), "zonegate:%s:%s:%" PRIu64, zone, zg_alert_class_name(cls),
	         now_ms);
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:i, s:s, s:n, s:{}, s:[]}", "zone_key",
	                 zone_key, "zone", zone, "class", zg_alert_class_name(cls), "key", key,
	                 "opened_ms", (json_int_t)now_ms, "seq", 0, "severity", "none", "serial",
	                 "routes", "pending");
}

/* A verification of an older serial than the incident's last one changes nothing (RFC 1982). */
static bool is_stale(const json_t *st, const zg_alert_verdict_t *v)
{
	const zg_report_meta_t *m = v->rep ? zg_report_meta(v->rep) : NULL;
	json_t *s = json_object_get(st, "serial");
	if (m == NULL || !m->has_serial || !json_is_integer(s)) {
		return false;
	}
	uint32_t last = (uint32_t)json_integer_value(s);
	return (int32_t)(m->serial - last) < 0;
}

static json_t *serial_json(const zg_alert_verdict_t *v)
{
	const zg_report_meta_t *m = v->rep ? zg_report_meta(v->rep) : NULL;
	return m && m->has_serial ? json_integer(m->serial) : json_null();
}

static json_t *make_event(apply_ctx_t *c, json_t *st, const char *event, zg_alert_sev_t sev,
                          zg_alert_sev_t prev)
{
	char key[400];
	const char *ikey = zg_alert_ev_str(st, "key");
	snprintf(key, sizeof(key), "%s:%" PRIu64 ":%s", ikey, zg_alert_ev_u64(st, "seq"), event);
	zg_alert_class_t cls = ZG_ALERT_CL_OTHER;
	for (int i = 0; i < ZG_ALERT_NCLASSES; i++) {
		if (strcmp(zg_alert_class_name((zg_alert_class_t)i), zg_alert_ev_str(st, "class")) ==
		    0) {
			cls = (zg_alert_class_t)i;
		}
	}
	zg_alert_event_info_t in = { .event = event, .key = key, .dedup_key = ikey,
		                     .zone = zg_alert_ev_str(st, "zone"), .cls = cls,
		                     .severity = sev, .prev_severity = prev,
		                     .opened_ms = zg_alert_ev_u64(st, "opened_ms") };
	return zg_alert_event_new(c->v, &in);
}

/* What a route gets: open when it becomes eligible, resolve when it stops being, update on a new
 * serial or severity (Slack only on a new severity: a chat line per re-verification is noise). */
static const char *route_event(const zg_alert_route_t *r, zg_alert_sev_t sev, zg_alert_sev_t prev,
                               bool new_serial)
{
	bool eligible = sev != ZG_ALERT_SEV_NONE && sev >= r->min_severity;
	if (eligible && prev == ZG_ALERT_SEV_NONE) {
		return "open";
	}
	if (eligible && (sev != prev || (new_serial && r->kind != ZG_ALERT_SLACK))) {
		return "update";
	}
	if (!eligible && prev != ZG_ALERT_SEV_NONE) {
		return "resolve";
	}
	return NULL;
}

static void count(zg_alert_record_stats_t *s, const char *ev)
{
	if (s == NULL) {
		return;
	}
	s->opened += strcmp(ev, "open") == 0;
	s->updated += strcmp(ev, "update") == 0;
	s->resolved += strcmp(ev, "resolve") == 0;
}

/* Per route: compare with what it was sent, queue the message, remember what it has now. */
static zg_err_t plan_routes(apply_ctx_t *c, json_t *st, zg_alert_sev_t sev, bool new_serial,
                            json_t *pending)
{
	json_t *routes = json_object_get(st, "routes");
	for (size_t i = 0; i < c->conf->nroutes; i++) {
		const zg_alert_route_t *r = &c->conf->routes[i];
		zg_alert_sev_t prev = zg_alert_ev_sev(routes, r->name);
		const char *ev = route_event(r, sev, prev, new_serial);
		if (ev == NULL) {
			continue;
		}
		bool resolve = strcmp(ev, "resolve") == 0;
		json_t *body = make_event(c, st, ev, resolve ? prev : sev,
		                          strcmp(ev, "update") == 0 && prev != sev ? prev
		                                                                   : ZG_ALERT_SEV_NONE);
		json_t *entry = body ? zg_alert_spool_entry(r->name, body, c->v->now_ms) : NULL;
		json_decref(body);
		if (entry == NULL || json_array_append_new(pending, entry) != 0) {
			return ZG_ENOMEM;
		}
		count(c->stats, ev);
		if (resolve) {
			json_object_del(routes, r->name);
		} else {
			json_object_set_new(routes, r->name, json_string(zg_alert_sev_name(sev)));
		}
	}
	return ZG_EOK;
}

static zg_err_t push_pending(const char *spool, json_t *pending, zg_alert_record_stats_t *stats)
{
	size_t i;
	json_t *e;
	json_array_foreach(pending, i, e) {
		zg_err_t ret = zg_alert_spool_push(spool, e);
		if (ret != ZG_EOK) {
			return ret;
		}
		if (stats != NULL) {
			stats->spooled++;
		}
	}
	return ZG_EOK;
}

/* Write-ahead order: state+pending, spool, state without pending (or gone when resolved). */
static zg_err_t commit(apply_ctx_t *c, json_t *st, const char *file, bool closed)
{
	json_t *pending = json_object_get(st, "pending");
	zg_err_t ret = ZG_EOK;
	if (json_array_size(pending) > 0) {
		ret = zg_alert_json_save(c->dir, file, st);
		if (ret == ZG_EOK && c->checkpoint) {
			c->checkpoint("state-written");
		}
		ret = ret == ZG_EOK ? push_pending(c->conf->spool, pending, c->stats) : ret;
		if (ret == ZG_EOK && c->checkpoint) {
			c->checkpoint("spooled");
		}
	}
	if (ret != ZG_EOK) {
		return ret;
	}
	if (closed) {
		return zg_alert_unlink(c->dir, file);
	}
	json_array_clear(pending);
	return zg_alert_json_save(c->dir, file, st);
}

static zg_err_t load_state(apply_ctx_t *c, const char *file, json_t **st)
{
	*st = NULL;
	zg_err_t ret = zg_alert_json_load(c->dir, file, st);
	return ret == ZG_ENOENT ? ZG_EOK : (ret == ZG_EMALF ? ZG_ESPOOL : ret);
}

static zg_err_t process(apply_ctx_t *c, const char *zone_key, zg_alert_class_t cls,
                        zg_alert_sev_t sev)
{
	char file[80];
	json_t *st = NULL;
	state_file(zone_key, cls, file, sizeof(file));
	zg_err_t ret = load_state(c, file, &st);
	if (ret != ZG_EOK || (st == NULL && sev == ZG_ALERT_SEV_NONE) ||
	    (st != NULL && is_stale(st, c->v))) {
		json_decref(st);
		return ret;
	}
	const char *zone = c->v->zone && c->v->zone[0] ? c->v->zone : zone_key;
	if (st == NULL && (st = state_new(zone_key, zone, cls, c->v->now_ms)) == NULL) {
		return ZG_ENOMEM;
	}
	json_t *serial = serial_json(c->v);
	bool new_serial = serial == NULL || !json_equal(serial, json_object_get(st, "serial"));
	json_object_set_new(st, "seq", json_integer((json_int_t)zg_alert_ev_u64(st, "seq") + 1));
	ret = plan_routes(c, st, sev, new_serial, json_object_get(st, "pending"));
	json_object_set_new(st, "severity", json_string(zg_alert_sev_name(sev)));
	json_object_set_new(st, "serial", serial);
	if (ret == ZG_EOK && sev != ZG_ALERT_SEV_NONE) {
		json_object_set_new(st, "last_event", make_event(c, st, "update", sev,
		                                                 ZG_ALERT_SEV_NONE));
	}
	if (ret == ZG_EOK) {
		ret = commit(c, st, file, sev == ZG_ALERT_SEV_NONE);
	}
	json_decref(st);
	return ret;
}

zg_err_t zg_alert_incidents_apply(const zg_alert_conf_t *conf, const zg_alert_verdict_t *v,
                                  zg_alert_checkpoint_fn checkpoint,
                                  zg_alert_record_stats_t *stats)
{
	apply_ctx_t c = { .conf = conf, .v = v, .checkpoint = checkpoint, .stats = stats };
	snprintf(c.dir, sizeof(c.dir), "%s/%s", conf->spool, ZG_ALERT_SPOOL_INCIDENTS);
	const char *zone_key = v->zone && v->zone[0] ? v->zone : (v->file ? v->file : "unknown");
	zg_alert_sev_t sev[ZG_ALERT_NCLASSES];
	zg_alert_classes_eval(v, sev);
	if (v->rep == NULL) {
		zg_alert_class_t cls = v->signer         ? ZG_ALERT_CL_SIGNER
		                       : v->distribution ? ZG_ALERT_CL_DISTRIBUTION
		                                         : ZG_ALERT_CL_UNVERIFIED;
		return process(&c, zone_key, cls, sev[cls]);
	}
	for (int i = 0; i < ZG_ALERT_NCLASSES; i++) {
		if (i == ZG_ALERT_CL_DISTRIBUTION) {
			continue; /* a verification says nothing of the servers' reload */
		}
		zg_err_t ret = process(&c, zone_key, (zg_alert_class_t)i, sev[i]);
		if (ret != ZG_EOK) {
			return ret;
		}
	}
	/* a zone that could not be verified under its file name now could: close that one too */
	if (v->file != NULL && strcmp(v->file, zone_key) != 0) {
		return process(&c, v->file, ZG_ALERT_CL_UNVERIFIED, ZG_ALERT_SEV_NONE);
	}
	return ZG_EOK;
}

static zg_err_t recover_one(const char *spool, const char *dir, const char *name)
{
	json_t *st = NULL;
	zg_err_t ret = zg_alert_json_load(dir, name, &st);
	if (ret != ZG_EOK) {
		return ret == ZG_ENOENT ? ZG_EOK : ret;
	}
	json_t *pending = json_object_get(st, "pending");
	if (json_array_size(pending) > 0) {
		ret = push_pending(spool, pending, NULL);
		if (ret == ZG_EOK && strcmp(zg_alert_ev_str(st, "severity"), "none") == 0) {
			ret = zg_alert_unlink(dir, name);
		} else if (ret == ZG_EOK) {
			json_array_clear(pending);
			ret = zg_alert_json_save(dir, name, st);
		}
	}
	json_decref(st);
	return ret;
}

static zg_err_t each_state(const char *spool, zg_err_t (*fn)(const char *spool, const char *dir,
                                                             const char *name, void *arg),
                           void *arg)
{
	char dir[PATH_LEN];
	snprintf(dir, sizeof(dir), "%s/%s", spool, ZG_ALERT_SPOOL_INCIDENTS);
	char **names = NULL;
	size_t n = 0;
	DIR *d = opendir(dir);
	if (d == NULL) {
		return errno == ENOENT ? ZG_EOK : ZG_ESPOOL;
	}
	zg_err_t ret = ZG_EOK;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 6 || strcmp(de->d_name + len - 5, ".json") != 0) {
			continue;
		}
		char **nn = realloc(names, (n + 1) * sizeof(*nn));
		if (nn == NULL || (nn[n] = strdup(de->d_name)) == NULL) {
			names = nn ? nn : names;
			ret = ZG_ENOMEM;
			break;
		}
		names = nn;
		n++;
	}
	closedir(d);
	for (size_t i = 0; ret == ZG_EOK && i < n; i++) {
		ret = fn(spool, dir, names[i], arg);
	}
	zg_alert_spool_names_free(names, n);
	return ret;
}

static zg_err_t recover_cb(const char *spool, const char *dir, const char *name, void *arg)
{
	(void)arg;
	return recover_one(spool, dir, name);
}

zg_err_t zg_alert_incidents_recover(const char *spool)
{
	return each_state(spool, recover_cb, NULL);
}

typedef struct {
	void (*fn)(const json_t *state, void *arg);
	void *arg;
} each_arg_t;

static zg_err_t open_cb(const char *spool, const char *dir, const char *name, void *arg)
{
	(void)spool;
	each_arg_t *a = arg;
	json_t *st = NULL;
	if (zg_alert_json_load(dir, name, &st) == ZG_EOK) {
		if (strcmp(zg_alert_ev_str(st, "severity"), "none") != 0) {
			a->fn(st, a->arg);
		}
		json_decref(st);
	}
	return ZG_EOK;
}

zg_err_t zg_alert_incidents_each(const char *spool, void (*fn)(const json_t *state, void *arg),
                                 void *arg)
{
	each_arg_t a = { fn, arg };
	return each_state(spool, open_cb, &a);
}
