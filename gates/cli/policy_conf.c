/* policy_conf.c -- the --policy YAML file (libyaml): thresholds and severity overrides.
 *
 *   expires-soon: 7d          # seconds, or a number with s/m/h/d (whole seconds)
 *   clock-skew: 0
 *   delta-max-removed: 0.02
 *   delta-max-added: 1.0
 *   max-examples: 10
 *   propagation-delay: 1h     # rollover.* timing with the XFR gate's key history
 *   severity:
 *     rrsig.expires-soon: error
 */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "gates/cli/cli.h"
#include "gates/cli/yaml_util.h"

typedef cli_yaml_ctx_t pctx_t;

/* A duration in whole seconds (the policy's unit). */
static int parse_duration(const char *s, uint32_t *out)
{
	uint64_t ms = 0;
	if (cli_parse_duration_ms(s, &ms) != 0 || ms % 1000 != 0 || ms / 1000 > UINT32_MAX) {
		return -1;
	}
	*out = (uint32_t)(ms / 1000);
	return 0;
}

static int parse_fraction(const char *s, double *out)
{
	char *end = NULL;
	double v = strtod(s, &end);
	if (end == s || *end != '\0' || !(v >= 0.0 && v <= 1000.0)) {
		return -1;
	}
	*out = v;
	return 0;
}

static int set_severity(pctx_t *c, yaml_node_t *map, zg_policy_t *p)
{
	if (map->type != YAML_MAPPING_NODE) {
		return cli_yaml_bad(c, map, "severity must be a mapping of finding id to level");
	}
	for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, pr->key);
		yaml_node_t *v = yaml_document_get_node(c->doc, pr->value);
		const char *ks = cli_yaml_scalar(k), *vs = cli_yaml_scalar(v);
		zg_finding_id_t id;
		if (ks == NULL || zg_finding_lookup(ks, &id) != ZG_EOK) {
			return cli_yaml_bad(c, k, "unknown finding id '%s'", ks ? ks : "?");
		}
		if (vs != NULL && strcmp(vs, "error") == 0) {
			p->severity[id] = ZG_SEV_ERROR;
		} else if (vs != NULL && strcmp(vs, "warning") == 0) {
			p->severity[id] = ZG_SEV_WARNING;
		} else if (vs != NULL && strcmp(vs, "notice") == 0) {
			p->severity[id] = ZG_SEV_NOTICE;
		} else {
			return cli_yaml_bad(c, v, "severity must be error, warning or notice, not '%s'",
			                    vs ? vs : "?");
		}
	}
	return 0;
}

static int set_key(pctx_t *c, yaml_node_t *k, yaml_node_t *v, zg_policy_t *p)
{
	const char *ks = cli_yaml_scalar(k), *vs = cli_yaml_scalar(v);
	if (ks != NULL && strcmp(ks, "severity") == 0) {
		return set_severity(c, v, p);
	}
	if (ks == NULL || vs == NULL) {
		return cli_yaml_bad(c, k, "expected a scalar key and value at '%s'", ks ? ks : "?");
	}
	int r = -2;
	uint32_t n = 0;
	if (strcmp(ks, "expires-soon") == 0) {
		r = parse_duration(vs, &p->expires_soon);
	} else if (strcmp(ks, "clock-skew") == 0) {
		r = parse_duration(vs, &p->clock_skew);
	} else if (strcmp(ks, "propagation-delay") == 0) {
		r = parse_duration(vs, &p->propagation_delay);
	} else if (strcmp(ks, "delta-max-removed") == 0) {
		r = parse_fraction(vs, &p->delta_max_removed);
	} else if (strcmp(ks, "delta-max-added") == 0) {
		r = parse_fraction(vs, &p->delta_max_added);
	} else if (strcmp(ks, "max-examples") == 0) {
		char *end = NULL;
		n = (uint32_t)strtoul(vs, &end, 10);
		r = (vs[0] >= '0' && vs[0] <= '9' && *end == '\0' && n >= 1 && n <= 10000) ? 0 : -1;
		p->max_examples = n;
	}
	if (r == -2) {
		return cli_yaml_bad(c, k, "unknown key '%s'", ks);
	}
	return r == 0 ? 0 : cli_yaml_bad(c, v, "bad value '%s'", vs);
}

static int apply(pctx_t *c, zg_policy_t *p)
{
	yaml_node_t *root = yaml_document_get_root_node(c->doc);
	if (root == NULL) {
		return 0; /* empty file: defaults */
	}
	if (root->type != YAML_MAPPING_NODE) {
		return cli_yaml_bad(c, root, "the policy must be a mapping");
	}
	for (yaml_node_pair_t *pr = root->data.mapping.pairs.start;
	     pr < root->data.mapping.pairs.top; pr++) {
		if (set_key(c, yaml_document_get_node(c->doc, pr->key),
		            yaml_document_get_node(c->doc, pr->value), p) != 0) {
			return -1;
		}
	}
	return 0;
}

int cli_policy_load(const char *path, zg_policy_t *p, char *err, size_t errlen)
{
	yaml_document_t doc;
	if (cli_yaml_load(path, &doc, err, errlen) != 0) {
		return -1;
	}
	pctx_t c = { .path = path, .doc = &doc, .err = err, .errlen = errlen };
	int rc = apply(&c, p);
	yaml_document_delete(&doc);
	return rc;
}
