/* gate_keys.c -- a zone's key history in gate.db (table `keys`): what resolvers were served and
 * when (first published, first/last signing, removed per algorithm, key tag and DNSKEY digest).
 * Read for every verification (rollover.* timing); moved forward by zg_key_history_update() in the
 * transaction that records a served version; shown by `gate status`. */
#include <jansson.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include "gates/cli/cli.h"
#include "gates/xfr/gate_xfr.h"
#include "verifier/key_history.h"

/* The keys of the last verified version per zone, so that serving it needs no second parse. */
typedef struct {
	char origin[1024];
	bool valid;
	uint32_t serial;
	zg_key_seen_t *keys;
	size_t n;
} seen_cache_t;

static seen_cache_t *CACHE;
static size_t NCACHE;

static const char SQL_READ[] =
	"SELECT algorithm, keytag, digest, first_published, first_signing, last_signing, removed, "
	"signing, preexisting FROM keys WHERE zone = ? ORDER BY rowid";
static const char SQL_WRITE[] =
	"INSERT INTO keys(zone, algorithm, keytag, digest, first_published, first_signing, "
	"last_signing, removed, signing, preexisting) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

int64_t gate_zone_now(const gate_zone_t *z)
{
	return z->fixed_time ? (int64_t)z->fixed_time : gate_wall_now();
}

static void row_to_key(sqlite3_stmt *st, zg_key_history_t *k)
{
	*k = (zg_key_history_t){
		.algorithm = (uint8_t)sqlite3_column_int(st, 0),
		.keytag = (uint16_t)sqlite3_column_int(st, 1),
		.first_published = (uint64_t)sqlite3_column_int64(st, 3),
		.first_signing = (uint64_t)sqlite3_column_int64(st, 4),
		.last_signing = (uint64_t)sqlite3_column_int64(st, 5),
		.removed = (uint64_t)sqlite3_column_int64(st, 6),
		.signing = sqlite3_column_int(st, 7) != 0,
		.preexisting = sqlite3_column_int(st, 8) != 0,
	};
	memcpy(k->digest, sqlite3_column_blob(st, 2), ZG_KEY_DIGEST_LEN);
}

/* The zone's rows; -1 on a database error or a malformed row. */
static int keys_read(const gate_zone_t *z, zg_key_history_t **out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	zg_key_history_t *h = NULL;
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(z->db, SQL_READ, -1, &st, NULL) != SQLITE_OK) {
		return -1;
	}
	sqlite3_bind_text(st, 1, z->origin, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 2) != ZG_KEY_DIGEST_LEN || *n >= ZG_KEY_HISTORY_MAX) {
			break;
		}
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			zg_key_history_t *g = realloc(h, cap * sizeof(*h));
			if (g == NULL) {
				break;
			}
			h = g;
		}
		row_to_key(st, &h[(*n)++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(h);
		*n = 0;
		return -1;
	}
	*out = h;
	return 0;
}

static int key_write(sqlite3_stmt *st, const char *origin, const zg_key_history_t *k)
{
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, k->algorithm);
	sqlite3_bind_int(st, 3, k->keytag);
	sqlite3_bind_blob(st, 4, k->digest, ZG_KEY_DIGEST_LEN, SQLITE_STATIC);
	const uint64_t t[] = { k->first_published, k->first_signing, k->last_signing, k->removed };
	for (int i = 0; i < 4; i++) {
		sqlite3_bind_int64(st, 5 + i, (sqlite3_int64)t[i]);
	}
	sqlite3_bind_int(st, 9, k->signing);
	sqlite3_bind_int(st, 10, k->preexisting);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
}

/* Replace the zone's rows (inside the caller's transaction). */
static int keys_write(const gate_zone_t *z, const zg_key_history_t *h, size_t n)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(z->db, "DELETE FROM keys WHERE zone = ?", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, z->origin, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_OK || sqlite3_prepare_v2(z->db, SQL_WRITE, -1, &st, NULL) != SQLITE_OK) {
		return -1;
	}
	int ret = 0;
	for (size_t i = 0; i < n && ret == 0; i++) {
		ret = key_write(st, z->origin, &h[i]);
	}
	sqlite3_finalize(st);
	return ret;
}

#define KEEP_REMOVED (366 * 86400) /* removed keys stay this long (gate status shows them) */

/* The history moves forward by a version with keys `seen`, served from now. Keys removed long
 * ago go: no check reads a removed entry (published again, a key starts over anyway). */
int gate_keys_served(const gate_zone_t *z, const zg_key_seen_t *seen, size_t nseen, int64_t now)
{
	zg_key_history_t *old = NULL, *h = NULL;
	size_t nold = 0, n = 0, kept = 0;
	if (keys_read(z, &old, &nold) != 0) {
		return -1;
	}
	zg_err_t r = zg_key_history_update(old, nold, seen, nseen, (uint64_t)now, &h, &n);
	free(old);
	if (r != ZG_EOK) {
		gate_log(LOG_ERR, z->origin, "key history: %s", zg_strerror(r));
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (h[i].removed == 0 || (int64_t)h[i].removed > now - KEEP_REMOVED) {
			h[kept++] = h[i];
		}
	}
	int rc = keys_write(z, h, kept);
	free(h);
	return rc;
}

static seen_cache_t *cache_of(const char *origin, bool add)
{
	for (size_t i = 0; i < NCACHE; i++) {
		if (strcmp(CACHE[i].origin, origin) == 0) {
			return &CACHE[i];
		}
	}
	seen_cache_t *c = add ? realloc(CACHE, (NCACHE + 1) * sizeof(*CACHE)) : NULL;
	if (c == NULL) {
		return NULL;
	}
	CACHE = c;
	c = &CACHE[NCACHE++];
	memset(c, 0, sizeof(*c));
	snprintf(c->origin, sizeof(c->origin), "%s", origin);
	return c;
}

void gate_keys_note(const gate_zone_t *z, const zg_zone_t *zone)
{
	seen_cache_t *c = cache_of(z->origin, true);
	if (c == NULL) {
		return;
	}
	free(c->keys);
	c->keys = NULL;
	c->n = 0;
	c->valid = zg_zone_serial(zone, &c->serial) && zg_key_seen(zone, &c->keys, &c->n) == ZG_EOK;
}

void gate_keys_forget(const gate_zone_t *z)
{
	seen_cache_t *c = cache_of(z->origin, false);
	if (c != NULL) {
		free(c->keys);
		*c = CACHE[--NCACHE];
	}
	if (NCACHE == 0) {
		free(CACHE);
		CACHE = NULL;
	}
}

int gate_keys_of_served(gate_zone_t *z, uint32_t serial, zg_key_seen_t **keys, size_t *n)
{
	seen_cache_t *c = cache_of(z->origin, false);
	if (c != NULL && c->valid && c->serial == serial) {
		*keys = c->keys; /* served once: the cache hands its copy over */
		*n = c->n;
		c->keys = NULL;
		c->valid = false;
		return 0;
	}
	zg_zone_t *zone = NULL;
	char msg[ZG_ERRMSG_LEN] = "";
	zg_err_t r = zg_zone_load(z->dist_file, z->origin, &zone, msg, sizeof(msg));
	if (r == ZG_EOK) {
		r = zg_key_seen(zone, keys, n);
	}
	zg_zone_free(zone);
	if (r != ZG_EOK) {
		gate_log(LOG_ERR, z->origin, "key history: cannot read the keys of %s: %s",
		         z->dist_file, msg[0] ? msg : zg_strerror(r));
		return -1;
	}
	return 0;
}

/* No history yet (a new gate.db, or one from before the table): it starts with the served
 * version, whose keys count as published long enough, as with --prev alone. */
static int keys_start(const gate_zone_t *z, const zg_zone_t *prev)
{
	zg_key_seen_t *seen = NULL;
	size_t n = 0;
	if (zg_key_seen(prev, &seen, &n) != ZG_EOK) {
		return -1;
	}
	if (n == 0) {
		return 0; /* the served version is unsigned: nothing to start from */
	}
	int rc = sqlite3_exec(z->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
	if (rc == 0) {
		rc = gate_keys_served(z, seen, n, gate_zone_now(z));
	}
	if (rc == 0 && sqlite3_exec(z->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rc = -1;
	}
	if (rc != 0) {
		sqlite3_exec(z->db, "ROLLBACK", NULL, NULL, NULL);
	} else {
		gate_log(LOG_NOTICE, z->origin, "key history: starts with the served serial %u (%zu "
		         "keys, taken as published long enough)", z->served, n);
	}
	free(seen);
	return rc;
}

int gate_keys_history(const gate_zone_t *z, const zg_zone_t *prev, zg_key_history_t **h, size_t *n)
{
	if (keys_read(z, h, n) != 0) {
		gate_log(LOG_ERR, z->origin, "key history: cannot read: %s", sqlite3_errmsg(z->db));
		return -1;
	}
	if (*n > 0 || prev == NULL) {
		return 0;
	}
	if (keys_start(z, prev) != 0 || keys_read(z, h, n) != 0) {
		gate_log(LOG_ERR, z->origin, "key history: cannot start: %s", sqlite3_errmsg(z->db));
		return -1;
	}
	return 0;
}

/* "2026-01-01T00:00:00Z (3h 2m ago)" */
static const char *when(uint64_t t, int64_t now, char *buf, size_t size)
{
	char tb[64], db[64];
	gate_fmt_duration(now - (int64_t)t, db, sizeof(db));
	snprintf(buf, size, "%s (%s %s)", cli_time_str(t, tb, sizeof(tb)), db,
	         (int64_t)t <= now ? "ago" : "ahead");
	return buf;
}

static void print_key(FILE *out, const zg_key_history_t *k, int64_t now)
{
	char a[160], b[160];
	fprintf(out, "  key %u/%u %02x%02x%02x%02x: published %s%s", k->algorithm, k->keytag,
	        k->digest[0], k->digest[1], k->digest[2], k->digest[3],
	        when(k->first_published, now, a, sizeof(a)), k->preexisting ? " or before" : "");
	if (k->signing) {
		fprintf(out, ", signing since %s", when(k->first_signing, now, b, sizeof(b)));
	} else if (k->last_signing != 0) {
		fprintf(out, ", signed until %s", when(k->last_signing, now, b, sizeof(b)));
	}
	if (k->removed != 0) {
		fprintf(out, ", removed %s", when(k->removed, now, b, sizeof(b)));
	}
	fputc('\n', out);
}

void gate_keys_print(gate_zone_t *z, FILE *out)
{
	zg_key_history_t *h = NULL;
	size_t n = 0;
	if (keys_read(z, &h, &n) != 0 || n == 0) {
		fputs("  keys: none recorded\n", out);
		free(h);
		return;
	}
	int64_t now = gate_zone_now(z);
	for (size_t i = 0; i < n; i++) {
		print_key(out, &h[i], now);
	}
	free(h);
}

static json_t *stamp(uint64_t t)
{
	char tb[64];
	return t != 0 ? json_string(cli_time_str(t, tb, sizeof(tb))) : json_null();
}

json_t *gate_keys_json(gate_zone_t *z)
{
	zg_key_history_t *h = NULL;
	size_t n = 0;
	json_t *a = json_array();
	if (keys_read(z, &h, &n) != 0) {
		n = 0;
	}
	for (size_t i = 0; a != NULL && i < n; i++) {
		const zg_key_history_t *k = &h[i];
		char dg[2 * ZG_KEY_DIGEST_LEN + 1];
		for (size_t j = 0; j < ZG_KEY_DIGEST_LEN; j++) {
			snprintf(dg + 2 * j, 3, "%02x", k->digest[j]);
		}
		json_array_append_new(a, json_pack("{s:i, s:i, s:s, s:o, s:b, s:b, s:o, s:o, s:o}",
		                                   "algorithm", k->algorithm, "keytag", k->keytag,
		                                   "sha256", dg, "first_published",
		                                   stamp(k->first_published), "preexisting",
		                                   k->preexisting, "signing", k->signing,
		                                   "first_signing", stamp(k->first_signing),
		                                   "last_signing", stamp(k->last_signing),
		                                   "removed", stamp(k->removed)));
	}
	free(h);
	return a;
}
