/* cmd_gate.c -- `zonegate gate`: the XFR gate daemon and its control commands (issue 7: not
 * built yet). */
#include <stdio.h>
#include "gates/cli/cli.h"

int cli_cmd_gate(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "zonegate: gate: the XFR gate is not implemented in this build\n");
	return CLI_EXIT_UNVERIFIED;
}
