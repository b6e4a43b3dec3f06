/* hsm_render.c -- `zonegate hsm audit` reports: text (verdict, inventory, findings) and JSON
 * (schema zonegate-hsm-audit/1, hsm/README.md). */
#include <jansson.h>
#include <openssl/evp.h>
#include "gates/cli/hsm_cli.h"

#define SCHEMA "zonegate-hsm-audit/1"

static const char *verdict(const cli_hsm_view_t *v)
{
	return v->sink->count[ZG_SEV_ERROR] > 0 ? "blocked" : "pass";
}

static void key_status(const cli_hsm_view_t *v, const zg_hsm_key_t *k, char *buf, size_t size)
{
	int n = 0;
	if (k->published >= 0) {
		const zg_hsm_dnskey_t *p = &v->set->keys[k->published];
		n = snprintf(buf, size, "published (DNSKEY %u, flags %u)", p->tag, p->flags);
	} else {
		n = snprintf(buf, size, "%s", k->keylen ? "NOT published" : "public key unknown");
	}
	size_t o = n > 0 && (size_t)n < size ? (size_t)n : size - 1;
	snprintf(buf + o, size - o, "%s%s%s%s%s", !k->in_scope ? ", outside --key-filter" : "",
	         !k->has_private ? ", no private key" : "",
	         k->has_private && !k->can_sign ? ", private key cannot sign" : "",
	         k->key_from_probe ? ", key found by the probe" : "",
	         k->probe == ZG_HSM_PROBE_OK         ? ", probe ok"
	         : k->probe == ZG_HSM_PROBE_MISMATCH ? ", PROBE MISMATCH"
	                                             : "");
}

static void render_token(const cli_hsm_view_t *v, const zg_hsm_inventory_t *inv, FILE *out)
{
	fprintf(out, "%s serial %s (%s, %s): %zu keys from %zu public and %zu private key objects\n",
	        inv->name, inv->serial, inv->manufacturer, inv->model, inv->nkeys, inv->npublic,
	        inv->nprivate);
	for (size_t i = 0; i < inv->nkeys; i++) {
		const zg_hsm_key_t *k = &inv->keys[i];
		char name[ZG_HSM_LABEL_MAX + 2 * ZG_HSM_ID_MAX + 32], st[256], tags[32] = "-";
		if (k->keylen > 0) {
			snprintf(tags, sizeof(tags), "%u/%u", k->tag_zsk, k->tag_ksk);
		}
		key_status(v, k, st, sizeof(st));
		fprintf(out, "  %s%s %-8s alg %2u tag %-11s %s: %s\n", k->has_public ? "pub" : "---",
		        k->has_private ? "+priv" : "-----", zg_hsm_keytype_name(k->type), k->algorithm,
		        tags, zg_hsm_key_name(k, name, sizeof(name)), st);
	}
}

void cli_hsm_render_text(const cli_hsm_view_t *v, FILE *out)
{
	const cli_hsm_sink_t *s = v->sink;
	fprintf(out, "%s: hsm audit of zone %s (%zu DNSKEYs in %s) against %zu token%s%s: %u errors, "
	        "%u warnings, %u notices\n", s->count[ZG_SEV_ERROR] ? "BLOCKED" : "PASS",
	        v->set->origin, v->set->n, v->set->path, v->ntokens, v->ntokens == 1 ? "" : "s",
	        v->opts->probe ? ", with sign probes" : "", s->count[ZG_SEV_ERROR],
	        s->count[ZG_SEV_WARNING], s->count[ZG_SEV_NOTICE]);
	for (size_t t = 0; t < v->ntokens; t++) {
		render_token(v, v->tokens[t].inv, out);
	}
	if (s->n > 0) {
		fprintf(out, "\nfindings:\n");
	}
	for (int id = 0; id < ZG_F_COUNT; id++) {
		size_t total = 0;
		for (size_t i = 0; i < s->n; i++) {
			total += s->items[i].id == (zg_finding_id_t)id;
		}
		if (total == 0) {
			continue;
		}
		fprintf(out, "  %s (%s) x%zu: %s\n", zg_finding_name((zg_finding_id_t)id),
		        zg_severity_name(zg_finding_default_severity((zg_finding_id_t)id)), total,
		        zg_finding_title((zg_finding_id_t)id));
		for (size_t i = 0; i < s->n; i++) {
			if (s->items[i].id == (zg_finding_id_t)id) {
				fprintf(out, "    %s\n", s->items[i].reason);
			}
		}
	}
}

static json_t *b64_json(const uint8_t *data, size_t len)
{
	if (len == 0) {
		return json_null();
	}
	char buf[4 * ((ZG_HSM_KEY_MAX + 2) / 3) + 1];
	EVP_EncodeBlock((unsigned char *)buf, data, (int)len);
	return json_string(buf);
}

static json_t *key_json(const cli_hsm_view_t *v, const zg_hsm_key_t *k)
{
	char hex[2 * ZG_HSM_ID_MAX + 1];
	json_t *o = json_pack("{s:s,s:s,s:s,s:i,s:b,s:b,s:b,s:b,s:b}", "id",
	                      zg_hsm_id_hex(k->id, k->idlen, hex, sizeof(hex)), "label", k->label,
	                      "type", zg_hsm_keytype_name(k->type), "algorithm", k->algorithm,
	                      "public", k->has_public, "private", k->has_private, "sign", k->can_sign,
	                      "in_scope", k->in_scope, "key_from_probe", k->key_from_probe);
	json_object_set_new(o, "key_tag_zsk", k->keylen ? json_integer(k->tag_zsk) : json_null());
	json_object_set_new(o, "key_tag_ksk", k->keylen ? json_integer(k->tag_ksk) : json_null());
	json_object_set_new(o, "public_key", b64_json(k->key, k->keylen));
	json_t *pub = json_null();
	if (k->published >= 0) {
		const zg_hsm_dnskey_t *p = &v->set->keys[k->published];
		pub = json_pack("{s:i,s:i,s:i}", "key_tag", p->tag, "flags", p->flags, "algorithm",
		                p->algorithm);
	}
	json_object_set_new(o, "published", pub);
	json_object_set_new(o, "probe", k->probe == ZG_HSM_PROBE_OK         ? json_string("ok")
	                                : k->probe == ZG_HSM_PROBE_MISMATCH ? json_string("mismatch")
	                                                                    : json_null());
	return o;
}

static json_t *token_json(const cli_hsm_view_t *v, const zg_hsm_inventory_t *inv)
{
	json_t *keys = json_array();
	for (size_t i = 0; i < inv->nkeys; i++) {
		json_array_append_new(keys, key_json(v, &inv->keys[i]));
	}
	return json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:o}", "label", inv->label, "serial", inv->serial,
	                 "manufacturer", inv->manufacturer, "model", inv->model, "public_objects",
	                 (json_int_t)inv->npublic, "private_objects", (json_int_t)inv->nprivate,
	                 "keys", keys);
}

static json_t *item_json(const cli_hsm_view_t *v, const cli_hsm_item_t *it)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:s}", "id", zg_finding_name(it->id), "severity",
	                      zg_severity_name(it->severity), "owner", v->set->origin, "reason",
	                      it->reason);
	json_object_set_new(o, "key_tag", it->has_key ? json_integer(it->tag) : json_null());
	json_object_set_new(o, "algorithm", it->has_key ? json_integer(it->algorithm) : json_null());
	json_object_set_new(o, "token", it->has_object ? json_string(it->token) : json_null());
	json_object_set_new(o, "label", it->has_object ? json_string(it->label) : json_null());
	json_object_set_new(o, "object_id", it->has_object ? json_string(it->id_hex) : json_null());
	return o;
}

static json_t *findings_json(const cli_hsm_view_t *v, json_t *root)
{
	json_t *list = json_array(), *totals = json_array();
	for (int id = 0; id < ZG_F_COUNT; id++) {
		json_int_t total = 0;
		for (size_t i = 0; i < v->sink->n; i++) {
			if (v->sink->items[i].id == (zg_finding_id_t)id) {
				json_array_append_new(list, item_json(v, &v->sink->items[i]));
				total++;
			}
		}
		if (total > 0) {
			json_array_append_new(totals, json_pack("{s:s,s:s,s:I}", "id",
			                                        zg_finding_name((zg_finding_id_t)id),
			                                        "severity",
			                                        zg_severity_name(zg_finding_default_severity(
			                                                (zg_finding_id_t)id)),
			                                        "total", total));
		}
	}
	json_object_set_new(root, "findings", list);
	json_object_set_new(root, "totals", totals);
	return root;
}

void cli_hsm_render_json(const cli_hsm_view_t *v, FILE *out)
{
	const cli_hsm_sink_t *s = v->sink;
	json_t *tokens = json_array();
	for (size_t t = 0; t < v->ntokens; t++) {
		json_array_append_new(tokens, token_json(v, v->tokens[t].inv));
	}
	json_t *root = json_pack("{s:s,s:s,s:s,s:I,s:s,s:b,s:{s:i,s:i,s:i},s:o}", "schema", SCHEMA,
	                         "zone", v->set->origin, "file", v->set->path, "dnskeys",
	                         (json_int_t)v->set->n, "verdict", verdict(v), "probe",
	                         v->opts->probe, "counts", "errors", s->count[ZG_SEV_ERROR],
	                         "warnings", s->count[ZG_SEV_WARNING], "notices",
	                         s->count[ZG_SEV_NOTICE], "tokens", tokens);
	json_object_set_new(root, "key_filter", v->opts->key_filter
	                                                ? json_string(v->opts->key_filter)
	                                                : json_null());
	findings_json(v, root);
	json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	json_decref(root);
}

void cli_hsm_render_json_error(const char *msg, FILE *out)
{
	json_t *root = json_pack("{s:s,s:s,s:{s:s}}", "schema", SCHEMA, "verdict", "unverified",
	                         "error", "message", msg);
	json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	json_decref(root);
}
