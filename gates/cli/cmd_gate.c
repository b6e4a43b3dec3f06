/* cmd_gate.c -- `zonegate gate`: the XFR gate daemon (gates/xfr) and its control commands. */
#include <stdio.h>
#include <string.h>
#include "gates/cli/cli.h"
#include "gates/xfr/gate_xfr.h"

static void gate_usage(FILE *out)
{
	fputs("usage: zonegate gate --config FILE [--init]\n"
	      "       zonegate gate status --config FILE [--format text|json]\n"
	      "       zonegate gate conf-check FILE\n"
	      "       zonegate gate approve|reject ZONE SERIAL --reason TEXT --config FILE\n"
	      "       zonegate gate hold ZONE --reason TEXT --config FILE\n"
	      "       zonegate gate resume ZONE [--reason TEXT] --config FILE\n"
	      "  runs the XFR gate: NOTIFY/SOA from the signer, IXFR/AXFR with TSIG, verify, and hand\n"
	      "  only passing versions to distribution (the `gate:` section of FILE). The state\n"
	      "  database STATE_DIR/gate.db must exist once a version is served: --init creates it\n"
	      "  (adopting the served version); a corrupt or missing one stops the gate (exit 2).\n"
	      "  status: per zone the served serial, its earliest RRSIG expiration, the last\n"
	      "  candidate and its verdict, and the open incident. conf-check: parse FILE only.\n"
	      "  approve/reject/hold/resume talk to the running gate through STATE_DIR/control.sock\n"
	      "  (operators only: mode 0600, or 0660 with `control-group:`); audited with the user.\n",
	      out);
}

/* who: "gate conf-check" or "conf-check", for the error line */
static int conf_check(const char *who, const char *path)
{
	gate_conf_t conf;
	char err[1024];
	if (gate_conf_load(path, &conf, err, sizeof(err)) != 0) {
		fprintf(stderr, "zonegate: %s: %s\n", who, err);
		return CLI_EXIT_UNVERIFIED;
	}
	printf("%s: ok, %zu zone(s)\n", path, conf.nzones);
	gate_conf_free(&conf);
	return CLI_EXIT_OK;
}

/* approve|reject ZONE SERIAL, hold|resume ZONE: one request line to the gate, one reply line */
static int control(const char *sub, int argc, char **argv)
{
	bool serial = strcmp(sub, "approve") == 0 || strcmp(sub, "reject") == 0;
	int npos = serial ? 2 : 1;
	const char *config = NULL, *reason = "";
	const char *pos[2] = { NULL, NULL };
	int np = 0;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			config = argv[++i];
		} else if (strcmp(argv[i], "--reason") == 0 && i + 1 < argc) {
			reason = argv[++i];
		} else if (argv[i][0] != '-' && np < npos) {
			pos[np++] = argv[i];
		} else {
			fprintf(stderr, "zonegate: gate %s: unexpected argument '%s'\n", sub, argv[i]);
			return CLI_EXIT_UNVERIFIED;
		}
	}
	bool need_reason = strcmp(sub, "resume") != 0;
	if (config == NULL || np != npos || (need_reason && reason[0] == '\0') ||
	    strpbrk(reason, "\r\n") != NULL || strchr(pos[0], ' ') != NULL) {
		fprintf(stderr, "zonegate: gate %s: usage: zonegate gate %s ZONE%s --reason TEXT "
		        "--config FILE (one-line reason%s)\n", sub, sub, serial ? " SERIAL" : "",
		        need_reason ? ", required" : ", optional");
		return CLI_EXIT_UNVERIFIED;
	}
	gate_conf_t conf;
	char err[2048], line[2048];
	if (gate_conf_load_nokeys(config, &conf, err, sizeof(err)) != 0) {
		fprintf(stderr, "zonegate: gate %s: %s\n", sub, err);
		return CLI_EXIT_UNVERIFIED;
	}
	gate_zone_t *z = gate_conf_zone(&conf, pos[0]);
	int rc = CLI_EXIT_UNVERIFIED;
	if (z == NULL) {
		fprintf(stderr, "zonegate: gate %s: zone %s is not in %s\n", sub, pos[0], config);
	} else {
		snprintf(line, sizeof(line), "%s %s%s%s %s", sub, z->origin, serial ? " " : "",
		         serial ? pos[1] : "", reason);
		int r = gate_control_send(z, line, err, sizeof(err));
		fprintf(r == 0 ? stdout : stderr, "%s%s\n", r == 0 ? "" : "zonegate: gate: ", err);
		rc = r == 0 ? CLI_EXIT_OK : CLI_EXIT_UNVERIFIED;
	}
	gate_conf_free(&conf);
	return rc;
}

int cli_cmd_gate(int argc, char **argv)
{
	const char *config = NULL, *sub = NULL;
	bool init = false, json = false;
	int i = 1;
	if (argc > 1 && argv[1][0] != '-') {
		sub = argv[1];
		i = 2;
	}
	if (sub != NULL && strcmp(sub, "conf-check") == 0 && argc == 3) {
		return conf_check("gate conf-check", argv[2]);
	}
	if (sub != NULL && (strcmp(sub, "approve") == 0 || strcmp(sub, "reject") == 0 ||
	                    strcmp(sub, "hold") == 0 || strcmp(sub, "resume") == 0)) {
		return control(sub, argc, argv);
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
		} else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc && sub != NULL &&
		           (strcmp(argv[i + 1], "json") == 0 || strcmp(argv[i + 1], "text") == 0)) {
			json = strcmp(argv[++i], "json") == 0;
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
		return gate_status(config, json, stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_UNVERIFIED;
	}
	return gate_run(config, init) == 0 ? CLI_EXIT_OK : CLI_EXIT_UNVERIFIED;
}

int cli_cmd_conf_check(int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		puts("usage: zonegate conf-check FILE\n"
		     "  validates the deployment file (gate: zones with their TSIG keys, alerting:)\n"
		     "  without running anything; the same as `zonegate gate conf-check FILE`");
		return CLI_EXIT_OK;
	}
	if (argc != 2 || argv[1][0] == '-') {
		fputs("usage: zonegate conf-check FILE\n", stderr);
		return CLI_EXIT_UNVERIFIED;
	}
	return conf_check("conf-check", argv[1]);
}
