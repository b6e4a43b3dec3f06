/* cmd_hsm.c -- `zonegate hsm audit` and the --hsm-token hook of verify: parse, open the tokens,
 * call libzghsm, render, exit code. The PIN never reaches argv's copy in /proc, a message or a
 * core dump: pin-value= is scrubbed from argv, core dumps are off while tokens are open. */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include "gates/cli/hsm_cli.h"
#include "hsm/hsm.h"

#define ERR_LEN 1024

static void hsm_usage(FILE *out)
{
	fputs("usage: zonegate hsm audit (--zone FILE | --dnskey FILE) --token URI [--token URI ...]\n"
	      "  --zone FILE        signed zone: its apex DNSKEY set is what is published\n"
	      "  --dnskey FILE      or a file with just the published DNSKEY records\n"
	      "  --token URI        a PKCS#11 URI (RFC 7512, module-path= in the query) or Knot's\n"
	      "                     keystore form \"pkcs11:token=LABEL;pin-source=... /path/module.so\";\n"
	      "                     one per HSM the signer uses (at most 8)\n"
	      "  --pin-file FILE    PIN (first line) when the URI carries none; never on argv\n"
	      "  --key-filter GLOB  CKA_LABELs the signer may use (default: all)\n"
	      "  --probe            sign a nonce with every usable key and verify it with the\n"
	      "                     published DNSKEY of its tag\n"
	      "  --format text|json, --origin NAME\n"
	      "exit: 0 clean (warnings allowed), 1 error finding, 2 could not audit\n", out);
}

void cli_hsm_scrub_pin(char *arg)
{
	for (char *p = arg; (p = strcasestr(p, "pin-value=")) != NULL;) {
		p += strlen("pin-value=");
		for (; *p != '\0' && strchr(";?&# \t\n", *p) == NULL; p++) {
			*p = '*';
		}
	}
}

void cli_hsm_harden(void)
{
	struct rlimit no = { 0, 0 };
	(void)setrlimit(RLIMIT_CORE, &no);
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

static int add_token(cli_hsm_opts_t *o, char *arg, char *err, size_t errlen)
{
	if (o->ntokens == CLI_MAX_TOKENS) {
		snprintf(err, errlen, "at most %d --token options", CLI_MAX_TOKENS);
		return -1;
	}
	char *copy = strdup(arg);
	if (copy == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	cli_hsm_scrub_pin(arg);
	o->tokens[o->ntokens++] = copy;
	return 0;
}

enum { O_ZONE = 256, O_DNSKEY, O_TOKEN, O_PIN, O_FILTER, O_PROBE, O_FORMAT, O_ORIGIN };

static const struct option HSM_OPTS[] = {
	{ "zone", required_argument, NULL, O_ZONE },
	{ "dnskey", required_argument, NULL, O_DNSKEY },
	{ "token", required_argument, NULL, O_TOKEN },
	{ "pin-file", required_argument, NULL, O_PIN },
	{ "key-filter", required_argument, NULL, O_FILTER },
	{ "probe", no_argument, NULL, O_PROBE },
	{ "format", required_argument, NULL, O_FORMAT },
	{ "origin", required_argument, NULL, O_ORIGIN },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static int set_opt(int c, char *arg, cli_hsm_opts_t *o, char *err, size_t errlen)
{
	switch (c) {
	case O_ZONE: o->zone_path = arg; return 0;
	case O_DNSKEY: o->dnskey_path = arg; return 0;
	case O_TOKEN: return add_token(o, arg, err, errlen);
	case O_PIN: o->pin_file = arg; return 0;
	case O_FILTER: o->key_filter = arg; return 0;
	case O_PROBE: o->probe = true; return 0;
	case O_ORIGIN: o->origin = arg; return 0;
	case O_FORMAT:
		if (strcmp(arg, "json") != 0 && strcmp(arg, "text") != 0) {
			snprintf(err, errlen, "--format '%s': expected text or json", arg);
			return -1;
		}
		o->json = strcmp(arg, "json") == 0;
		return 0;
	default:
		snprintf(err, errlen, "bad option (see zonegate hsm --help)");
		return -1;
	}
}

/* 0 ok, 1 help, -1 error (message in err) */
static int parse(int argc, char **argv, cli_hsm_opts_t *o, char *err, size_t errlen)
{
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "h", HSM_OPTS, NULL)) != -1) {
		if (c == 'h') {
			return 1;
		}
		if (c == '?' || c == ':') {
			snprintf(err, errlen, "bad option '%s' (see zonegate hsm --help)",
			         argv[optind - 1]);
			return -1;
		}
		if (set_opt(c, optarg, o, err, errlen) != 0) {
			return -1;
		}
	}
	if (optind != argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
		return -1;
	}
	if ((o->zone_path == NULL) == (o->dnskey_path == NULL) || o->ntokens == 0) {
		snprintf(err, errlen, "give one of --zone/--dnskey and at least one --token");
		return -1;
	}
	return 0;
}

static void collect(zg_sink_t *sink, const zg_finding_t *f)
{
	cli_hsm_sink_t *s = (cli_hsm_sink_t *)sink;
	const zg_hsm_finding_t *hf = (const zg_hsm_finding_t *)f; /* every hsm finding is one */
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		cli_hsm_item_t *p = realloc(s->items, cap * sizeof(*p));
		if (p == NULL) {
			s->oom = true;
			return;
		}
		s->items = p;
		s->cap = cap;
	}
	cli_hsm_item_t *it = &s->items[s->n];
	*it = (cli_hsm_item_t){ .id = f->id, .severity = f->severity, .has_key = f->has_key,
	                        .tag = f->keytag, .algorithm = f->algorithm,
	                        .reason = strdup(f->reason ? f->reason : "") };
	if (hf->token != NULL && hf->key != NULL) {
		it->has_object = true;
		snprintf(it->token, sizeof(it->token), "%s", hf->token->label);
		snprintf(it->label, sizeof(it->label), "%s", hf->key->label);
		zg_hsm_id_hex(hf->key->id, hf->key->idlen, it->id_hex, sizeof(it->id_hex));
	}
	s->oom |= it->reason == NULL;
	s->count[f->severity]++;
	s->n++;
}

static void sink_free(cli_hsm_sink_t *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->items[i].reason);
	}
	free(s->items);
}

typedef struct {
	zg_hsm_keyset_t *set;
	zg_hsm_audit_token_t tok[CLI_MAX_TOKENS];
	size_t n;
} audit_state_t;

static void state_free(audit_state_t *st)
{
	for (size_t i = 0; i < st->n; i++) {
		zg_hsm_inventory_free(st->tok[i].inv);
		zg_hsm_close(st->tok[i].handle);
	}
	zg_hsm_keyset_free(st->set);
}

/* Open and inventory every token; ZG_EOK or an error with a one-line message. */
static zg_err_t open_tokens(const cli_hsm_opts_t *o, audit_state_t *st, char *err, size_t errlen)
{
	zg_hsm_open_opts_t oo = { .pin_file = o->pin_file, .isolate_init = true };
	for (size_t i = 0; i < o->ntokens; i++) {
		zg_hsm_audit_token_t *t = &st->tok[st->n];
		zg_err_t ret = zg_hsm_open(o->tokens[i], &oo, &t->handle, err, errlen);
		if (ret == ZG_EOK) {
			st->n++;
			ret = zg_hsm_inventory(t->handle, &t->inv, err, errlen);
		}
		if (ret != ZG_EOK) {
			return ret;
		}
	}
	return ZG_EOK;
}

static int fail(const cli_hsm_opts_t *o, zg_err_t ret, const char *msg)
{
	char line[ERR_LEN + 64];
	snprintf(line, sizeof(line), "%s", msg[0] ? msg : zg_strerror(ret));
	fprintf(stderr, "zonegate: hsm: %s\n", line);
	if (o->json) {
		cli_hsm_render_json_error(line, stdout);
	}
	return CLI_EXIT_UNVERIFIED;
}

static int run_audit(const cli_hsm_opts_t *o)
{
	char err[ERR_LEN] = "";
	audit_state_t st = { 0 };
	cli_hsm_sink_t sink = { .base = { .finding = collect } };
	const char *path = o->zone_path ? o->zone_path : o->dnskey_path;
	zg_err_t ret = zg_hsm_keyset_load(path, o->origin, &st.set, err, sizeof(err));
	if (ret == ZG_EOK) {
		ret = open_tokens(o, &st, err, sizeof(err));
	}
	zg_hsm_audit_opts_t ao = { .published = st.set, .tokens = st.tok, .ntokens = st.n,
	                           .key_filter = o->key_filter, .probe = o->probe,
	                           .sink = &sink.base };
	if (ret == ZG_EOK) {
		ret = zg_hsm_audit(&ao, err, sizeof(err));
	}
	if (ret == ZG_EOK && sink.oom) {
		ret = ZG_ENOMEM;
	}
	int rc = ret != ZG_EOK ? fail(o, ret, err)
	         : sink.count[ZG_SEV_ERROR] > 0 ? CLI_EXIT_BLOCKED
	                                        : CLI_EXIT_OK;
	if (ret == ZG_EOK) {
		cli_hsm_view_t v = { .opts = o, .set = st.set, .tokens = st.tok, .ntokens = st.n,
		                     .sink = &sink };
		(o->json ? cli_hsm_render_json : cli_hsm_render_text)(&v, stdout);
	}
	sink_free(&sink);
	state_free(&st);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "zonegate: hsm: cannot write the report\n");
		return CLI_EXIT_UNVERIFIED;
	}
	return rc;
}

int cli_cmd_hsm(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "audit") != 0) {
		bool help = argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);
		hsm_usage(help ? stdout : stderr);
		return help ? CLI_EXIT_OK : CLI_EXIT_UNVERIFIED;
	}
	cli_hsm_harden();
	cli_hsm_opts_t o = { 0 };
	char err[ERR_LEN];
	int p = parse(argc - 1, argv + 1, &o, err, sizeof(err));
	int rc = CLI_EXIT_OK;
	if (p == 1) {
		hsm_usage(stdout);
	} else if (p != 0) {
		fprintf(stderr, "zonegate: hsm: %s\n", err);
		rc = CLI_EXIT_UNVERIFIED;
	} else {
		rc = run_audit(&o);
	}
	for (size_t i = 0; i < o.ntokens; i++) {
		explicit_bzero((char *)o.tokens[i], strlen(o.tokens[i]));
		free((char *)o.tokens[i]);
	}
	return rc;
}
