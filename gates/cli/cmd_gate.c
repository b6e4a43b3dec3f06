/* cmd_gate.c -- `zonegate gate`: the XFR gate daemon (gates/xfr) and its control commands. */
#include <stdio.h>
#include <string.h>
#include "gates/cli/cli.h"
#include "gates/xfr/gate_xfr.h"

static void gate_usage(FILE *out)
{
	fputs("usage: zonegate gate --config FILE [--init]\n"
	      "       zonegate gate status --config FILE\n"
	      "       zonegate gate conf-check FILE\n"
	      "  runs the XFR gate: NOTIFY/SOA from the signer, IXFR/AXFR with TSIG, verify, and hand\n"
	      "  only passing versions to distribution (the `gate:` section of FILE). The state\n"
	      "  database STATE_DIR/gate.db must exist once a version is served: --init creates it\n"
	      "  (adopting the served version); a corrupt or missing one stops the gate (exit 2).\n"
	      "  status: per zone the served serial, its earliest RRSIG expiration, the last\n"
	      "  candidate and its verdict, and the open incident. conf-check: parse FILE only.\n",
	      out);
}

static int conf_check(const char *path)
{
	gate_conf_t conf;
	char err[1024];
	if (gate_conf_load(path, &conf, err, sizeof(err)) != 0) {
		fprintf(stderr, "zonegate: gate conf-check: %s\n", err);
		return CLI_EXIT_UNVERIFIED;
	}
	printf("%s: ok, %zu zone(s)\n", path, conf.nzones);
	gate_conf_free(&conf);
	return CLI_EXIT_OK;
}

int cli_cmd_gate(int argc, char **argv)
{
	const char *config = NULL, *sub = NULL;
	bool init = false;
	int i = 1;
	if (argc > 1 && argv[1][0] != '-') {
		sub = argv[1];
		i = 2;
	}
	if (sub != NULL && strcmp(sub, "conf-check") == 0 && argc == 3) {
		return conf_check(argv[2]);
	}
	if (sub != NULL && strcmp(sub, "status") != 0) {
		fprintf(stderr, "zonegate: gate %s: unknown or not implemented yet\n", sub);
		gate_usage(stderr);
		return CLI_EXIT_UNVERIFIED;
	}
	for (; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			gate_usage(stdout);
			return CLI_EXIT_OK;
		}
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			config = argv[++i];
		} else if (strncmp(argv[i], "--config=", 9) == 0) {
			config = argv[i] + 9;
		} else if (strcmp(argv[i], "--init") == 0 && sub == NULL) {
			init = true;
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
	if (sub != NULL) {
		return gate_status(config, stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_UNVERIFIED;
	}
	return gate_run(config, init) == 0 ? CLI_EXIT_OK : CLI_EXIT_UNVERIFIED;
}
