/* gate_atomic.c -- install a file atomically: temp file beside the target, fsync, rename, fsync
 * the directory; a kill -9 at any instant leaves the target either old or new and complete. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "gates/cli/alert_run.h"
#include "gates/cli/gate.h"

static int copy_fd(int in, int out)
{
	char buf[1 << 16];
	ssize_t n;
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR) {
				continue;
			}
			if (w <= 0) {
				return -1;
			}
			off += w;
		}
	}
	return n == 0 ? 0 : -1;
}

static int fsync_dir_of(const char *path)
{
	char copy[4096];
	snprintf(copy, sizeof(copy), "%s", path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		return -1;
	}
	int r = fsync(fd);
	close(fd);
	return r;
}

/* src -> dst.tmp.<pid>, fsync'd; returns 0 and the temp path. */
static int write_temp(const char *src, const char *dst, char *tmp, size_t size)
{
	snprintf(tmp, size, "%s.tmp.%ld", dst, (long)getpid());
	int in = open(src, O_RDONLY);
	if (in < 0) {
		return -1;
	}
	int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int r = out < 0 ? -1 : copy_fd(in, out);
	if (out >= 0 && (fsync(out) != 0 || close(out) != 0)) {
		r = -1;
	}
	close(in);
	if (r != 0) {
		unlink(tmp);
	}
	return r;
}

/* Keep the current dst as dst.prev (a hard link, renamed into place). */
static int keep_prev(const char *dst)
{
	char prev[4200], ptmp[4300];
	if (access(dst, F_OK) != 0) {
		return 0; /* first publication */
	}
	snprintf(prev, sizeof(prev), "%s.prev", dst);
	snprintf(ptmp, sizeof(ptmp), "%s.prev.tmp.%ld", dst, (long)getpid());
	unlink(ptmp);
	if (link(dst, ptmp) != 0 || rename(ptmp, prev) != 0) {
		unlink(ptmp);
		return -1;
	}
	return 0;
}

int gate_atomic_install(const char *src, const char *dst, bool prev, char *err, size_t errlen)
{
	char tmp[4200];
	if (write_temp(src, dst, tmp, sizeof(tmp)) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		return -1;
	}
	cli_alert_checkpoint("install-temp"); /* kill tests: temp file written, not renamed */
	if ((prev && keep_prev(dst) != 0) || rename(tmp, dst) != 0) {
		snprintf(err, errlen, "cannot install %s: %s", dst, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (fsync_dir_of(dst) != 0) {
		snprintf(err, errlen, "cannot fsync the directory of %s: %s", dst, strerror(errno));
		return -1;
	}
	return 0;
}
