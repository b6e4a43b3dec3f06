/* sender.c -- spool passes: deliver due entries, back off, give up into spool/dead and fallbacks. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include "alerting/alert.h"
#include "alerting/deliver.h"
#include "alerting/event.h"
#include "alerting/fsutil.h"
#include "alerting/incident.h"
#include "alerting/spool.h"

#define PATH_LEN 4096
#define MIN_SLEEP_MS 10

typedef struct {
	const zg_alert_conf_t *conf;
	zg_alert_result_fn cb;
	void *arg;
	zg_alert_flush_stats_t *st;
	char **blocked; /* "route\ndedup_key" pairs with an earlier entry still pending */
	size_t nblocked;
	uint64_t next_due_ms; /* earliest next attempt among pending entries, 0 if none */
} pass_t;

static const zg_alert_route_t *find_route(const zg_alert_conf_t *conf, const char *name)
{
	for (size_t i = 0; i < conf->nroutes; i++) {
		if (strcmp(conf->routes[i].name, name) == 0) {
			return &conf->routes[i];
		}
	}
	return NULL;
}

static void pair_of(const json_t *entry, char *out, size_t size)
{
	snprintf(out, size, "%s\n%s", zg_alert_ev_str(entry, "route"),
	         zg_alert_ev_str(json_object_get(entry, "event"), "dedup_key"));
}

static bool is_blocked(const pass_t *p, const char *pair)
{
	for (size_t i = 0; i < p->nblocked; i++) {
		if (strcmp(p->blocked[i], pair) == 0) {
			return true;
		}
	}
	return false;
}

/* Later messages of the same incident to the same route wait: a resolve never overtakes. */
static void block(pass_t *p, const char *pair, uint64_t due_ms)
{
	p->st->pending++;
	if (due_ms > 0 && (p->next_due_ms == 0 || due_ms < p->next_due_ms)) {
		p->next_due_ms = due_ms;
	}
	if (is_blocked(p, pair)) {
		return;
	}
	char **nb = realloc(p->blocked, (p->nblocked + 1) * sizeof(*nb));
	if (nb != NULL && (nb[p->nblocked] = strdup(pair)) != NULL) {
		p->blocked = nb;
		p->nblocked++;
	} else if (nb != NULL) {
		p->blocked = nb;
	}
}

static void report(pass_t *p, const zg_alert_route_t *r, const json_t *entry,
                   const zg_alert_attempt_t *a, int outcome)
{
	if (p->cb == NULL) {
		return;
	}
	const json_t *ev = json_object_get(entry, "event");
	zg_alert_result_t res = { .route = r, .route_name = zg_alert_ev_str(entry, "route"),
		                  .zone = zg_alert_ev_str(ev, "zone"),
		                  .event = zg_alert_ev_str(ev, "event"),
		                  .key = zg_alert_ev_str(ev, "idempotency_key"),
		                  .status = a->status, .error = a->error };
	res.outcome = outcome;
	p->cb(&res, p->arg);
}

/* Permanent failure: the message goes to every fallback route (not back to itself, and a
 * fallback message that fails is not escalated again). */
static unsigned escalate(pass_t *p, const zg_alert_route_t *failed, const json_t *entry,
                         const char *reason)
{
	const json_t *ev = json_object_get(entry, "event");
	if (json_object_get(ev, "fallback_for") != NULL) {
		return 0;
	}
	unsigned n = 0;
	for (size_t i = 0; i < p->conf->nroutes; i++) {
		const zg_alert_route_t *r = &p->conf->routes[i];
		if (!r->fallback || r == failed) {
			continue;
		}
		json_t *copy = json_deep_copy(ev);
		char key[600];
		snprintf(key, sizeof(key), "%s:fallback", zg_alert_ev_str(ev, "idempotency_key"));
		json_object_set_new(copy, "idempotency_key", json_string(key));
		json_object_set_new(copy, "fallback_for",
		                    json_pack("{s:s, s:s, s:s}", "route", zg_alert_ev_str(entry, "route"),
		                              "kind", failed ? zg_alert_kind_name(failed->kind) : "?",
		                              "reason", reason));
		json_t *e = zg_alert_spool_entry(r->name, copy, zg_alert_now_ms());
		if (e != NULL && zg_alert_spool_push(p->conf->spool, e) == ZG_EOK) {
			n++;
		}
		json_decref(e);
		json_decref(copy);
	}
	return n;
}

static void give_up(pass_t *p, const zg_alert_route_t *r, const char *name, json_t *entry,
                    zg_alert_attempt_t *a)
{
	char reason[300];
	snprintf(reason, sizeof(reason), "%s", a->error[0] ? a->error : "undeliverable");
	/* fallbacks are spooled before the entry leaves out/: a crash in between resends, never loses */
	unsigned n = escalate(p, r, entry, reason);
	zg_alert_spool_dead(p->conf->spool, name, entry, reason);
	p->st->failed++;
	report(p, r, entry, a, ZG_ALERT_FAILED);
	p->st->escalated += n;
	if (n > 0) {
		report(p, r, entry, a, ZG_ALERT_ESCALATED);
		p->st->pending += n; /* spooled after this pass listed the spool: due now */
		p->next_due_ms = zg_alert_now_ms();
	}
}

static void retry_later(pass_t *p, const zg_alert_route_t *r, json_t *entry,
                        zg_alert_attempt_t *a, const char *pair)
{
	uint64_t now = zg_alert_now_ms();
	unsigned attempts = (unsigned)zg_alert_ev_u64(entry, "attempts") + 1;
	uint64_t wait = zg_alert_backoff_ms(p->conf->backoff_initial_ms, p->conf->backoff_max_ms,
	                                    attempts, zg_alert_random01());
	if (a->retry_after_ms > wait) { /* 429/503 Retry-After, still capped by the maximum */
		wait = a->retry_after_ms < p->conf->backoff_max_ms ? a->retry_after_ms
		                                                   : p->conf->backoff_max_ms;
	}
	json_object_set_new(entry, "attempts", json_integer(attempts));
	json_object_set_new(entry, "next_attempt_ms", json_integer((json_int_t)(now + wait)));
	json_object_set_new(entry, "last_status", json_integer(a->status));
	json_object_set_new(entry, "last_error", json_string(a->error));
	zg_alert_spool_push(p->conf->spool, entry); /* if this fails the old entry stays: resent */
	p->st->retry++;
	report(p, r, entry, a, ZG_ALERT_RETRY);
	block(p, pair, now + wait);
}

static void attempt(pass_t *p, const char *name, json_t *entry, const char *pair)
{
	const zg_alert_route_t *r = find_route(p->conf, zg_alert_ev_str(entry, "route"));
	zg_alert_attempt_t a = { 0 };
	if (r == NULL) {
		snprintf(a.error, sizeof(a.error), "route is no longer configured");
		give_up(p, NULL, name, entry, &a);
		return;
	}
	zg_alert_deliver(p->conf, r, json_object_get(entry, "event"), &a);
	uint64_t now = zg_alert_now_ms(), created = zg_alert_ev_u64(entry, "created_ms");
	uint64_t age = now > created ? now - created : 0; /* a clock stepped back: young, not dead */
	if (a.outcome == ZG_ALERT_SENT) {
		zg_alert_spool_done(p->conf->spool, name);
		p->st->delivered++;
		report(p, r, entry, &a, ZG_ALERT_DELIVERED);
	} else if (a.outcome == ZG_ALERT_PERMANENT || age >= p->conf->max_age_ms) {
		if (a.outcome != ZG_ALERT_PERMANENT) {
			size_t l = strlen(a.error);
			snprintf(a.error + l, sizeof(a.error) - l, "%sgave up after max-age",
			         l ? "; " : "");
		}
		give_up(p, r, name, entry, &a);
	} else {
		retry_later(p, r, entry, &a, pair);
	}
}

static void one_entry(pass_t *p, const char *name)
{
	int fd = -1;
	json_t *entry = NULL;
	zg_err_t ret = zg_alert_spool_claim(p->conf->spool, name, &fd, &entry);
	char pair[1200];
	if (ret == ZG_ESPOOLBUSY) {
		pair_of(entry, pair, sizeof(pair));
		block(p, pair, zg_alert_now_ms() + MIN_SLEEP_MS);
		json_decref(entry);
	}
	if (ret != ZG_EOK) {
		return; /* delivered meanwhile, or another sender holds it */
	}
	pair_of(entry, pair, sizeof(pair));
	uint64_t due = zg_alert_ev_u64(entry, "next_attempt_ms");
	if (is_blocked(p, pair) || due > zg_alert_now_ms()) {
		block(p, pair, due);
	} else {
		attempt(p, name, entry, pair);
	}
	json_decref(entry);
	zg_alert_spool_release(fd);
}

static zg_err_t one_pass(pass_t *p)
{
	char **names = NULL;
	size_t n = 0;
	zg_err_t ret = zg_alert_spool_list(p->conf->spool, &names, &n);
	p->next_due_ms = 0;
	p->st->pending = 0;
	for (size_t i = 0; ret == ZG_EOK && i < n; i++) {
		one_entry(p, names[i]);
	}
	zg_alert_spool_names_free(names, n);
	for (size_t i = 0; i < p->nblocked; i++) {
		free(p->blocked[i]);
	}
	free(p->blocked);
	p->blocked = NULL;
	p->nblocked = 0;
	return ret;
}

/* Alertmanager keeps alerts in memory only: re-post what is open (best effort, not spooled). */
static void collect_open(const json_t *st, void *arg)
{
	json_array_append_new((json_t *)arg, json_deep_copy(st));
}

static void refresh(const zg_alert_conf_t *conf, const json_t *open)
{
	size_t k;
	json_t *st;
	json_array_foreach(open, k, st) {
		const json_t *routes = json_object_get(st, "routes");
		const json_t *ev = json_object_get(st, "last_event");
		for (size_t i = 0; ev != NULL && i < conf->nroutes; i++) {
			const zg_alert_route_t *r = &conf->routes[i];
			if (r->kind == ZG_ALERT_ALERTMANAGER && json_object_get(routes, r->name)) {
				zg_alert_attempt_t a;
				zg_alert_deliver(conf, r, ev, &a);
			}
		}
	}
}

/* Recover write-ahead state under the lock; the network is only used after unlocking, so a slow
 * receiver never makes a verification wait for the lock. */
static zg_err_t prepare(const zg_alert_conf_t *conf, const zg_alert_flush_opts_t *opts)
{
	zg_err_t ret = zg_alert_spool_init(conf->spool);
	int lk = ret == ZG_EOK ? zg_alert_lock(conf->spool, "state.lock") : -1;
	if (lk < 0) {
		return ZG_ESPOOL;
	}
	json_t *open = json_array();
	ret = zg_alert_incidents_recover(conf->spool);
	if (ret == ZG_EOK && open != NULL && opts != NULL && opts->refresh) {
		ret = zg_alert_incidents_each(conf->spool, collect_open, open);
	}
	zg_alert_unlock(lk);
	if (ret == ZG_EOK && open != NULL) {
		refresh(conf, open);
	}
	json_decref(open);
	return ret;
}

zg_err_t zg_alert_flush(const zg_alert_conf_t *conf, const zg_alert_flush_opts_t *opts,
                        zg_alert_result_fn cb, void *arg, zg_alert_flush_stats_t *stats,
                        char *err, size_t errlen)
{
	zg_alert_flush_stats_t local = { 0 };
	stats = stats ? stats : &local;
	memset(stats, 0, sizeof(*stats));
	if (conf == NULL || conf->spool == NULL) {
		return ZG_EINVAL;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	pass_t p = { .conf = conf, .cb = cb, .arg = arg, .st = stats };
	zg_err_t ret = prepare(conf, opts);
	uint64_t end = zg_alert_mono_ms() + (opts ? opts->wait_ms : 0);
	while (ret == ZG_EOK) {
		ret = one_pass(&p);
		uint64_t now = zg_alert_mono_ms();
		if (ret != ZG_EOK || stats->pending == 0 || now >= end) {
			break;
		}
		uint64_t wall = zg_alert_now_ms();
		uint64_t nap = p.next_due_ms > wall ? p.next_due_ms - wall : MIN_SLEEP_MS;
		zg_alert_sleep_ms(nap < end - now ? (nap < MIN_SLEEP_MS ? MIN_SLEEP_MS : nap)
		                                  : end - now);
	}
	if (ret != ZG_EOK && err != NULL) {
		snprintf(err, errlen, "%s: %s", conf->spool, zg_strerror(ret));
	}
	return ret;
}
