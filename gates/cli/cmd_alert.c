/* cmd_alert.c -- `zonegate alert` and the --alert-config hook of verify (issue 5: placeholder). */
#include <stdio.h>
#include "gates/cli/cli.h"

int cli_cmd_alert(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "zonegate: alert: not implemented in this build\n");
	return CLI_EXIT_UNVERIFIED;
}

void cli_alert_verdict(const cli_verify_opts_t *o, const zg_report_t *rep)
{
	(void)rep;
	if (o->alert_config != NULL) {
		fprintf(stderr, "zonegate: alert: --alert-config is not implemented in this build\n");
	}
}

void cli_alert_unverified(const cli_verify_opts_t *o, const char *id, const char *msg)
{
	(void)id;
	(void)msg;
	if (o->alert_config != NULL) {
		fprintf(stderr, "zonegate: alert: --alert-config is not implemented in this build\n");
	}
}
