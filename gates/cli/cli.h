/* cli.h -- the zonegate command line: options, policy file, renderers. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "verifier/policy.h"
#include "verifier/report.h"

enum cli_exit {
	CLI_EXIT_OK = 0,         /* publishable (warnings allowed) */
	CLI_EXIT_BLOCKED = 1,    /* at least one error-severity finding */
	CLI_EXIT_UNVERIFIED = 2, /* usage, I/O, parse, unsupported input: also blocks */
};

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
