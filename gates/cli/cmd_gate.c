/* cmd_gate.c -- `zonegate gate`: the XFR gate daemon (gates/xfr) and its control commands. */
#include <stdio.h>
#include <string.h>
#include "gates/cli/cli.h"
#include "gates/xfr/gate_xfr.h"

static void gate_usage(FILE *out)
{
	fputs("usage: zonegate gate --config FILE\n"
	      "  runs the XFR gate: NOTIFY/SOA from the signer, AXFR with TSIG, verify, and hand\n"
	      "  only passing versions to distribution (the `gate:` section of FILE)\n",
	      out);
}

int cli_cmd_gate(int argc, char **argv)
{
	const char *config = NULL;
	if (argc > 1 && argv[1][0] != '-') {
		fprintf(stderr, "zonegate: gate %s: not implemented yet (only `zonegate gate --config "
		        "FILE` runs the daemon)\n", argv[1]);
		return CLI_EXIT_UNVERIFIED;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			gate_usage(stdout);
			return CLI_EXIT_OK;
		}
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			config = argv[++i];
		} else if (strncmp(argv[i], "--config=", 9) == 0) {
			config = argv[i] + 9;
		} else {
			fprintf(stderr, "zonegate: gate: unexpected argument '%s'\n", argv[i]);
			gate_usage(stderr);
			return CLI_EXIT_UNVERIFIED;
		}
	}
	if (config == NULL) {
		gate_usage(stderr);
		return CLI_EXIT_UNVERIFIED;
	}
	return gate_run(config) == 0 ? CLI_EXIT_OK : CLI_EXIT_UNVERIFIED;
}
