/* hsm_cli.h -- `zonegate hsm audit`: options, the collecting sink and the renderers. */
#pragma once

#include <stdbool.h>
#include <stdio.h>
#include "gates/cli/cli.h"
#include "hsm/audit.h"

typedef struct {
	const char *tokens[CLI_MAX_TOKENS]; /* --token (copies; the PIN is scrubbed from argv) */
	size_t ntokens;
	const char *zone_path;   /* --zone */
	const char *dnskey_path; /* --dnskey */
	const char *pin_file;
	const char *key_filter;
	const char *origin;
	bool probe;
	bool json;
} cli_hsm_opts_t;

/* One collected finding (copies: the library's strings are borrowed for the callback only). */
typedef struct {
	zg_finding_id_t id;
	zg_severity_t severity;
	bool has_key;
	uint16_t tag;
	uint8_t algorithm;
	char *reason;
	char token[33];                 /* "" when no token object is concerned */
	char label[ZG_HSM_LABEL_MAX];
	char id_hex[2 * ZG_HSM_ID_MAX + 1];
	bool has_object;
} cli_hsm_item_t;

typedef struct {
	zg_sink_t base; /* first */
	cli_hsm_item_t *items;
	size_t n, cap;
	bool oom;
	unsigned count[3]; /* by severity */
} cli_hsm_sink_t;

/* What the renderers show. */
typedef struct {
	const cli_hsm_opts_t *opts;
	const zg_hsm_keyset_t *set;
	const zg_hsm_audit_token_t *tokens;
	size_t ntokens;
	const cli_hsm_sink_t *sink;
} cli_hsm_view_t;

/* cmd_hsm.c: overwrite every pin-value in an argv string, so /proc/PID/cmdline shows "***". */
void cli_hsm_scrub_pin(char *arg);
/* cmd_hsm.c: no core dump of a process that holds a PIN, no ptrace by other processes. */
void cli_hsm_harden(void);

/* hsm_render.c */
void cli_hsm_render_text(const cli_hsm_view_t *v, FILE *out);
void cli_hsm_render_json(const cli_hsm_view_t *v, FILE *out);
void cli_hsm_render_json_error(const char *msg, FILE *out);
