/* main.c -- zonegate: a thin dispatcher over the commands; all DNS logic lives in the libraries. */
#include <stdio.h>
#include <string.h>
#include "gates/cli/cli.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv); /* argv[0] is the command name */
} COMMANDS[] = {
	{ "verify", cli_cmd_verify },
	{ "hsm", cli_cmd_hsm },
	{ "alert", cli_cmd_alert },
	{ "publish", cli_cmd_publish },
	{ "gate", cli_cmd_gate },
	{ "conf-check", cli_cmd_conf_check },
};

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cli_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_EXIT_UNVERIFIED : CLI_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(COMMANDS) / sizeof(COMMANDS[0]); i++) {
		if (strcmp(argv[1], COMMANDS[i].name) == 0) {
			return COMMANDS[i].run(argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "zonegate: unknown command '%s' (try: zonegate --help)\n", argv[1]);
	return CLI_EXIT_UNVERIFIED;
}
