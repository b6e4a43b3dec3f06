/* opts.c -- `zonegate verify` options (the CLI contract of issue 2). */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "gates/cli/cli.h"

void cli_usage(FILE *out)
{
	fputs("usage: zonegate verify [options] ZONEFILE\n"
	      "  -o, --origin NAME       zone apex (default: the zone's SOA owner)\n"
	      "      --ds FILE           parent-side DS RRset in zone-file syntax\n"
	      "      --prev FILE         previous published version of the zone\n"
	      "      --incremental NEW   verify NEW as the diff from --prev applied to it, re-checking\n"
	      "                          only what the diff touches (instead of ZONEFILE)\n"
	      "      --time T            evaluate as of T: UNIX seconds or RFC 3339 (default: now)\n"
	      "      --unsigned FILE     the signer's unsigned input (zone.content-changed)\n"
	      "      --policy FILE       severity overrides and thresholds (YAML)\n"
	      "      --format text|json  report format (default text)\n"
	      "      --candidate-keys F  extra DNSKEY lines used only to attribute bogus signatures\n"
	      "      --cross-check       also verify every signature with libdnssec (GnuTLS)\n"
	      "  -j, --threads N         verification threads (default: online CPUs)\n"
	      "      --hsm-token URI     PKCS#11 token whose keys attribute bogus signatures (repeatable)\n"
	      "      --pin-file FILE     PIN for --hsm-token when the URI carries none\n"
	      "      --alert-config FILE page on block, resolve on pass (see README, Alerting)\n"
	      "exit: 0 publishable, 1 blocked, 2 could not verify (also blocks)\n", out);
}

/* UNIX seconds, or RFC 3339 "YYYY-MM-DDThh:mm:ssZ" / "+hh:mm" offsets. */
int cli_parse_time(const char *s, uint64_t *out)
{
	char *end = NULL;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno == 0 && end != s && *end == '\0' && s[0] != '-') {
		*out = v;
		return 0;
	}
	struct tm tm = { 0 };
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (end == NULL) {
		end = strptime(s, "%Y-%m-%d %H:%M:%S", &tm);
	}
	if (end == NULL) {
		return -1;
	}
	if (*end == '.') { /* fractional seconds are ignored */
		end += 1 + strspn(end + 1, "0123456789");
	}
	long offset = 0;
	int hh = 0, mm = 0;
	if ((*end == '+' || *end == '-') && sscanf(end + 1, "%2d:%2d", &hh, &mm) == 2 &&
	    strlen(end) == 6) {
		offset = (hh * 3600L + mm * 60L) * (*end == '-' ? -1 : 1);
	} else if (!((*end == 'Z' || *end == 'z') && end[1] == '\0')) {
		return -1;
	}
	time_t t = timegm(&tm);
	if (t == (time_t)-1 || (int64_t)t - offset < 0) {
		return -1;
	}
	*out = (uint64_t)((int64_t)t - offset);
	return 0;
}

enum {
	OPT_DS = 256, OPT_PREV, OPT_TIME, OPT_UNSIGNED, OPT_POLICY, OPT_FORMAT, OPT_CAND, OPT_CROSS,
	OPT_HSM_TOKEN, OPT_PIN_FILE, OPT_ALERT_CONFIG, OPT_ZONE, OPT_TO, OPT_THEN, OPT_QUARANTINE,
	OPT_STATE, OPT_INIT, OPT_INCREMENTAL
};

static const struct option LONG_OPTS[] = {
	{ "origin", required_argument, NULL, 'o' },
	{ "ds", required_argument, NULL, OPT_DS },
	{ "prev", required_argument, NULL, OPT_PREV },
	{ "time", required_argument, NULL, OPT_TIME },
	{ "unsigned", required_argument, NULL, OPT_UNSIGNED },
	{ "policy", required_argument, NULL, OPT_POLICY },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "candidate-keys", required_argument, NULL, OPT_CAND },
	{ "cross-check", no_argument, NULL, OPT_CROSS },
	{ "threads", required_argument, NULL, 'j' },
	{ "hsm-token", required_argument, NULL, OPT_HSM_TOKEN },
	{ "pin-file", required_argument, NULL, OPT_PIN_FILE },
	{ "alert-config", required_argument, NULL, OPT_ALERT_CONFIG },
	{ "zone", required_argument, NULL, OPT_ZONE },
	{ "to", required_argument, NULL, OPT_TO },
	{ "then", required_argument, NULL, OPT_THEN },
	{ "quarantine", required_argument, NULL, OPT_QUARANTINE },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "init", no_argument, NULL, OPT_INIT },
	{ "incremental", required_argument, NULL, OPT_INCREMENTAL },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static int set_value(int c, const char *arg, cli_verify_opts_t *o, char *err, size_t errlen)
{
	char *end = NULL;
	switch (c) {
	case 'o': o->origin = arg; return 0;
	case OPT_DS: o->ds_path = arg; return 0;
	case OPT_PREV: o->prev_path = arg; return 0;
	case OPT_UNSIGNED: o->unsigned_path = arg; return 0;
	case OPT_POLICY: o->policy_path = arg; return 0;
	case OPT_CAND: o->candidates_path = arg; return 0;
	case OPT_CROSS: o->cross_check = true; return 0;
	case OPT_PIN_FILE: o->pin_file = arg; return 0;
	case OPT_ALERT_CONFIG: o->alert_config = arg; return 0;
	case OPT_ZONE: o->zone_path = arg; return 0;
	case OPT_TO: o->to_path = arg; return 0;
	case OPT_THEN: o->then_cmd = arg; return 0;
	case OPT_QUARANTINE: o->quarantine_dir = arg; return 0;
	case OPT_STATE: o->state_dir = arg; return 0;
	case OPT_INIT: o->state_init = true; return 0;
	case OPT_INCREMENTAL:
		o->zone_path = arg;
		o->incremental = true;
		return 0;
	case OPT_HSM_TOKEN:
		if (o->nhsm_tokens == CLI_MAX_TOKENS) {
			snprintf(err, errlen, "at most %d --hsm-token options", CLI_MAX_TOKENS);
			return -1;
		}
		o->hsm_tokens[o->nhsm_tokens++] = arg;
		return 0;
	case OPT_TIME:
		if (cli_parse_time(arg, &o->now) != 0) {
			snprintf(err, errlen, "--time '%s': not UNIX seconds or RFC 3339", arg);
			return -1;
		}
		return 0;
	case OPT_FORMAT:
		if (strcmp(arg, "json") != 0 && strcmp(arg, "text") != 0) {
			snprintf(err, errlen, "--format '%s': expected text or json", arg);
			return -1;
		}
		o->json = strcmp(arg, "json") == 0;
		return 0;
	case 'j':
		o->threads = (unsigned)strtoul(arg, &end, 10);
		if (end == arg || *end != '\0' || o->threads < 1 || o->threads > 256) {
			snprintf(err, errlen, "--threads '%s': expected a number 1-256", arg);
			return -1;
		}
		return 0;
	default:
		snprintf(err, errlen, "unknown option (see zonegate verify --help)");
		return -1;
	}
}

int cli_parse_verify(int argc, char **argv, cli_verify_opts_t *o, char *err, size_t errlen)
{
	o->now = (uint64_t)time(NULL);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	o->threads = cpus > 0 ? (unsigned)cpus : 1; /* -j default: every online CPU */
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "o:j:h", LONG_OPTS, NULL)) != -1) {
		if (c == 'h') {
			snprintf(err, errlen, "help");
			return 1;
		}
		if (c == '?' || c == ':') {
			snprintf(err, errlen, "bad option '%s' (see zonegate verify --help)",
			         argv[optind - 1]);
			return -1;
		}
		if (set_value(c, optarg, o, err, errlen) != 0) {
			return -1;
		}
	}
	if (o->incremental && (o->prev_path == NULL || optind != argc)) {
		snprintf(err, errlen, "--incremental NEW needs --prev OLD and no ZONEFILE");
		return -1;
	}
	if (optind == argc - 1 && o->zone_path == NULL) {
		o->zone_path = argv[optind];
	} else if (optind != argc) {
		snprintf(err, errlen, "unexpected argument '%s' (see --help)", argv[optind]);
		return -1;
	}
	return 0;
}
