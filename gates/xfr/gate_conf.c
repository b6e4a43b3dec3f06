/* gate_conf.c -- the `gate:` section of the deployment YAML (other sections are left to their
 * owners); an unknown key or a bad value is an error naming file:line. */
#include <errno.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "gates/cli/yaml_util.h"
#include "gates/xfr/gate_xfr.h"

typedef cli_yaml_ctx_t pctx_t;

int gate_addr_parse(const char *s, uint16_t def_port, gate_addr_t *out)
{
	char host[96];
	unsigned long port = def_port;
	snprintf(host, sizeof(host), "%s", s);
	char *at = strchr(host, '@');
	if (at != NULL) {
		char *end = NULL;
		*at = '\0';
		port = strtoul(at + 1, &end, 10);
		if (*end != '\0' || port == 0 || port > 65535) {
			return -1;
		}
	}
	memset(out, 0, sizeof(*out));
	struct sockaddr_in *v4 = (struct sockaddr_in *)&out->ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&out->ss;
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		out->len = sizeof(*v4);
	} else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		out->len = sizeof(*v6);
	} else {
		return -1;
	}
	snprintf(out->text, sizeof(out->text), "%s@%lu", host, port);
	return 0;
}

static int set_str(pctx_t *c, const yaml_node_t *v, const char *key, char *dst, size_t size)
{
	const char *s = cli_yaml_scalar(v);
	if (s == NULL || s[0] == '\0' || strlen(s) >= size) {
		return cli_yaml_bad(c, v, "expected a non-empty string for %s", key);
	}
	snprintf(dst, size, "%s", s);
	return 0;
}

static int set_ms(pctx_t *c, const yaml_node_t *v, const char *key, uint64_t *dst)
{
	const char *s = cli_yaml_scalar(v);
	if (s == NULL || cli_parse_duration_ms(s, dst) != 0 || *dst == 0) {
		return cli_yaml_bad(c, v, "expected a duration (e.g. 60s, 5m) for %s", key);
	}
	return 0;
}

/* A size: bytes, or with k, M, G (powers of 1024); "none" is 0: no cap. */
static int set_size(pctx_t *c, const yaml_node_t *v, const char *key, uint64_t *dst)
{
	const char *s = cli_yaml_scalar(v);
	char *end = NULL;
	if (s != NULL && strcmp(s, "none") == 0) {
		*dst = 0;
		return 0;
	}
	errno = 0;
	unsigned long long n = s != NULL && s[0] >= '0' && s[0] <= '9' ? strtoull(s, &end, 10) : 0;
	unsigned shift = 0;
	if (end != NULL && end[0] != '\0' && end[1] == '\0') {
		const char *units = "kMG", *u = strchr(units, end[0]);
		shift = u != NULL ? 10u * (unsigned)(u - units + 1) : 64;
		end++;
	}
	if (end == NULL || *end != '\0' || errno != 0 || n == 0 || shift >= 64 ||
	    n > (UINT64_MAX >> shift)) {
		return cli_yaml_bad(c, v, "expected a size (e.g. 512M, 4G) or none for %s", key);
	}
	*dst = (uint64_t)n << shift;
	return 0;
}

typedef int (*map_fn)(pctx_t *c, void *obj, const char *key, yaml_node_t *v);

/* Call fn for every key of a mapping node. */
static int each_key(pctx_t *c, yaml_node_t *map, const char *what, void *obj, map_fn fn)
{
	if (map->type != YAML_MAPPING_NODE) {
		return cli_yaml_bad(c, map, "expected a mapping for %s", what);
	}
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
		const char *key = cli_yaml_scalar(k);
		if (key == NULL) {
			return cli_yaml_bad(c, k, "expected a key in %s", what);
		}
		if (fn(c, obj, key, v) != 0) {
			return -1;
		}
	}
	return 0;
}

static int unknown(pctx_t *c, const yaml_node_t *v, const char *where, const char *key)
{
	return cli_yaml_bad(c, v, "unknown key in %s: %s", where, key);
}

static int dist_key(pctx_t *c, void *obj, const char *key, yaml_node_t *v)
{
	gate_zone_t *z = obj;
	char conf[GATE_PATH_MAX];
	if (strcmp(key, "file") == 0) {
		return set_str(c, v, key, z->dist_file, sizeof(z->dist_file));
	}
	if (strcmp(key, "reload") == 0) {
		return set_str(c, v, key, z->reload_cmd, sizeof(z->reload_cmd));
	}
	if (strcmp(key, "knot-conf") == 0) {
		if (set_str(c, v, key, conf, sizeof(conf)) != 0) {
			return -1;
		}
		if (z->reload_cmd[0] == '\0') {
			snprintf(z->reload_cmd, sizeof(z->reload_cmd), "knotc -c '%s' zone-reload '%s'",
			         conf, z->origin[0] ? z->origin : "@ORIGIN@");
		}
		return 0;
	}
	return unknown(c, v, "distribution", key);
}

static int verify_key(pctx_t *c, void *obj, const char *key, yaml_node_t *v)
{
	gate_zone_t *z = obj;
	if (strcmp(key, "ds") == 0) {
		return set_str(c, v, key, z->ds_path, sizeof(z->ds_path));
	}
	if (strcmp(key, "policy") == 0) {
		return set_str(c, v, key, z->policy_path, sizeof(z->policy_path));
	}
	if (strcmp(key, "time") == 0) {
		const char *s = cli_yaml_scalar(v);
		char *end = NULL;
		z->fixed_time = s ? strtoull(s, &end, 10) : 0;
		if (s == NULL || end == s || *end != '\0' || z->fixed_time == 0) {
			return cli_yaml_bad(c, v, "expected UNIX seconds for %s", key);
		}
		return 0;
	}
	return unknown(c, v, "verify", key);
}

static int addr_key(pctx_t *c, yaml_node_t *v, const char *key, gate_addr_t *a)
{
	const char *s = cli_yaml_scalar(v);
	if (s == NULL || gate_addr_parse(s, 53, a) != 0) {
		return cli_yaml_bad(c, v, "expected ADDRESS[@PORT] for %s", key);
	}
	return 0;
}

static int zone_key(pctx_t *c, void *obj, const char *key, yaml_node_t *v)
{
	gate_zone_t *z = obj;
	if (strcmp(key, "origin") == 0) {
		int r = set_str(c, v, key, z->origin, sizeof(z->origin) - 1);
		size_t n = strlen(z->origin);
		if (r == 0 && z->origin[n - 1] != '.') {
			z->origin[n] = '.';
			z->origin[n + 1] = '\0';
		}
		return r;
	}
	if (strcmp(key, "signer") == 0) {
		return addr_key(c, v, key, &z->signer);
	}
	if (strcmp(key, "listen") == 0) {
		return addr_key(c, v, key, &z->listen);
	}
	if (strcmp(key, "tsig-key") == 0) {
		return set_str(c, v, key, z->tsig_path, sizeof(z->tsig_path));
	}
	if (strcmp(key, "state-dir") == 0) {
		return set_str(c, v, key, z->state_dir, sizeof(z->state_dir));
	}
	if (strcmp(key, "refresh") == 0) {
		return set_ms(c, v, key, &z->refresh_ms);
	}
	if (strcmp(key, "retry") == 0) {
		return set_ms(c, v, key, &z->retry_ms);
	}
	if (strcmp(key, "timeout") == 0) {
		return set_ms(c, v, key, &z->timeout_ms);
	}
	if (strcmp(key, "max-transfer") == 0) {
		return set_size(c, v, key, &z->xfr_max_bytes);
	}
	if (strcmp(key, "transfer-deadline") == 0) {
		return set_ms(c, v, key, &z->xfr_deadline_ms);
	}
	if (strcmp(key, "expiry-margin") == 0 || strcmp(key, "stale-after") == 0) {
		uint64_t ms = 0;
		if (set_ms(c, v, key, &ms) != 0) {
			return -1;
		}
		*(key[0] == 'e' ? &z->expiry_margin_s : &z->stale_s) = ms / 1000;
		return 0;
	}
	if (strcmp(key, "distribution") == 0) {
		return each_key(c, v, key, z, dist_key);
	}
	if (strcmp(key, "verify") == 0) {
		return each_key(c, v, key, z, verify_key);
	}
	return unknown(c, v, "zone", key);
}

/* Required keys present, the origin substituted into a default reload command. */
static int zone_finish(pctx_t *c, const yaml_node_t *n, gate_zone_t *z)
{
	static const char *const REQ[] = { "origin", "signer", "tsig-key", "listen", "state-dir",
		                           "distribution.file" };
	const char *have[] = { z->origin, z->signer.text, z->tsig_path, z->listen.text,
		               z->state_dir, z->dist_file };
	for (size_t i = 0; i < sizeof(REQ) / sizeof(REQ[0]); i++) {
		if (have[i][0] == '\0') {
			return cli_yaml_bad(c, n, "zone without %s", REQ[i]);
		}
	}
	char *p = strstr(z->reload_cmd, "@ORIGIN@");
	if (p != NULL) {
		char tail[64];
		snprintf(tail, sizeof(tail), "%s", p + strlen("@ORIGIN@"));
		snprintf(p, sizeof(z->reload_cmd) - (size_t)(p - z->reload_cmd), "%s%s", z->origin,
		         tail);
	}
	return 0;
}

static int zones_list(pctx_t *c, gate_conf_t *conf, yaml_node_t *v)
{
	if (v->type != YAML_SEQUENCE_NODE) {
		return cli_yaml_bad(c, v, "expected a list for zones");
	}
	size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	conf->zones = calloc(n ? n : 1, sizeof(*conf->zones));
	if (conf->zones == NULL) {
		return cli_yaml_bad(c, v, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *zn = yaml_document_get_node(c->doc, v->data.sequence.items.start[i]);
		gate_zone_t *z = &conf->zones[conf->nzones++];
		gate_zone_init(z);
		if (each_key(c, zn, "zone", z, zone_key) != 0 || zone_finish(c, zn, z) != 0) {
			return -1;
		}
		for (size_t j = 0; j + 1 < conf->nzones; j++) {
			if (strcasecmp(conf->zones[j].origin, z->origin) == 0) {
				return cli_yaml_bad(c, zn, "zone listed twice: %s", z->origin);
			}
		}
	}
	return 0;
}

static int gate_key_fn(pctx_t *c, void *obj, const char *key, yaml_node_t *v)
{
	gate_conf_t *conf = obj;
	if (strcmp(key, "zones") == 0) {
		return zones_list(c, obj, v);
	}
	if (strcmp(key, "control-group") == 0) {
		return set_str(c, v, key, conf->control_group, sizeof(conf->control_group));
	}
	return unknown(c, v, "gate", key);
}

static int top_key(pctx_t *c, void *obj, const char *key, yaml_node_t *v)
{
	gate_conf_t *conf = obj;
	if (strcmp(key, "alerting") == 0) {
		conf->has_alerting = true; /* parsed by alert_conf.c (gate_alert_load) */
		return 0;
	}
	if (strcmp(key, "gate") != 0) {
		return 0; /* others belong to their own parsers */
	}
	if (conf->zones != NULL) {
		return cli_yaml_bad(c, v, "duplicate section %s", key);
	}
	return each_key(c, v, key, conf, gate_key_fn);
}

static int conf_load(const char *path, gate_conf_t *conf, bool keys, char *err, size_t errlen)
{
	yaml_document_t doc;
	memset(conf, 0, sizeof(*conf));
	snprintf(conf->path, sizeof(conf->path), "%s", path);
	if (cli_yaml_load(path, &doc, err, errlen) != 0) {
		return -1;
	}
	pctx_t c = { .path = path, .doc = &doc, .err = err, .errlen = errlen };
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	int rc = root == NULL ? -1 : each_key(&c, root, "the document", conf, top_key);
	if (root == NULL) {
		snprintf(err, errlen, "%s: empty document", path);
	} else if (rc == 0 && conf->nzones == 0) {
		snprintf(err, errlen, "%s: no gate: section with zones", path);
		rc = -1;
	}
	for (size_t i = 0; rc == 0 && keys && i < conf->nzones; i++) {
		gate_zone_t *z = &conf->zones[i];
		rc = gate_key_load(z->tsig_path, &z->key, err, errlen);
		z->key_loaded = rc == 0;
	}
	yaml_document_delete(&doc);
	if (rc == 0 && keys) {
		rc = gate_alert_load(conf, err, errlen);
	}
	if (rc != 0) {
		gate_conf_free(conf);
	}
	return rc;
}

int gate_conf_load(const char *path, gate_conf_t *conf, char *err, size_t errlen)
{
	return conf_load(path, conf, true, err, errlen);
}

int gate_conf_load_nokeys(const char *path, gate_conf_t *conf, char *err, size_t errlen)
{
	return conf_load(path, conf, false, err, errlen);
}

/* by origin, case-insensitive, the final dot optional */
gate_zone_t *gate_conf_zone(gate_conf_t *conf, const char *origin)
{
	size_t n = strlen(origin);
	if (n > 1 && origin[n - 1] == '.') {
		n--;
	}
	for (size_t i = 0; i < conf->nzones; i++) {
		const char *o = conf->zones[i].origin;
		size_t m = strlen(o);
		if (m > 1 && o[m - 1] == '.') {
			m--;
		}
		if (m == n && strncasecmp(o, origin, n) == 0) {
			return &conf->zones[i];
		}
	}
	return NULL;
}

void gate_conf_free(gate_conf_t *conf)
{
	for (size_t i = 0; i < conf->nzones; i++) {
		if (conf->zones[i].key_loaded) {
			knot_tsig_key_deinit(&conf->zones[i].key);
		}
		zg_report_free(conf->zones[i].held_rep);
		gate_cache_drop(&conf->zones[i]);
	}
	free(conf->zones);
	conf->zones = NULL;
	conf->nzones = 0;
	gate_alert_free(conf);
}
