/* metrics.c -- zonegate_* gauges per zone, kept in SPOOL/metrics and written as one .prom file. */
#define _GNU_SOURCE
#include <dirent.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "alerting/event.h"
#include "alerting/fsutil.h"
#include "alerting/metrics.h"
#include "alerting/spool.h"

#define PATH_LEN 4096

/* Per-zone numbers of the last completed verification (an unverified run only sets verdict). */
static void fill_bogus(json_t *m, const zg_report_t *rep)
{
	const zg_report_key_t *k;
	size_t n = zg_report_keys(rep, &k);
	json_t *obj = json_object(); /* "tag/alg" -> bogus: keys sharing tag and algorithm add up */
	for (size_t i = 0; obj != NULL && i < n; i++) {
		char id[32];
		snprintf(id, sizeof(id), "%u/%u", k[i].tag, k[i].algorithm);
		json_int_t prev = json_integer_value(json_object_get(obj, id));
		json_object_set_new(obj, id, json_integer(prev + (json_int_t)k[i].bogus));
	}
	json_object_set_new(m, "bogus", obj);
}

static void fill_expiration(json_t *m, const zg_report_t *rep)
{
	const zg_report_meta_t *meta = zg_report_meta(rep);
	const zg_report_key_t *k;
	size_t n = zg_report_keys(rep, &k);
	int64_t best = -1;
	for (size_t i = 0; i < n; i++) {
		if (!k[i].has_expiration) {
			continue;
		}
		/* RFC 1982: the expiration is the 32-bit time nearest to the evaluation time */
		int64_t t = (int64_t)meta->evaluated_at +
		            (int32_t)(k[i].earliest_expiration - (uint32_t)meta->evaluated_at);
		if (best < 0 || t < best) {
			best = t;
		}
	}
	json_object_set_new(m, "earliest_expiration", best >= 0 ? json_integer(best) : json_null());
}

static void fill_report(json_t *m, const zg_alert_verdict_t *v)
{
	const zg_report_meta_t *meta = zg_report_meta(v->rep);
	const zg_counts_t *c = zg_report_counts(v->rep);
	bool pass = zg_report_verdict(v->rep) == ZG_VERDICT_PASS;
	json_object_set_new(m, "verdict", json_string(pass ? "pass" : "blocked"));
	json_object_set_new(m, "serial", meta->has_serial ? json_integer(meta->serial) : json_null());
	json_object_set_new(m, "rrsigs_verified", json_integer((json_int_t)c->rrsigs_verified));
	json_object_set_new(m, "duration", json_real(v->duration_s));
	json_object_set_new(m, "last_run", json_real((double)v->now_ms / 1000.0));
	if (pass) {
		json_object_set_new(m, "last_success", json_real((double)v->now_ms / 1000.0));
	}
	json_t *f = json_array();
	const zg_report_group_t *g;
	size_t n = zg_report_groups(v->rep, &g);
	for (size_t i = 0; f != NULL && i < n; i++) {
		json_array_append_new(f, json_pack("{s:s, s:s, s:I}", "id", zg_finding_name(g[i].id),
		                                   "severity", zg_severity_name(g[i].severity), "n",
		                                   (json_int_t)g[i].total));
	}
	json_object_set_new(m, "findings", f);
	fill_bogus(m, v->rep);
	fill_expiration(m, v->rep);
}

static int cmp_zone(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	return strcmp(zg_alert_ev_str(x, "zone"), zg_alert_ev_str(y, "zone"));
}

/* Prometheus label value escaping: backslash, double quote, newline. */
static void esc(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"') {
			fputc('\\', f);
			fputc(*s, f);
		} else if (*s == '\n') {
			fputs("\\n", f);
		} else {
			fputc(*s, f);
		}
	}
}

static void head(FILE *f, const char *name, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static void sample(FILE *f, const char *name, const json_t *z, const char *extra, double val)
{
	fprintf(f, "%s{zone=\"", name);
	esc(f, zg_alert_ev_str(z, "zone"));
	if (val == (double)(int64_t)val) {
		fprintf(f, "\"%s} %" PRId64 "\n", extra ? extra : "", (int64_t)val);
	} else {
		fprintf(f, "\"%s} %.3f\n", extra ? extra : "", val);
	}
}

static void family_num(FILE *f, json_t **z, size_t n, const char *name, const char *field,
                       const char *help)
{
	head(f, name, help);
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_object_get(z[i], field);
		if (json_is_number(v)) {
			sample(f, name, z[i], NULL, json_number_value(v));
		}
	}
}

static void family_verdict(FILE *f, json_t **z, size_t n)
{
	static const char *const V[] = { "pass", "blocked", "unverified" };
	head(f, "zonegate_last_verdict", "Verdict of the zone's last verification: 1 for the verdict "
	                                 "it had (pass, blocked, unverified), 0 for the others.");
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < 3; k++) {
			char extra[40];
			snprintf(extra, sizeof(extra), ",verdict=\"%s\"", V[k]);
			sample(f, "zonegate_last_verdict", z[i], extra,
			       strcmp(zg_alert_ev_str(z[i], "verdict"), V[k]) == 0);
		}
	}
}

static void family_labelled(FILE *f, json_t **z, size_t n)
{
	head(f, "zonegate_rrsigs_bogus", "Bogus RRSIGs in the last verification, by the key tag and "
	                                 "algorithm of the published key they claim.");
	for (size_t i = 0; i < n; i++) {
		const char *id;
		json_t *val;
		json_object_foreach(json_object_get(z[i], "bogus"), id, val) {
			unsigned tag = 0, alg = 0;
			char extra[64];
			if (sscanf(id, "%u/%u", &tag, &alg) == 2) {
				snprintf(extra, sizeof(extra), ",key_tag=\"%u\",algorithm=\"%u\"", tag, alg);
				sample(f, "zonegate_rrsigs_bogus", z[i], extra, json_number_value(val));
			}
		}
	}
	head(f, "zonegate_findings", "Findings of the last verification, by check id and effective "
	                             "severity.");
	for (size_t i = 0; i < n; i++) {
		size_t k;
		json_t *fd;
		json_array_foreach(json_object_get(z[i], "findings"), k, fd) {
			char extra[160];
			snprintf(extra, sizeof(extra), ",id=\"%s\",severity=\"%s\"",
			         zg_alert_ev_str(fd, "id"), zg_alert_ev_str(fd, "severity"));
			sample(f, "zonegate_findings", z[i], extra,
			       (double)json_integer_value(json_object_get(fd, "n")));
		}
	}
}

static void render_all(FILE *f, json_t **z, size_t n)
{
	family_verdict(f, z, n);
	family_num(f, z, n, "zonegate_zone_serial", "serial",
	           "SOA serial of the zone version last verified.");
	family_num(f, z, n, "zonegate_rrsigs_verified", "rrsigs_verified",
	           "RRSIGs put through the crypto in the last verification.");
	family_labelled(f, z, n);
	family_num(f, z, n, "zonegate_signature_earliest_expiration_timestamp_seconds",
	           "earliest_expiration", "Earliest RRSIG expiration in the zone (Unix time).");
	family_num(f, z, n, "zonegate_verification_duration_seconds", "duration",
	           "Wall time of the last verification.");
	family_num(f, z, n, "zonegate_last_run_timestamp_seconds", "last_run",
	           "When the last verification completed, pass or blocked (Unix time).");
	family_num(f, z, n, "zonegate_last_success_timestamp_seconds", "last_success",
	           "When the zone last passed verification (Unix time).");
}

static size_t load_zones(const char *dir, json_t ***out)
{
	DIR *d = opendir(dir);
	size_t n = 0;
	*out = NULL;
	struct dirent *de;
	while (d != NULL && (de = readdir(d)) != NULL) {
		json_t *z = NULL;
		if (de->d_name[0] == '.' || zg_alert_json_load(dir, de->d_name, &z) != ZG_EOK) {
			continue;
		}
		json_t **nz = realloc(*out, (n + 1) * sizeof(*nz));
		if (nz == NULL) {
			json_decref(z);
			break;
		}
		*out = nz;
		nz[n++] = z;
	}
	if (d != NULL) {
		closedir(d);
	}
	if (n > 1) {
		qsort(*out, n, sizeof(**out), cmp_zone);
	}
	return n;
}

char *zg_alert_metrics_render(const char *spool)
{
	char dir[PATH_LEN], *text = NULL;
	size_t len = 0;
	snprintf(dir, sizeof(dir), "%s/%s", spool, ZG_ALERT_SPOOL_METRICS);
	json_t **z = NULL;
	size_t n = load_zones(dir, &z);
	FILE *f = open_memstream(&text, &len);
	if (f != NULL) {
		render_all(f, z, n);
		fclose(f);
	}
	for (size_t i = 0; i < n; i++) {
		json_decref(z[i]);
	}
	free(z);
	return text;
}

static zg_err_t write_file(const char *path, const char *text)
{
	char *a = strdup(path), *b = strdup(path);
	zg_err_t ret = ZG_ENOMEM;
	if (a != NULL && b != NULL) {
		ret = zg_alert_atomic_write(dirname(a), basename(b), text, strlen(text));
	}
	free(a);
	free(b);
	return ret;
}

zg_err_t zg_alert_metrics_update(const zg_alert_conf_t *conf, const zg_alert_verdict_t *v)
{
	if (conf->metrics_file == NULL) {
		return ZG_EOK;
	}
	char dir[PATH_LEN], name[48], hash[33];
	const char *zone = v->zone && v->zone[0] ? v->zone : (v->file ? v->file : "unknown");
	snprintf(dir, sizeof(dir), "%s/%s", conf->spool, ZG_ALERT_SPOOL_METRICS);
	zg_alert_sha256_hex(zone, strlen(zone), hash, 32);
	snprintf(name, sizeof(name), "%s.json", hash);
	json_t *m = NULL;
	if (zg_alert_json_load(dir, name, &m) != ZG_EOK) {
		m = json_object();
	}
	json_object_set_new(m, "zone", json_string(zone));
	if (v->rep != NULL) {
		fill_report(m, v);
	} else if (!v->signer && !v->distribution) { /* those say nothing of a verification */
		json_object_set_new(m, "verdict", json_string("unverified"));
	}
	zg_err_t ret = zg_alert_json_save(dir, name, m);
	json_decref(m);
	char *text = ret == ZG_EOK ? zg_alert_metrics_render(conf->spool) : NULL;
	if (ret == ZG_EOK) {
		ret = text ? write_file(conf->metrics_file, text) : ZG_ENOMEM;
	}
	free(text);
	return ret;
}
