/* keyset.c -- the published DNSKEY set from a zone file or a DNSKEY file (libzscanner). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <libknot/descriptor.h>
#include <libknot/dname.h>
#include <libzscanner/scanner.h>
#include "hsm/hsm_impl.h"
#include "hsm/keyset.h"
#include "verifier/crypto.h"
#include "verifier/name.h"

#define MAX_KEYS 4096

typedef struct {
	uint8_t owner[KNOT_DNAME_MAXLEN];
	zg_hsm_dnskey_t key;
} raw_key_t;

typedef struct {
	uint8_t soa[KNOT_DNAME_MAXLEN]; /* first SOA owner, soa[0] == 0xff: none */
	raw_key_t *raw;
	size_t n, cap;
	zg_err_t err;
	char *msg;
	size_t msglen;
} scan_t;

static void scan_fail(zs_scanner_t *s, zg_err_t err, const char *reason)
{
	scan_t *c = s->process.data;
	if (c->err == ZG_EOK) {
		c->err = err;
		hsm_msg(c->msg, c->msglen, "%s:%llu: %s", s->file.name ? s->file.name : "?",
		        (unsigned long long)s->line_counter, reason);
	}
	s->state = ZS_STATE_STOP;
}

static void on_error(zs_scanner_t *s)
{
	scan_fail(s, ZG_EPARSE, zs_strerror(s->error.code));
}

static void on_record(zs_scanner_t *s)
{
	scan_t *c = s->process.data;
	if (s->r_type == KNOT_RRTYPE_SOA && c->soa[0] == 0xff) {
		memcpy(c->soa, s->r_owner, s->r_owner_length);
		zg_dname_lower(c->soa);
	}
	if (s->r_type != KNOT_RRTYPE_DNSKEY) {
		return;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		raw_key_t *r = cap <= MAX_KEYS ? realloc(c->raw, cap * sizeof(*r)) : NULL;
		if (r == NULL) {
			scan_fail(s, ZG_ETOOBIG, "too many DNSKEY records");
			return;
		}
		c->raw = r;
		c->cap = cap;
	}
	raw_key_t *k = &c->raw[c->n];
	memcpy(k->owner, s->r_owner, s->r_owner_length);
	zg_dname_lower(k->owner);
	k->key = (zg_hsm_dnskey_t){ .rdlen = (uint16_t)s->r_data_length,
	                            .line = (unsigned)s->line_counter };
	if ((k->key.rdata = malloc(s->r_data_length ? s->r_data_length : 1)) == NULL) {
		scan_fail(s, ZG_ENOMEM, "out of memory");
		return;
	}
	memcpy(k->key.rdata, s->r_data, s->r_data_length);
	c->n++;
}

static zg_err_t scan(const char *path, const char *origin, scan_t *c)
{
	zs_scanner_t *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		return ZG_ENOMEM;
	}
	zg_err_t ret = ZG_EOK;
	if (zs_init(s, origin ? origin : ".", KNOT_CLASS_IN, 3600) != 0) {
		hsm_msg(c->msg, c->msglen, "%s: invalid origin '%s'", path, origin ? origin : ".");
		ret = ZG_EPARSE;
	} else if (zs_set_input_file(s, path) != 0 ||
	           zs_set_processing(s, on_record, on_error, c) != 0) {
		hsm_msg(c->msg, c->msglen, "%s: %s", path, zs_strerror(s->error.code));
		ret = ZG_EIO;
	} else if ((zs_parse_all(s) != 0 || s->error.counter > 0) && c->err == ZG_EOK) {
		scan_fail(s, ZG_EPARSE, zs_strerror(s->error.code));
	}
	zs_deinit(s);
	free(s);
	return ret != ZG_EOK ? ret : c->err;
}

/* Keep the keys owned by the apex; move their RDATA into the set. */
static zg_err_t take_apex(scan_t *c, const uint8_t *apex, zg_hsm_keyset_t *set)
{
	set->keys = calloc(c->n ? c->n : 1, sizeof(*set->keys));
	if (set->keys == NULL) {
		return ZG_ENOMEM;
	}
	for (size_t i = 0; i < c->n; i++) {
		zg_hsm_dnskey_t *k = &c->raw[i].key;
		if (zg_dname_cmp(c->raw[i].owner, apex) != 0 || k->rdlen < ZG_DNSKEY_MIN_RDLEN) {
			continue;
		}
		k->flags = (uint16_t)(k->rdata[0] << 8 | k->rdata[1]);
		k->algorithm = k->rdata[3];
		(void)zg_keytag(k->rdata, k->rdlen, &k->tag);
		set->keys[set->n++] = *k;
		k->rdata = NULL;
	}
	return ZG_EOK;
}

static zg_err_t check_file(const char *path, char *err, size_t errlen)
{
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
		hsm_msg(err, errlen, "%s: %s", path, errno ? strerror(errno) : "not a regular file");
		return ZG_EIO;
	}
	return ZG_EOK;
}

zg_err_t zg_hsm_keyset_load(const char *path, const char *origin, zg_hsm_keyset_t **out,
                            char *err, size_t errlen)
{
	if (path == NULL || out == NULL) {
		return ZG_EINVAL;
	}
	errno = 0;
	zg_err_t ret = check_file(path, err, errlen);
	scan_t c = { .soa = { 0xff }, .msg = err, .msglen = errlen };
	zg_hsm_keyset_t *set = ret == ZG_EOK ? calloc(1, sizeof(*set)) : NULL;
	if (ret == ZG_EOK && set == NULL) {
		ret = ZG_ENOMEM;
	}
	if (ret == ZG_EOK) {
		ret = scan(path, origin, &c);
	}
	const uint8_t *apex = c.soa[0] != 0xff ? c.soa : c.n > 0 ? c.raw[0].owner : NULL;
	uint8_t given[KNOT_DNAME_MAXLEN];
	if (ret == ZG_EOK && origin != NULL &&
	    (apex = knot_dname_from_str(given, origin, sizeof(given))) != NULL) {
		zg_dname_lower(given);
	}
	if (ret == ZG_EOK && apex != NULL) {
		ret = take_apex(&c, apex, set);
		zg_dname_str(apex, set->origin, sizeof(set->origin));
		snprintf(set->path, sizeof(set->path), "%s", path);
	}
	if (ret == ZG_EOK && set->n == 0) {
		hsm_msg(err, errlen, "%s: no DNSKEY record at the apex %s", path,
		        apex ? set->origin : "(no SOA, no DNSKEY)");
		ret = ZG_ENOENT;
	}
	for (size_t i = 0; i < c.n; i++) {
		free(c.raw[i].key.rdata);
	}
	free(c.raw);
	if (ret != ZG_EOK) {
		zg_hsm_keyset_free(set);
		return ret;
	}
	*out = set;
	return ZG_EOK;
}

void zg_hsm_keyset_free(zg_hsm_keyset_t *set)
{
	if (set == NULL) {
		return;
	}
	for (size_t i = 0; i < set->n; i++) {
		free(set->keys[i].rdata);
	}
	free(set->keys);
	free(set);
}
