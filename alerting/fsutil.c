/* fsutil.c -- atomic writes (temp file, fsync, rename, fsync dir), locks, clocks, hashes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "alerting/fsutil.h"

#define PATH_LEN 4096

static zg_err_t fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		return ZG_ESPOOL;
	}
	int r = fsync(fd);
	close(fd);
	return r == 0 ? ZG_EOK : ZG_ESPOOL;
}

static zg_err_t write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			return ZG_ESPOOL;
		}
		p += n;
		len -= (size_t)n;
	}
	return ZG_EOK;
}

zg_err_t zg_alert_atomic_write(const char *dir, const char *name, const void *data, size_t len)
{
	if (dir == NULL || name == NULL || (data == NULL && len > 0)) {
		return ZG_EINVAL;
	}
	char tmp[PATH_LEN], dst[PATH_LEN];
	int a = snprintf(tmp, sizeof(tmp), "%s/.%s.tmp.%ld", dir, name, (long)getpid());
	int b = snprintf(dst, sizeof(dst), "%s/%s", dir, name);
	if (a < 0 || b < 0 || (size_t)a >= sizeof(tmp) || (size_t)b >= sizeof(dst)) {
		return ZG_ETOOBIG;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		return ZG_ESPOOL;
	}
	zg_err_t ret = write_all(fd, data, len);
	if (ret == ZG_EOK && fsync(fd) != 0) {
		ret = ZG_ESPOOL;
	}
	if (close(fd) != 0 && ret == ZG_EOK) {
		ret = ZG_ESPOOL;
	}
	if (ret == ZG_EOK && rename(tmp, dst) != 0) {
		ret = ZG_ESPOOL;
	}
	if (ret != ZG_EOK) {
		unlink(tmp);
		return ret;
	}
	return fsync_dir(dir);
}

zg_err_t zg_alert_json_save(const char *dir, const char *name, const json_t *doc)
{
	char *s = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	if (s == NULL) {
		return ZG_ENOMEM;
	}
	size_t n = strlen(s);
	char *line = realloc(s, n + 2);
	if (line == NULL) {
		free(s);
		return ZG_ENOMEM;
	}
	line[n] = '\n';
	line[n + 1] = '\0';
	zg_err_t ret = zg_alert_atomic_write(dir, name, line, n + 1);
	free(line);
	return ret;
}

zg_err_t zg_alert_json_load(const char *dir, const char *name, json_t **out)
{
	char path[PATH_LEN];
	int n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		return ZG_ETOOBIG;
	}
	if (access(path, F_OK) != 0) {
		return errno == ENOENT ? ZG_ENOENT : ZG_ESPOOL;
	}
	json_error_t jerr;
	*out = json_load_file(path, 0, &jerr);
	return *out != NULL ? ZG_EOK : ZG_EMALF;
}

zg_err_t zg_alert_mkdir(const char *dir, const char *sub)
{
	char path[PATH_LEN];
	int n = snprintf(path, sizeof(path), "%s%s%s", dir, sub ? "/" : "", sub ? sub : "");
	if (n < 0 || (size_t)n >= sizeof(path)) {
		return ZG_ETOOBIG;
	}
	for (char *p = path + 1; *p != '\0'; p++) {
		if (*p != '/') {
			continue;
		}
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			return ZG_ESPOOL;
		}
		*p = '/';
	}
	if (mkdir(path, 0700) != 0 && errno != EEXIST) {
		return ZG_ESPOOL;
	}
	return ZG_EOK;
}

zg_err_t zg_alert_unlink(const char *dir, const char *name)
{
	char path[PATH_LEN];
	int n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		return ZG_ETOOBIG;
	}
	if (unlink(path) != 0) {
		return errno == ENOENT ? ZG_EOK : ZG_ESPOOL;
	}
	return fsync_dir(dir);
}

int zg_alert_lock(const char *dir, const char *name)
{
	char path[PATH_LEN];
	int n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		return -1;
	}
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		return -1;
	}
	while (flock(fd, LOCK_EX) != 0) {
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

void zg_alert_unlock(int fd)
{
	if (fd >= 0) {
		flock(fd, LOCK_UN);
		close(fd);
	}
}

uint64_t zg_alert_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t zg_alert_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

const char *zg_alert_iso8601(uint64_t ms, char *buf, size_t size)
{
	time_t t = (time_t)(ms / 1000u);
	struct tm tm;
	char base[24] = "1970-01-01T00:00:00";
	if (gmtime_r(&t, &tm) != NULL) {
		strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	}
	snprintf(buf, size, "%s.%03uZ", base, (unsigned)(ms % 1000u));
	return buf;
}

static void to_hex(const unsigned char *md, size_t mdlen, char *out, size_t hexlen)
{
	static const char HEX[] = "0123456789abcdef";
	size_t i = 0;
	for (; i < hexlen && i / 2 < mdlen; i++) {
		unsigned char c = md[i / 2];
		out[i] = HEX[(i % 2 == 0) ? (c >> 4) : (c & 0xf)];
	}
	out[i] = '\0';
}

void zg_alert_sha256_hex(const void *data, size_t len, char *out, size_t hexlen)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1) {
		mdlen = 0;
	}
	to_hex(md, mdlen, out, hexlen > 64 ? 64 : hexlen);
}

zg_err_t zg_alert_hmac_hex(const char *key, const void *data, size_t len, char *out, size_t size)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if (key == NULL || size < 65) {
		return ZG_EINVAL;
	}
	if (HMAC(EVP_sha256(), key, (int)strlen(key), data, len, md, &mdlen) == NULL) {
		return ZG_ECRYPTO;
	}
	to_hex(md, mdlen, out, 64);
	return ZG_EOK;
}

double zg_alert_random01(void)
{
	uint64_t r = 0;
	if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		r = zg_alert_mono_ms() * 0x9e3779b97f4a7c15ULL; /* jitter only: no secrecy needed */
	}
	return (double)(r >> 11) / (double)(1ULL << 53);
}

void zg_alert_sleep_ms(uint64_t ms)
{
	struct timespec ts = { .tv_sec = (time_t)(ms / 1000u),
		               .tv_nsec = (long)(ms % 1000u) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}
