/* cmd_publish.c -- `zonegate publish`: verify a candidate against the last published version and
 * install it atomically only if it passes; a blocked or unverifiable candidate goes to quarantine
 * and the distribution file is never touched. */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "gates/cli/cli.h"
#include "gates/cli/gate.h"
#include "gates/cli/publish_state.h"

static void publish_usage(FILE *out)
{
	fputs("usage: zonegate publish --zone CANDIDATE --to DIST_FILE [verify options]\n"
	      "                        [--then CMD] [--quarantine DIR] [--state DIR [--init]]\n"
	      "                        [--alert-config FILE]\n"
	      "  verifies CANDIDATE with DIST_FILE as --prev; installs it atomically on pass\n"
	      "  (the old file stays as DIST_FILE.prev) and runs CMD (e.g. knotc zone-reload de.);\n"
	      "  a blocked candidate and its report go to DIR; DIST_FILE is untouched.\n"
	      "  --state DIR keeps versions and the key history (rollover.* timing) in DIR/gate.db;\n"
	      "  --init adopts an existing DIST_FILE into a new one.\n"
	      "exit: 0 published, 1 blocked, 2 could not verify or install, 3 published but CMD failed\n",
	      out);
}

/* Candidate and its JSON report into the quarantine directory, named by time and pid; the
 * report's path in report ("" when there is none). */
static void quarantine(const cli_verify_opts_t *o, const zg_report_t *rep, char *report,
                       size_t size)
{
	report[0] = '\0';
	if (o->quarantine_dir == NULL) {
		return;
	}
	char base[1024], dst[4096], err[512];
	snprintf(base, sizeof(base), "%s", o->zone_path);
	snprintf(dst, sizeof(dst), "%s/%s.%lld.%ld", o->quarantine_dir, basename(base),
	         (long long)time(NULL), (long)getpid());
	if (gate_atomic_install(o->zone_path, dst, false, err, sizeof(err)) != 0) {
		fprintf(stderr, "zonegate: publish: quarantine: %s\n", err);
		return;
	}
	if (rep != NULL) {
		snprintf(report, size, "%s.report.json", dst);
		FILE *f = fopen(report, "w");
		if (f != NULL) {
			cli_render_json(rep, f);
			fclose(f);
		} else {
			report[0] = '\0';
		}
	}
	fprintf(stderr, "zonegate: publish: candidate quarantined as %s\n", dst);
}

/* A failing --then is said and alerted (class distribution: the servers may not serve the new
 * version; the old one is there for rollback); the next one that works resolves it. */
static int run_then(const cli_verify_opts_t *o, const zg_report_t *rep)
{
	char out[256], msg[1024];
	int t = gate_hook_run(o->then_cmd, out, sizeof(out));
	if (t == 0) {
		cli_alert_distribution(o, zg_report_meta(rep)->zone, NULL);
		return CLI_EXIT_OK;
	}
	snprintf(msg, sizeof(msg), "--then command failed (status %d: %s); the previous version is "
	         "%s.prev", t, out[0] ? out : "no output", o->to_path);
	fprintf(stderr, "zonegate: publish: %s\n", msg);
	cli_alert_distribution(o, zg_report_meta(rep)->zone, msg);
	return CLI_EXIT_THEN_FAILED;
}

/* Verified: rc and rep from cli_verify_run. A pass is recorded (with --state) before it is
 * installed: a version the state cannot record is not published. */
static int install(cli_verify_opts_t *o, pub_state_t *st, const zg_report_t *rep)
{
	char err[512];
	if (st != NULL && pub_state_version(st, rep, 0, NULL) != 0) {
		fprintf(stderr, "zonegate: publish: %s not installed: the state in %s cannot record it\n",
		        o->zone_path, o->state_dir);
		return CLI_EXIT_UNVERIFIED;
	}
	if (gate_atomic_install(o->zone_path, o->to_path, true, err, sizeof(err)) != 0) {
		fprintf(stderr, "zonegate: publish: %s\n", err);
		return CLI_EXIT_UNVERIFIED;
	}
	fprintf(stderr, "zonegate: publish: %s installed as %s\n", o->zone_path, o->to_path);
	if (st != NULL && pub_state_published(st, rep) != 0) {
		fprintf(stderr, "zonegate: publish: the key history in %s did not move forward; the next "
		        "publish catches up from %s\n", o->state_dir, o->to_path);
	}
	return o->then_cmd != NULL ? run_then(o, rep) : CLI_EXIT_OK;
}

static int publish(cli_verify_opts_t *o, pub_state_t *st)
{
	if (o->prev_path == NULL && access(o->to_path, F_OK) == 0) {
		o->prev_path = o->to_path; /* the last good version guards serial and delta */
	}
	if (st != NULL) {
		o->history = pub_state_history;
		o->history_arg = st;
	}
	zg_report_t *rep = NULL;
	int rc = cli_verify_run(o, &rep);
	if (rc != CLI_EXIT_OK) {
		char report[4200];
		quarantine(o, rep, report, sizeof(report));
		if (st != NULL) {
			pub_state_version(st, rep, rc == CLI_EXIT_BLOCKED ? 1 : 2, report);
		}
		fprintf(stderr, "zonegate: publish: %s %s; %s left untouched\n", o->zone_path,
		        rc == CLI_EXIT_BLOCKED ? "blocked" : "could not be verified", o->to_path);
	} else {
		rc = install(o, st, rep);
	}
	zg_report_free(rep);
	return rc;
}

int cli_cmd_publish(int argc, char **argv)
{
	cli_verify_opts_t o = { 0 };
	char err[512];
	int p = cli_parse_verify(argc, argv, &o, err, sizeof(err));
	if (p == 1) {
		publish_usage(stdout);
		return CLI_EXIT_OK;
	}
	if (p == 0 && (o.zone_path == NULL || o.to_path == NULL)) {
		snprintf(err, sizeof(err), "publish needs --zone CANDIDATE and --to DIST_FILE");
		p = -1;
	}
	if (p != 0) {
		fprintf(stderr, "zonegate: %s\n", err);
		return CLI_EXIT_UNVERIFIED;
	}
	if (o.state_init && o.state_dir == NULL) {
		fprintf(stderr, "zonegate: publish: --init needs --state DIR\n");
		return CLI_EXIT_UNVERIFIED;
	}
	pub_state_t *st = o.state_dir ? pub_state_new(&o) : NULL;
	if (o.state_dir != NULL && st == NULL) {
		fprintf(stderr, "zonegate: publish: out of memory\n");
		return CLI_EXIT_UNVERIFIED;
	}
	int rc = publish(&o, st);
	pub_state_free(st);
	return rc;
}
