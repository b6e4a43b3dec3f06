/* alert_conf.c -- the alert config (libyaml), from two schema tables; errors name file:line.
 *
 *   alerting:
 *     spool: /var/spool/zonegate
 *     routes:
 *       - name: oncall
 *         kind: pagerduty
 *         secret-file: /etc/zonegate/pagerduty.key
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>
#include "gates/cli/alert_conf.h"
#include "gates/cli/yaml_util.h"

#define SECRET_MAX 4096

typedef enum { F_STR, F_DUR, F_BOOL, F_SEV, F_KIND, F_DELIVER, F_NODE } ftype_t;

typedef struct {
	const char *key;
	ftype_t type;
	size_t off;
} field_t;

typedef struct {
	const char *spool, *metrics_file, *heartbeat_url, *heartbeat_url_file, *report_dir;
	uint64_t heartbeat_timeout, backoff_initial, backoff_max, max_age, am_ttl, window;
	bool spool_only;
	yaml_node_t *routes;
} top_raw_t;

typedef struct {
	const char *name, *url, *url_file, *url_env, *secret_file, *secret_env, *ca_file;
	zg_alert_kind_t kind;
	zg_alert_sev_t min_sev;
	uint64_t timeout;
	bool fallback, has_kind;
	yaml_node_t *command;
} route_raw_t;

#define TOP(k, t, f) { k, t, offsetof(top_raw_t, f) }
static const field_t TOP_FIELDS[] = {
	TOP("spool", F_STR, spool),
	TOP("metrics-file", F_STR, metrics_file),
	TOP("heartbeat-url", F_STR, heartbeat_url),
	TOP("heartbeat-url-file", F_STR, heartbeat_url_file),
	TOP("heartbeat-timeout", F_DUR, heartbeat_timeout),
	TOP("report-dir", F_STR, report_dir),
	TOP("deliver", F_DELIVER, spool_only),
	TOP("sender-window", F_DUR, window),
	TOP("backoff-initial", F_DUR, backoff_initial),
	TOP("backoff-max", F_DUR, backoff_max),
	TOP("max-age", F_DUR, max_age),
	TOP("alertmanager-ttl", F_DUR, am_ttl),
	TOP("routes", F_NODE, routes),
};

#define RT(k, t, f) { k, t, offsetof(route_raw_t, f) }
static const field_t ROUTE_FIELDS[] = {
	RT("name", F_STR, name),
	RT("kind", F_KIND, kind),
	RT("url", F_STR, url),
	RT("url-file", F_STR, url_file),
	RT("url-env", F_STR, url_env),
	RT("secret-file", F_STR, secret_file),
	RT("secret-env", F_STR, secret_env),
	RT("min-severity", F_SEV, min_sev),
	RT("timeout", F_DUR, timeout),
	RT("ca-file", F_STR, ca_file),
	RT("fallback", F_BOOL, fallback),
	RT("command", F_NODE, command),
};

typedef struct {
	cli_yaml_ctx_t y; /* first: the parser's context is the YAML one */
	cli_alert_conf_t *c;
} actx_t;

static char *keep(cli_alert_conf_t *c, const char *s)
{
	char **ns = realloc(c->strings, (c->nstrings + 1) * sizeof(*ns));
	if (ns == NULL) {
		return NULL;
	}
	c->strings = ns;
	ns[c->nstrings] = strdup(s);
	return ns[c->nstrings] ? ns[c->nstrings++] : NULL;
}

static int set_scalar(actx_t *x, const field_t *f, yaml_node_t *v, void *base)
{
	const char *s = cli_yaml_scalar(v);
	char *p = (char *)base + f->off;
	if (s == NULL) {
		return cli_yaml_bad(&x->y, v, "%s: expected a single value", f->key);
	}
	switch (f->type) {
	case F_STR:
		if (s[0] == '\0' || (*(const char **)p = keep(x->c, s)) == NULL) {
			return cli_yaml_bad(&x->y, v, "%s: empty value", f->key);
		}
		return 0;
	case F_DUR:
		return cli_parse_duration_ms(s, (uint64_t *)p) == 0
		               ? 0
		               : cli_yaml_bad(&x->y, v, "%s: bad duration '%s' (e.g. 500ms, 10s, 5m, 24h)", f->key, s);
	case F_BOOL:
		if (strcmp(s, "true") != 0 && strcmp(s, "false") != 0) {
			return cli_yaml_bad(&x->y, v, "%s: expected true or false, not '%s'", f->key, s);
		}
		*(bool *)p = strcmp(s, "true") == 0;
		return 0;
	case F_SEV:
		return zg_alert_sev_lookup(s, (zg_alert_sev_t *)p) == ZG_EOK
		               ? 0
		               : cli_yaml_bad(&x->y, v, "%s: '%s' is not info, warning, error or critical", f->key,
		                     s);
	case F_KIND:
		((route_raw_t *)base)->has_kind = true;
		return zg_alert_kind_lookup(s, (zg_alert_kind_t *)p) == ZG_EOK
		               ? 0
		               : cli_yaml_bad(&x->y, v, "kind: unknown kind '%s' (webhook, slack, pagerduty, "
		                           "opsgenie, alertmanager, exec)", s);
	case F_DELIVER:
		if (strcmp(s, "background") != 0 && strcmp(s, "spool-only") != 0) {
			return cli_yaml_bad(&x->y, v, "deliver: expected background or spool-only, not '%s'", s);
		}
		*(bool *)p = strcmp(s, "spool-only") == 0;
		return 0;
	case F_NODE: break;
	}
	return cli_yaml_bad(&x->y, v, "%s: unexpected value", f->key);
}

/* One mapping against a schema table: unknown and repeated keys are errors. */
static int parse_map(actx_t *x, yaml_node_t *map, const field_t *fields, size_t nfields,
                     void *base, const char *what)
{
	if (map == NULL || map->type != YAML_MAPPING_NODE) {
		return cli_yaml_bad(&x->y, map, "%s must be a mapping", what);
	}
	uint32_t seen = 0;
	for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *k = yaml_document_get_node(x->y.doc, pr->key);
		yaml_node_t *v = yaml_document_get_node(x->y.doc, pr->value);
		const char *ks = cli_yaml_scalar(k);
		size_t i = 0;
		while (ks != NULL && i < nfields && strcmp(ks, fields[i].key) != 0) {
			i++;
		}
		if (ks == NULL || i == nfields) {
			return cli_yaml_bad(&x->y, k, "unknown key '%s' in %s", ks ? ks : "?", what);
		}
		if (seen & (1u << i)) {
			return cli_yaml_bad(&x->y, k, "key '%s' given twice", ks);
		}
		seen |= 1u << i;
		if (fields[i].type == F_NODE) {
			*(yaml_node_t **)((char *)base + fields[i].off) = v;
		} else if (set_scalar(x, &fields[i], v, base) != 0) {
			return -1;
		}
	}
	return 0;
}

/* A credential from a file (first line, trailing whitespace cut) or an environment variable. */
static const char *read_secret(actx_t *x, const yaml_node_t *n, const char *file, const char *env,
                               const char *what)
{
	char buf[SECRET_MAX + 1];
	if (file != NULL && env != NULL) {
		cli_yaml_bad(&x->y, n, "%s: give a file or an environment variable, not both", what);
		return NULL;
	}
	const char *val = env ? getenv(env) : NULL;
	if (file != NULL) {
		FILE *f = fopen(file, "r");
		size_t len = f ? fread(buf, 1, SECRET_MAX, f) : 0;
		if (f != NULL) {
			fclose(f);
		}
		buf[len] = '\0';
		len = strcspn(buf, "\r\n");
		while (len > 0 && (buf[len - 1] == ' ' || buf[len - 1] == '\t')) {
			len--;
		}
		buf[len] = '\0';
		val = f ? buf : NULL;
	}
	if (val == NULL || val[0] == '\0') {
		cli_yaml_bad(&x->y, n, "%s: %s %s is %s", what, file ? "file" : "environment variable",
		    file ? file : env, file ? "unreadable or empty" : "unset or empty");
		return NULL;
	}
	const char *kept = keep(x->c, val);
	explicit_bzero(buf, sizeof(buf));
	return kept;
}

static const char *default_url(zg_alert_kind_t kind)
{
	switch (kind) {
	case ZG_ALERT_PAGERDUTY: return "https://events.pagerduty.com/v2/enqueue";
	case ZG_ALERT_OPSGENIE: return "https://api.opsgenie.com";
	case ZG_ALERT_WEBHOOK:
	case ZG_ALERT_SLACK:
	case ZG_ALERT_ALERTMANAGER:
	case ZG_ALERT_EXEC:
	case ZG_ALERT_KIND_COUNT: break;
	}
	return NULL;
}

static int route_url(actx_t *x, yaml_node_t *n, const route_raw_t *rr, zg_alert_route_t *r)
{
	int given = (rr->url != NULL) + (rr->url_file != NULL) + (rr->url_env != NULL);
	if (rr->kind == ZG_ALERT_EXEC) {
		return given ? cli_yaml_bad(&x->y, n, "route %s: exec takes a command, not a url", rr->name) : 0;
	}
	if (given > 1) {
		return cli_yaml_bad(&x->y, n, "route %s: give one of url, url-file, url-env", rr->name);
	}
	r->url = rr->url ? rr->url : default_url(rr->kind);
	if (rr->url_file || rr->url_env) {
		r->url = read_secret(x, n, rr->url_file, rr->url_env, "url");
	}
	if (r->url == NULL) {
		return given ? -1 : cli_yaml_bad(&x->y, n, "route %s: %s needs a url", rr->name,
		                        zg_alert_kind_name(rr->kind));
	}
	if (strncmp(r->url, "https://", 8) != 0 && strncmp(r->url, "http://", 7) != 0) {
		return cli_yaml_bad(&x->y, n, "route %s: the url must be http:// or https://", rr->name);
	}
	return 0;
}

static int route_secret(actx_t *x, yaml_node_t *n, const route_raw_t *rr, zg_alert_route_t *r)
{
	bool need = rr->kind == ZG_ALERT_PAGERDUTY || rr->kind == ZG_ALERT_OPSGENIE ||
	            rr->kind == ZG_ALERT_WEBHOOK;
	if (rr->secret_file == NULL && rr->secret_env == NULL) {
		return need ? cli_yaml_bad(&x->y, n, "route %s: %s needs secret-file or secret-env", rr->name,
		                  zg_alert_kind_name(rr->kind))
		            : 0;
	}
	if (rr->kind == ZG_ALERT_SLACK) {
		return cli_yaml_bad(&x->y, n, "route %s: slack takes no secret (its url is the secret: url-file)",
		           rr->name);
	}
	r->secret = read_secret(x, n, rr->secret_file, rr->secret_env, "secret");
	return r->secret ? 0 : -1;
}

static int route_command(actx_t *x, yaml_node_t *n, const route_raw_t *rr, size_t idx)
{
	const char **argv = x->c->argv[idx];
	if (rr->kind != ZG_ALERT_EXEC) {
		return rr->command ? cli_yaml_bad(&x->y, rr->command, "route %s: command is for exec routes only",
		                         rr->name)
		                   : 0;
	}
	yaml_node_t *cmd = rr->command;
	if (cmd == NULL || cmd->type != YAML_SEQUENCE_NODE ||
	    cmd->data.sequence.items.top == cmd->data.sequence.items.start) {
		return cli_yaml_bad(&x->y, cmd ? cmd : n, "route %s: exec needs command: [/path/to/program, args]",
		           rr->name);
	}
	size_t k = 0;
	for (yaml_node_item_t *it = cmd->data.sequence.items.start;
	     it < cmd->data.sequence.items.top; it++, k++) {
		const char *s = cli_yaml_scalar(yaml_document_get_node(x->y.doc, *it));
		if (s == NULL || k == CLI_ALERT_MAX_ARGS || (argv[k] = keep(x->c, s)) == NULL) {
			return cli_yaml_bad(&x->y, cmd, "route %s: command must be a list of at most %d strings",
			           rr->name, CLI_ALERT_MAX_ARGS);
		}
	}
	argv[k] = NULL;
	if (argv[0][0] != '/' || access(argv[0], X_OK) != 0) {
		return cli_yaml_bad(&x->y, cmd, "route %s: %s is not an executable absolute path", rr->name,
		           argv[0]);
	}
	x->c->routes[idx].argv = argv;
	return 0;
}

static int route_name_ok(actx_t *x, yaml_node_t *n, const char *name, size_t idx)
{
	if (name == NULL) {
		return cli_yaml_bad(&x->y, n, "route without a name");
	}
	if (strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") !=
	    strlen(name)) {
		return cli_yaml_bad(&x->y, n, "route name '%s': use letters, digits, '-', '_', '.'", name);
	}
	for (size_t i = 0; i < idx; i++) {
		if (strcmp(x->c->routes[i].name, name) == 0) {
			return cli_yaml_bad(&x->y, n, "route name '%s' used twice", name);
		}
	}
	return 0;
}

static int parse_route(actx_t *x, yaml_node_t *n, size_t idx)
{
	route_raw_t rr = { .min_sev = ZG_ALERT_SEV_ERROR, .timeout = 10000 };
	zg_alert_route_t *r = &x->c->routes[idx];
	if (parse_map(x, n, ROUTE_FIELDS, sizeof(ROUTE_FIELDS) / sizeof(ROUTE_FIELDS[0]), &rr,
	              "a route") != 0 ||
	    route_name_ok(x, n, rr.name, idx) != 0) {
		return -1;
	}
	if (!rr.has_kind) {
		return cli_yaml_bad(&x->y, n, "route %s: kind is required", rr.name);
	}
	if (rr.timeout == 0 || rr.timeout > 600000) {
		return cli_yaml_bad(&x->y, n, "route %s: timeout must be between 1ms and 10m", rr.name);
	}
	*r = (zg_alert_route_t){ .name = rr.name, .kind = rr.kind, .ca_file = rr.ca_file,
		                 .min_severity = rr.min_sev, .timeout_ms = (uint32_t)rr.timeout,
		                 .fallback = rr.fallback };
	if (rr.ca_file != NULL && access(rr.ca_file, R_OK) != 0) {
		return cli_yaml_bad(&x->y, n, "route %s: ca-file %s is not readable", rr.name, rr.ca_file);
	}
	if (route_url(x, n, &rr, r) != 0 || route_secret(x, n, &rr, r) != 0) {
		return -1;
	}
	return route_command(x, n, &rr, idx);
}

static int parse_routes(actx_t *x, yaml_node_t *seq)
{
	if (seq == NULL) {
		return 0;
	}
	if (seq->type != YAML_SEQUENCE_NODE) {
		return cli_yaml_bad(&x->y, seq, "routes must be a list");
	}
	size_t n = 0;
	for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top;
	     it++, n++) {
		if (n == CLI_ALERT_MAX_ROUTES) {
			return cli_yaml_bad(&x->y, seq, "at most %d routes", CLI_ALERT_MAX_ROUTES);
		}
		if (parse_route(x, yaml_document_get_node(x->y.doc, *it), n) != 0) {
			return -1;
		}
	}
	x->c->conf.nroutes = n;
	return 0;
}

static int finish_top(actx_t *x, yaml_node_t *n, top_raw_t *t)
{
	zg_alert_conf_t *conf = &x->c->conf;
	char rd[4200];
	if (t->spool == NULL) {
		return cli_yaml_bad(&x->y, n, "alerting: spool is required (the durable outbox directory)");
	}
	if (t->backoff_initial == 0 || t->backoff_max < t->backoff_initial || t->max_age == 0) {
		return cli_yaml_bad(&x->y, n, "alerting: need 0 < backoff-initial <= backoff-max and max-age > 0");
	}
	if (t->heartbeat_url != NULL && t->heartbeat_url_file != NULL) {
		return cli_yaml_bad(&x->y, n, "alerting: give heartbeat-url or heartbeat-url-file, not both");
	}
	snprintf(rd, sizeof(rd), "%s/reports", t->spool);
	*conf = (zg_alert_conf_t){ .spool = t->spool, .metrics_file = t->metrics_file,
		                   .heartbeat_url = t->heartbeat_url,
		                   .report_dir = t->report_dir ? t->report_dir : keep(x->c, rd),
		                   .heartbeat_timeout_ms = (uint32_t)t->heartbeat_timeout,
		                   .backoff_initial_ms = t->backoff_initial,
		                   .backoff_max_ms = t->backoff_max, .max_age_ms = t->max_age,
		                   .am_ttl_ms = t->am_ttl, .routes = x->c->routes };
	if (t->heartbeat_url_file != NULL) {
		conf->heartbeat_url = read_secret(x, n, t->heartbeat_url_file, NULL, "heartbeat-url");
		if (conf->heartbeat_url == NULL) {
			return -1;
		}
	}
	if (conf->heartbeat_url != NULL && strncmp(conf->heartbeat_url, "https://", 8) != 0 &&
	    strncmp(conf->heartbeat_url, "http://", 7) != 0) {
		return cli_yaml_bad(&x->y, n, "alerting: the heartbeat url must be http:// or https://");
	}
	x->c->background = !t->spool_only;
	x->c->sender_window_ms = t->window;
	return conf->report_dir ? parse_routes(x, t->routes) : cli_yaml_bad(&x->y, n, "out of memory");
}

static int apply(actx_t *x)
{
	yaml_node_t *root = yaml_document_get_root_node(x->y.doc);
	if (root == NULL || root->type != YAML_MAPPING_NODE) {
		return cli_yaml_bad(&x->y, root, "the config must be a mapping with an 'alerting' section");
	}
	yaml_node_t *section = NULL;
	for (yaml_node_pair_t *pr = root->data.mapping.pairs.start;
	     pr < root->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yaml_document_get_node(x->y.doc, pr->key);
		const char *ks = cli_yaml_scalar(k);
		if (ks != NULL && strcmp(ks, "gate") == 0) {
			continue; /* the XFR gate's section of the same deployment file (gate_conf.c) */
		}
		if (ks == NULL || strcmp(ks, "alerting") != 0 || section != NULL) {
			return cli_yaml_bad(&x->y, k, "unknown or repeated key '%s' at the top level", ks ? ks : "?");
		}
		section = yaml_document_get_node(x->y.doc, pr->value);
	}
	top_raw_t t = { .heartbeat_timeout = 5000, .backoff_initial = 2000, .backoff_max = 300000,
		        .max_age = 86400000, .am_ttl = 86400000, .window = 60000 };
	if (section == NULL) {
		return cli_yaml_bad(&x->y, root, "no 'alerting' section");
	}
	if (parse_map(x, section, TOP_FIELDS, sizeof(TOP_FIELDS) / sizeof(TOP_FIELDS[0]), &t,
	              "alerting") != 0) {
		return -1;
	}
	return finish_top(x, section, &t);
}

int cli_alert_conf_load(const char *path, cli_alert_conf_t *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	yaml_document_t doc;
	if (cli_yaml_load(path, &doc, err, errlen) != 0) {
		return -1;
	}
	actx_t x = { .y = { .path = path, .doc = &doc, .err = err, .errlen = errlen }, .c = c };
	int rc = apply(&x);
	yaml_document_delete(&doc);
	if (rc != 0) {
		cli_alert_conf_free(c);
	}
	return rc;
}

void cli_alert_conf_free(cli_alert_conf_t *c)
{
	for (size_t i = 0; i < c->nstrings; i++) {
		explicit_bzero(c->strings[i], strlen(c->strings[i]));
		free(c->strings[i]);
	}
	free(c->strings);
	memset(c, 0, sizeof(*c));
}
