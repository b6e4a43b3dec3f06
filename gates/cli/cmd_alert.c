/* cmd_alert.c -- `zonegate alert test|flush|check` and the --alert-config hooks of verify. */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "alerting/alert.h"
#include "alerting/fsutil.h"
#include "gates/cli/alert_conf.h"
#include "gates/cli/alert_run.h"
#include "gates/cli/cli.h"

#define DIAG_MAX 8

static void alert_usage(FILE *out)
{
	fputs("usage: zonegate alert test  --alert-config FILE  send a marked test alert to every "
	      "route\n"
	      "       zonegate alert flush --alert-config FILE [--wait DURATION]\n"
	      "                                                 deliver the spool once (or keep "
	      "retrying\n"
	      "                                                 until empty, at most DURATION)\n"
	      "       zonegate alert check --alert-config FILE  validate the config\n"
	      "exit: 0 all delivered, 1 a route failed or entries remain, 2 config or spool error\n",
	      out);
}

static int parse_wait(const char *s, uint64_t *ms)
{
	char *end = NULL;
	double v = strtod(s, &end);
	if (end == s || v < 0 || v > 86400) {
		return -1;
	}
	double mul = strcmp(end, "ms") == 0 ? 1 : (*end == '\0' || strcmp(end, "s") == 0) ? 1000
	                                     : strcmp(end, "m") == 0                       ? 60000
	                                                                                   : -1;
	if (mul < 0) {
		return -1;
	}
	*ms = (uint64_t)(v * mul);
	return 0;
}

static int run_test(const cli_alert_conf_t *c)
{
	if (c->conf.nroutes == 0) {
		fprintf(stderr, "zonegate: alert: no routes configured\n");
		return CLI_EXIT_BLOCKED;
	}
	zg_err_t ret = zg_alert_test(&c->conf, zg_alert_now_ms(), cli_alert_print_result,
	                             stdout);
	return ret == ZG_EOK ? CLI_EXIT_OK : CLI_EXIT_BLOCKED;
}

static int run_flush(const cli_alert_conf_t *c, uint64_t wait_ms)
{
	zg_alert_flush_opts_t fo = { .wait_ms = wait_ms, .refresh = true };
	zg_alert_flush_stats_t st;
	char err[512] = "";
	zg_err_t ret = zg_alert_flush(&c->conf, &fo, cli_alert_print_result, stdout, &st, err,
	                              sizeof(err));
	if (ret != ZG_EOK) {
		fprintf(stderr, "zonegate: alert: %s\n", err);
		return CLI_EXIT_UNVERIFIED;
	}
	printf("spool: %u delivered, %u to retry, %u failed, %u escalated, %u pending\n",
	       st.delivered, st.retry, st.failed, st.escalated, st.pending);
	return (st.failed == 0 && st.pending == 0) ? CLI_EXIT_OK : CLI_EXIT_BLOCKED;
}

int cli_cmd_alert(int argc, char **argv)
{
	static const struct option OPTS[] = {
		{ "alert-config", required_argument, NULL, 'c' },
		{ "wait", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL;
	uint64_t wait_ms = 0;
	int ch;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", OPTS, NULL)) != -1) {
		if (ch == 'h') {
			alert_usage(stdout);
			return CLI_EXIT_OK;
		}
		if (ch == 'c') {
			config = optarg;
		} else if (ch != 'w' || parse_wait(optarg, &wait_ms) != 0) {
			alert_usage(stderr);
			return CLI_EXIT_UNVERIFIED;
		}
	}
	const char *sub = optind < argc ? argv[optind] : NULL;
	if (sub == NULL || config == NULL || optind + 1 != argc ||
	    (strcmp(sub, "test") != 0 && strcmp(sub, "flush") != 0 && strcmp(sub, "check") != 0)) {
		alert_usage(stderr);
		return CLI_EXIT_UNVERIFIED;
	}
	cli_alert_conf_t c;
	char err[1024];
	if (cli_alert_conf_load(config, &c, err, sizeof(err)) != 0) {
		fprintf(stderr, "zonegate: alert: %s\n", err);
		return CLI_EXIT_UNVERIFIED;
	}
	int rc = CLI_EXIT_OK;
	if (strcmp(sub, "test") == 0) {
		rc = run_test(&c);
	} else if (strcmp(sub, "flush") == 0) {
		rc = run_flush(&c, wait_ms);
	} else {
		printf("%s: ok, %zu routes\n", config, c.conf.nroutes);
	}
	cli_alert_conf_free(&c);
	return rc;
}

/* Record the verdict (spool, incidents, metrics), then detach the sender. One stderr line. */
static void record(const cli_alert_conf_t *c, const zg_alert_verdict_t *v, bool completed)
{
	zg_alert_record_stats_t st;
	char err[1024] = "";
	zg_err_t ret = zg_alert_record(&c->conf, v, cli_alert_checkpoint, &st, err, sizeof(err));
	const char *zone = v->zone && v->zone[0] ? v->zone : v->file;
	if (ret != ZG_EOK) {
		fprintf(stderr, "zonegate: alert: [%s] could not record the alert (the verdict "
		                "stands): %s\n", zone, err);
	} else if (st.spooled > 0) {
		fprintf(stderr, "zonegate: alert: [%s] %u opened, %u updated, %u resolved; %u "
		                "messages spooled\n", zone, st.opened, st.updated, st.resolved,
		        st.spooled);
	}
	cli_alert_spawn_sender(c, completed);
}

static bool load_conf(const cli_verify_opts_t *o, cli_alert_conf_t *c)
{
	char err[1024];
	if (cli_alert_conf_load(o->alert_config, c, err, sizeof(err)) != 0) {
		fprintf(stderr, "zonegate: alert: no alert sent (the verdict stands): %s\n", err);
		return false;
	}
	return true;
}

void cli_alert_verdict(const cli_verify_opts_t *o, const zg_report_t *rep)
{
	cli_alert_conf_t c;
	if (o->alert_config == NULL || !load_conf(o, &c)) {
		return;
	}
	const zg_diag_group_t *d;
	size_t nd = zg_report_diagnosis(rep, &d);
	char lines[DIAG_MAX][512];
	const char *diag[DIAG_MAX];
	for (size_t i = 0; i < nd && i < DIAG_MAX; i++) {
		cli_diag_sentence(&d[i], lines[i], sizeof(lines[i]));
		diag[i] = lines[i];
	}
	const zg_counts_t *counts = zg_report_counts(rep);
	char report[4400] = "";
	if (zg_report_verdict(rep) != ZG_VERDICT_PASS || counts->findings[ZG_SEV_WARNING] > 0) {
		cli_alert_save_report(&c, rep, report, sizeof(report));
	}
	zg_alert_verdict_t v = { .rep = rep, .zone = zg_report_meta(rep)->zone,
		                 .file = o->zone_path, .report_path = report[0] ? report : NULL,
		                 .diagnosis = diag, .ndiagnosis = nd < DIAG_MAX ? nd : DIAG_MAX,
		                 .duration_s = cli_alert_elapsed_s(),
		                 .now_ms = zg_alert_now_ms() };
	record(&c, &v, true);
	cli_alert_conf_free(&c);
}

void cli_alert_distribution(const cli_verify_opts_t *o, const char *zone, const char *msg)
{
	cli_alert_conf_t c;
	if (o->alert_config == NULL || !load_conf(o, &c)) {
		return;
	}
	zg_alert_verdict_t v = { .zone = zone, .file = o->zone_path, .error_id = "publish.then",
		                 .error_msg = msg, .now_ms = zg_alert_now_ms(), .distribution = true };
	/* msg NULL: the reload worked; resolves an open distribution incident, else spools nothing */
	record(&c, &v, false);
	cli_alert_conf_free(&c);
}

void cli_alert_unverified(const cli_verify_opts_t *o, const char *id, const char *msg)
{
	cli_alert_conf_t c;
	if (o->alert_config == NULL || !load_conf(o, &c)) {
		return;
	}
	zg_alert_verdict_t v = { .zone = o->origin, .file = o->zone_path, .error_id = id,
		                 .error_msg = msg, .duration_s = cli_alert_elapsed_s(),
		                 .now_ms = zg_alert_now_ms() };
	record(&c, &v, false);
	cli_alert_conf_free(&c);
}
