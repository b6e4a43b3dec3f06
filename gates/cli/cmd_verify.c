/* cmd_verify.c -- `zonegate verify`: load the zone and side files, verify, render, exit code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "gates/cli/cli.h"
#include "verifier/verify.h"
#include "verifier/zone.h"

typedef struct {
	zg_zone_t *zone, *ds, *prev, *unsig, *cands;
	zg_zone_t *applied; /* --incremental: prev with the diff to zone applied */
	zg_memo_t *memo;    /* --incremental: what verifying prev left */
	double apply_s;     /* --incremental: seconds to apply the diff */
	double load_s;      /* seconds to load the zone and the side files */
} loaded_t;

static void loaded_free(loaded_t *l)
{
	zg_zone_free(l->applied);
	zg_memo_free(l->memo);
	zg_zone_free(l->zone);
	zg_zone_free(l->ds);
	zg_zone_free(l->prev);
	zg_zone_free(l->unsig);
	zg_zone_free(l->cands);
}

static int fail(const cli_verify_opts_t *o, const char *id, const char *msg)
{
	fprintf(stderr, "zonegate: %s: %s\n", id, msg);
	if (o->json) {
		cli_render_json_error(o->zone_path, id, msg, stdout);
	}
	cli_alert_unverified(o, id, msg); /* a zone that could not be verified pages too */
	return CLI_EXIT_UNVERIFIED;
}

/* Load one side file with the zone's origin; NULL path is fine. */
static int load_side(const cli_verify_opts_t *o, const char *path, const char *origin,
                     zg_zone_t **out)
{
	char msg[ZG_ERRMSG_LEN] = "";
	if (path == NULL) {
		return 0;
	}
	zg_err_t ret = zg_zone_load(path, origin, out, msg, sizeof(msg));
	if (ret != ZG_EOK) {
		fail(o, "zone.parse", msg[0] ? msg : zg_strerror(ret));
		return -1;
	}
	return 0;
}

static int load_all(const cli_verify_opts_t *o, loaded_t *l)
{
	char msg[ZG_ERRMSG_LEN] = "";
	cli_load_watch_t *w = cli_load_watch_start(o->zone_path);
	zg_err_t ret = zg_zone_load_threads(o->zone_path, o->origin, o->threads, &l->zone, msg,
	                                    sizeof(msg));
	cli_load_watch_stop(w);
	if (ret != ZG_EOK) {
		return fail(o, ret == ZG_EORIGIN ? "zone.origin" : "zone.parse",
		            msg[0] ? msg : zg_strerror(ret));
	}
	char origin[1024];
	zg_zone_origin_str(l->zone, origin, sizeof(origin));
	if (load_side(o, o->ds_path, origin, &l->ds) != 0 ||
	    load_side(o, o->prev_path, origin, &l->prev) != 0 ||
	    load_side(o, o->unsigned_path, origin, &l->unsig) != 0 ||
	    load_side(o, o->candidates_path, origin, &l->cands) != 0) {
		return CLI_EXIT_UNVERIFIED;
	}
	return CLI_EXIT_OK;
}

/* Progress on stderr, only at a terminal and only once a run has taken 2 s (issue 6). */
typedef struct {
	zg_sink_t base;
	struct timespec start, last;
	bool shown;
	size_t records;     /* of the zone being verified */
	double load_s;      /* what loading it took */
	double after;       /* seconds before a line shows (cli_progress_after) */
} progress_sink_t;

static double since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void show_progress(zg_sink_t *sink, uint64_t done, uint64_t total)
{
	progress_sink_t *p = (progress_sink_t *)sink;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double el = since(&p->start, &now);
	if (el + p->load_s < p->after || (since(&p->last, &now) < 0.5 && done < total)) {
		return;
	}
	p->last = now;
	p->shown = true;
	double rate = (double)done / el;
	fprintf(stderr, "\rzonegate: %zu records loaded in %.1f s; %llu/%llu signatures verified, "
	        "%.0f/s, ETA %.0f s   ", p->records, p->load_s, (unsigned long long)done,
	        (unsigned long long)total, rate, rate > 0 ? (double)(total - done) / rate : 0.0);
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* --incremental: verify prev once (its memo), then make the new version as prev + diff. */
static int incremental_base(const cli_verify_opts_t *o, loaded_t *l, const zg_policy_t *policy,
                            double *base_s)
{
	char msg[ZG_ERRMSG_LEN] = "";
	double t0 = now_s();
	zg_verify_opts_t vo = { .now = o->now, .policy = policy, .threads = o->threads,
	                        .memo_out = l->memo = zg_memo_new() };
	zg_report_t *rep = NULL;
	zg_err_t ret = l->memo ? zg_verify(l->prev, &vo, &rep) : ZG_ENOMEM;
	zg_report_free(rep);
	*base_s = now_s() - t0;
	zg_diff_t *d = NULL;
	if (ret == ZG_EOK) {
		ret = zg_zone_diff(l->prev, l->zone, &d);
	}
	double t1 = now_s();
	if (ret == ZG_EOK) {
		ret = zg_zone_apply_diff(l->prev, d, &l->applied, msg, sizeof(msg));
	}
	l->apply_s = now_s() - t1;
	if (ret == ZG_EOK) {
		ret = zg_zone_adopt_lines(l->applied, l->zone);
	}
	size_t rm = 0, add = 0;
	zg_diff_counts(d, &rm, &add);
	zg_diff_free(d);
	if (ret != ZG_EOK) {
		char line[ZG_ERRMSG_LEN + 128];
		snprintf(line, sizeof(line), "%s: incremental verification could not start: %s",
		         o->zone_path, msg[0] ? msg : zg_strerror(ret));
		return fail(o, "verify", line);
	}
	fprintf(stderr, "zonegate: incremental: %s -> %s: %zu RRs removed, %zu added\n",
	        o->prev_path, o->zone_path, rm, add);
	return CLI_EXIT_OK;
}

static void incremental_done(const loaded_t *l, double base_s, double inc_s)
{
	zg_memo_stats_t st = zg_memo_stats(l->memo);
	char denial[64];
	snprintf(denial, sizeof(denial), st.denial_reused ? "NSEC/NSEC3 results reused" :
	         "%llu NSEC3 hashes reused", (unsigned long long)st.hashes_reused);
	fprintf(stderr, "zonegate: incremental: %llu signatures verified, %llu reused, %s%s; "
	        "apply %.3f s + verify %.3f s (the base's full verification: %.3f s)\n",
	        (unsigned long long)st.sigs_verified, (unsigned long long)st.sigs_reused, denial,
	        st.keyset_changed ? ", DNSKEY set changed: nothing reused" : "", l->apply_s, inc_s,
	        base_s);
}

/* Verify the loaded zone; HSM candidates are fetched here, freed right after. */
static int verify_loaded(const cli_verify_opts_t *o, loaded_t *l, const zg_policy_t *policy,
                         zg_report_t **rep, double base_s)
{
	char origin[1024], msg[ZG_ERRMSG_LEN];
	zg_zone_origin_str(l->zone, origin, sizeof(origin));
	zg_candidate_key_t *hsm = NULL;
	size_t nhsm = 0;
	if (cli_hsm_candidates(o, origin, &hsm, &nhsm, msg, sizeof(msg)) != 0) {
		return fail(o, "hsm", msg);
	}
	const zg_zone_t *zone = l->applied ? l->applied : l->zone;
	progress_sink_t ps = { .base = { .progress = show_progress },
		               .records = zg_zone_rr_count(zone), .load_s = l->load_s,
		               .after = cli_progress_after() };
	clock_gettime(CLOCK_MONOTONIC, &ps.start);
	ps.last = ps.start;
	zg_key_history_t *hist = NULL;
	size_t nhist = 0;
	if (o->history != NULL &&
	    o->history(o->history_arg, zone, l->prev, &hist, &nhist, msg, sizeof(msg)) != 0) {
		cli_hsm_candidates_free(hsm, nhsm);
		return fail(o, "state", msg);
	}
	zg_memo_t *memo = l->applied ? zg_memo_new() : NULL;
	zg_verify_opts_t vo = { .now = o->now, .policy = policy, .ds = l->ds, .prev = l->prev,
	                        .unsigned_zone = l->unsig, .candidates = l->cands,
	                        .extra_keys = hsm, .nextra_keys = nhsm,
	                        .cross = o->cross_check ? zg_crypto_libdnssec() : NULL,
	                        .threads = o->threads, .history = hist, .nhistory = nhist,
	                        .sink = isatty(STDERR_FILENO) ? &ps.base : NULL,
	                        .memo_in = l->memo, .memo_base = l->prev, .memo_out = memo };
	double t0 = now_s();
	zg_err_t ret = l->applied && memo == NULL ? ZG_ENOMEM :
	               zg_verify(zone, &vo, rep);
	free(hist);
	if (ps.shown) {
		fputc('\n', stderr);
	}
	if (ret == ZG_EOK && memo != NULL) {
		zg_memo_free(l->memo);
		l->memo = memo; /* the stats of this run */
		incremental_done(l, base_s, now_s() - t0);
	} else {
		zg_memo_free(memo);
	}
	cli_hsm_candidates_free(hsm, nhsm);
	if (ret != ZG_EOK) {
		snprintf(msg, sizeof(msg), "%s: verification could not complete: %s", o->zone_path,
		         zg_strerror(ret));
		return fail(o, "verify", msg);
	}
	return CLI_EXIT_OK;
}

int cli_verify_run(const cli_verify_opts_t *o, zg_report_t **out)
{
	zg_policy_t policy = zg_policy_default();
	char msg[ZG_ERRMSG_LEN];
	if (o->policy_path != NULL && cli_policy_load(o->policy_path, &policy, msg, sizeof(msg)) != 0) {
		return fail(o, "policy", msg);
	}
	loaded_t l = { 0 };
	zg_report_t *rep = NULL;
	double base_s = 0;
	double t0 = now_s();
	int rc = load_all(o, &l);
	l.load_s = now_s() - t0;
	if (rc == CLI_EXIT_OK && o->incremental) {
		rc = incremental_base(o, &l, &policy, &base_s);
	}
	if (rc == CLI_EXIT_OK) {
		rc = verify_loaded(o, &l, &policy, &rep, base_s);
	}
	loaded_free(&l);
	if (rc != CLI_EXIT_OK) {
		return rc;
	}
	if (o->json) {
		cli_render_json(rep, stdout);
	} else {
		cli_render_text(rep, stdout);
	}
	rc = zg_report_verdict(rep) == ZG_VERDICT_PASS ? CLI_EXIT_OK : CLI_EXIT_BLOCKED;
	cli_alert_verdict(o, rep); /* never changes rc: delivery failure does not unblock */
	if (fflush(stdout) != 0) {
		fprintf(stderr, "zonegate: cannot write the report\n");
		rc = CLI_EXIT_UNVERIFIED;
	}
	if (out != NULL) {
		*out = rep;
	} else {
		zg_report_free(rep);
	}
	return rc;
}

int cli_cmd_verify(int argc, char **argv)
{
	cli_verify_opts_t o = { 0 };
	char err[512];
	int p = cli_parse_verify(argc, argv, &o, err, sizeof(err));
	if (p == 1) {
		cli_usage(stdout);
		return CLI_EXIT_OK;
	}
	if (p == 0 && (o.to_path || o.then_cmd || o.quarantine_dir || o.state_dir || o.state_init)) {
		snprintf(err, sizeof(err), "--to, --then, --quarantine, --state and --init belong to "
		         "zonegate publish");
		p = -1;
	}
	if (p == 0 && o.zone_path == NULL) {
		snprintf(err, sizeof(err), "expected exactly one ZONEFILE (see zonegate verify --help)");
		p = -1;
	}
	if (p != 0) {
		fprintf(stderr, "zonegate: %s\n", err);
		return CLI_EXIT_UNVERIFIED;
	}
	return cli_verify_run(&o, NULL);
}
