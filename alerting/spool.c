/* spool.c -- the outbox: written (fsync, rename, fsync dir) before any delivery is attempted. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "alerting/event.h"
#include "alerting/fsutil.h"
#include "alerting/spool.h"

#define PATH_LEN 4096
#define MAX_ENTRY_BYTES (1024 * 1024)

zg_err_t zg_alert_spool_init(const char *spool)
{
	static const char *const SUBS[] = { ZG_ALERT_SPOOL_OUT, ZG_ALERT_SPOOL_DEAD,
		                            ZG_ALERT_SPOOL_INCIDENTS, ZG_ALERT_SPOOL_METRICS };
	if (spool == NULL || spool[0] == '\0') {
		return ZG_EINVAL;
	}
	for (size_t i = 0; i < sizeof(SUBS) / sizeof(SUBS[0]); i++) {
		zg_err_t ret = zg_alert_mkdir(spool, SUBS[i]);
		if (ret != ZG_EOK) {
			return ret;
		}
	}
	return ZG_EOK;
}

json_t *zg_alert_spool_entry(const char *route, json_t *event, uint64_t now_ms)
{
	char buf[1024], hash[17], file[64];
	snprintf(buf, sizeof(buf), "%s\n%s", zg_alert_ev_str(event, "idempotency_key"), route);
	zg_alert_sha256_hex(buf, strlen(buf), hash, 16);
	snprintf(file, sizeof(file), "%013" PRIu64 "-%s.json", now_ms, hash);
	json_t *e = json_pack("{s:s, s:s, s:O, s:I, s:i, s:I, s:i, s:s}", "file", file, "route",
	                      route, "event", event, "created_ms", (json_int_t)now_ms, "attempts", 0,
	                      "next_attempt_ms", (json_int_t)now_ms, "last_status", 0,
	                      "last_error", "");
	return e;
}

zg_err_t zg_alert_spool_push(const char *spool, const json_t *entry)
{
	char dir[PATH_LEN];
	const char *file = json_string_value(json_object_get(entry, "file"));
	if (file == NULL || strchr(file, '/') != NULL) {
		return ZG_EINVAL;
	}
	snprintf(dir, sizeof(dir), "%s/%s", spool, ZG_ALERT_SPOOL_OUT);
	return zg_alert_json_save(dir, file, entry);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_entry_name(const char *n)
{
	size_t len = strlen(n);
	return n[0] != '.' && len > 5 && strcmp(n + len - 5, ".json") == 0;
}

void zg_alert_spool_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(names[i]);
	}
	free(names);
}

static zg_err_t names_add(char ***names, size_t *n, size_t *cap, const char *name)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 32;
		char **nn = realloc(*names, nc * sizeof(*nn));
		if (nn == NULL) {
			return ZG_ENOMEM;
		}
		*names = nn;
		*cap = nc;
	}
	(*names)[*n] = strdup(name);
	if ((*names)[*n] == NULL) {
		return ZG_ENOMEM;
	}
	(*n)++;
	return ZG_EOK;
}

zg_err_t zg_alert_spool_list(const char *spool, char ***names, size_t *n)
{
	char dir[PATH_LEN];
	snprintf(dir, sizeof(dir), "%s/%s", spool, ZG_ALERT_SPOOL_OUT);
	*names = NULL;
	*n = 0;
	DIR *d = opendir(dir);
	if (d == NULL) {
		return errno == ENOENT ? ZG_EOK : ZG_ESPOOL;
	}
	size_t cap = 0;
	zg_err_t ret = ZG_EOK;
	struct dirent *de;
	while (ret == ZG_EOK && (de = readdir(d)) != NULL) {
		if (is_entry_name(de->d_name)) {
			ret = names_add(names, n, &cap, de->d_name);
		}
	}
	closedir(d);
	if (ret != ZG_EOK) {
		zg_alert_spool_names_free(*names, *n);
		*names = NULL;
		*n = 0;
		return ret;
	}
	if (*n > 1) {
		qsort(*names, *n, sizeof(**names), cmp_names);
	}
	return ZG_EOK;
}

static json_t *read_fd_json(int fd)
{
	struct stat st;
	if (fstat(fd, &st) != 0 || st.st_nlink == 0 || st.st_size <= 0 ||
	    st.st_size > MAX_ENTRY_BYTES) {
		return NULL; /* nlink 0: delivered and removed while we waited */
	}
	json_error_t jerr;
	return json_loadfd(fd, 0, &jerr);
}

zg_err_t zg_alert_spool_claim(const char *spool, const char *name, int *fd, json_t **entry)
{
	char path[PATH_LEN];
	int n = snprintf(path, sizeof(path), "%s/%s/%s", spool, ZG_ALERT_SPOOL_OUT, name);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		return ZG_ETOOBIG;
	}
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0) {
		return errno == ENOENT ? ZG_ENOENT : ZG_ESPOOL;
	}
	if (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
		*entry = read_fd_json(*fd); /* for its (route, incident): later ones must wait */
		close(*fd);
		*fd = -1;
		return *entry != NULL ? ZG_ESPOOLBUSY : ZG_ENOENT;
	}
	*entry = read_fd_json(*fd);
	if (*entry == NULL) {
		zg_alert_spool_release(*fd);
		*fd = -1;
		return ZG_ENOENT;
	}
	return ZG_EOK;
}

void zg_alert_spool_release(int fd)
{
	zg_alert_unlock(fd);
}

zg_err_t zg_alert_spool_done(const char *spool, const char *name)
{
	char dir[PATH_LEN];
	snprintf(dir, sizeof(dir), "%s/%s", spool, ZG_ALERT_SPOOL_OUT);
	return zg_alert_unlink(dir, name);
}

zg_err_t zg_alert_spool_dead(const char *spool, const char *name, json_t *entry,
                             const char *reason)
{
	char dir[PATH_LEN];
	snprintf(dir, sizeof(dir), "%s/%s", spool, ZG_ALERT_SPOOL_DEAD);
	json_object_set_new(entry, "dead_reason", json_string(reason));
	zg_err_t ret = zg_alert_json_save(dir, name, entry);
	if (ret != ZG_EOK) {
		return ret;
	}
	return zg_alert_spool_done(spool, name);
}
