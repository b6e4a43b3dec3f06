/* cli.h -- the zonegate command line: options, policy file, renderers. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "verifier/policy.h"
#include "verifier/report.h"
#include "verifier/verify.h"

enum cli_exit {
	CLI_EXIT_OK = 0,         /* publishable (warnings allowed) */
	CLI_EXIT_BLOCKED = 1,    /* at least one error-severity finding */
	CLI_EXIT_UNVERIFIED = 2, /* usage, I/O, parse, unsupported input: also blocks */
	CLI_EXIT_THEN_FAILED = 3, /* publish: installed, but the --then command failed */
};

#define CLI_MAX_TOKENS 8

/* Called by cli_verify_run with the loaded zone and prev (NULL: none) before verification; it
 * supplies the key history behind rollover.* timing (*h freed by the caller). Non-zero: the zone
 * cannot be verified, msg says why. */
typedef int (*cli_history_fn)(void *arg, const zg_zone_t *zone, const zg_zone_t *prev,
                              zg_key_history_t **h, size_t *n, char *msg, size_t msglen);

typedef struct {
	const char *zone_path;
	const char *origin;
	const char *ds_path;
	const char *prev_path;
	const char *unsigned_path;
	const char *policy_path;
	const char *candidates_path;
	uint64_t now;
	bool json;
	bool cross_check;
	unsigned threads;
	bool incremental;                       /* --incremental: zone_path is NEW, diffed from prev */
	const char *hsm_tokens[CLI_MAX_TOKENS]; /* --hsm-token URI (repeatable) */
	size_t nhsm_tokens;
	const char *pin_file;                   /* --pin-file */
	const char *alert_config;               /* --alert-config */
	/* zonegate publish only */
	const char *to_path;                    /* --to DIST_FILE */
	const char *then_cmd;                   /* --then CMD */
	const char *quarantine_dir;             /* --quarantine DIR */
	const char *state_dir;                  /* --state DIR */
	bool state_init;                        /* --init: adopt DIST_FILE into a new state */
	cli_history_fn history;                 /* set by publish --state; NULL: --prev alone */
	void *history_arg;
} cli_verify_opts_t;

/* opts.c: 0 on success; on error a one-line message in err. */
int cli_parse_verify(int argc, char **argv, cli_verify_opts_t *o, char *err, size_t errlen);
int cli_parse_time(const char *s, uint64_t *out);
void cli_usage(FILE *out);

/* policy_conf.c: YAML policy file -> zg_policy_t; errors name file:line. */
int cli_policy_load(const char *path, zg_policy_t *p, char *err, size_t errlen);

/* render_text.c / render_json.c */
void cli_render_text(const zg_report_t *rep, FILE *out);
void cli_render_json(const zg_report_t *rep, FILE *out);
void cli_render_json_error(const char *path, const char *id, const char *msg, FILE *out);
/* shared: "2027-01-01T00:00:00Z" */
const char *cli_time_str(uint64_t t, char *buf, size_t size);
/* shared: the one-sentence 33834 diagnosis of a group */
void cli_diag_sentence(const zg_diag_group_t *g, char *buf, size_t size);

/* commands (main.c dispatches; argv[0] is the command name) */
int cli_cmd_verify(int argc, char **argv); /* cmd_verify.c */
int cli_cmd_hsm(int argc, char **argv);    /* cmd_hsm.c: zonegate hsm audit ... */
int cli_cmd_alert(int argc, char **argv);  /* cmd_alert.c: zonegate alert test|flush ... */
int cli_cmd_publish(int argc, char **argv); /* cmd_publish.c: zonegate publish ... */
int cli_cmd_gate(int argc, char **argv);    /* cmd_gate.c: zonegate gate --config | status ... */
int cli_cmd_conf_check(int argc, char **argv); /* cmd_gate.c: zonegate conf-check FILE */

/* cmd_verify.c: load, verify, render, alert; exit code as zonegate verify. With out != NULL the
 * report (if any) is handed to the caller. */
int cli_verify_run(const cli_verify_opts_t *o, zg_report_t **out);

/* load_watch.c: a progress line while a zone loads, at a terminal after cli_progress_after() s */
typedef struct cli_load_watch cli_load_watch_t;
cli_load_watch_t *cli_load_watch_start(const char *path); /* NULL: none (not a terminal) */
void cli_load_watch_stop(cli_load_watch_t *w);
/* seconds a run takes before progress shows: 2, or ZONEGATE_PROGRESS_AFTER (tests) */
double cli_progress_after(void);

/* cmd_hsm.c: public keys of the --hsm-token tokens as attribution candidates (0 = ok; none if
 * no token was given). On failure a one-line message without the PIN. */
int cli_hsm_candidates(const cli_verify_opts_t *o, const char *origin, zg_candidate_key_t **keys,
                       size_t *n, char *err, size_t errlen);
void cli_hsm_candidates_free(zg_candidate_key_t *keys, size_t n);

/* cmd_alert.c: with --alert-config, alert on block / resolve on pass; never changes the verdict
 * and never delays the block beyond spooling. */
void cli_alert_verdict(const cli_verify_opts_t *o, const zg_report_t *rep);
void cli_alert_unverified(const cli_verify_opts_t *o, const char *id, const char *msg);
/* publish: the candidate of zone was installed and --then failed (msg says how; class
 * distribution) or worked (msg NULL: resolves that incident) */
void cli_alert_distribution(const cli_verify_opts_t *o, const char *zone, const char *msg);
