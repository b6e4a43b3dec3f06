/* gate_control.c -- the control socket STATE_DIR/control.sock: mode 0600, or 0660 with the group
 * `control-group:` (the file permissions are the access control). One request line, one reply
 * line; the peer's user (SO_PEERCRED uid -> name) goes to the audit log. Daemon side and client. */
#define _GNU_SOURCE /* accept4, struct ucred */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>
#include "gates/xfr/gate_xfr.h"

#define LINE_MAX_LEN 2048

static int sock_addr(const gate_zone_t *z, struct sockaddr_un *sa, char *err, size_t errlen)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	int n = snprintf(sa->sun_path, sizeof(sa->sun_path), "%s/control.sock", z->state_dir);
	if (n < 0 || (size_t)n >= sizeof(sa->sun_path)) {
		snprintf(err, errlen, "control socket path %s/control.sock is too long (max %zu)",
		         z->state_dir, sizeof(sa->sun_path) - 1);
		return -1;
	}
	return 0;
}

/* A socket file left by a gate that is gone is replaced; a live one means another gate. */
static int clear_stale(const struct sockaddr_un *sa, char *err, size_t errlen)
{
	struct stat st;
	if (lstat(sa->sun_path, &st) != 0) {
		return 0;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "control socket %s exists and is not a socket", sa->sun_path);
		return -1;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0) {
		close(fd);
		snprintf(err, errlen, "control socket %s: another gate is running", sa->sun_path);
		return -1;
	}
	if (fd >= 0) {
		close(fd);
	}
	unlink(sa->sun_path);
	return 0;
}

static int bind_one(gate_zone_t *z, const char *group, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	if (sock_addr(z, &sa, err, errlen) != 0 || clear_stale(&sa, err, errlen) != 0) {
		return -1;
	}
	struct group *gr = NULL;
	if (group[0] != '\0' && (gr = getgrnam(group)) == NULL) {
		snprintf(err, errlen, "control-group %s: no such group", group);
		return -1;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	mode_t old = umask(0177); /* 0600 from the start, no window */
	int r = fd < 0 ? -1 : bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r == 0 && gr != NULL && (chown(sa.sun_path, (uid_t)-1, gr->gr_gid) != 0 ||
	                             chmod(sa.sun_path, 0660) != 0)) {
		r = -1;
	}
	if (r != 0 || listen(fd, 8) != 0) {
		snprintf(err, errlen, "control socket %s: %s", sa.sun_path, strerror(errno));
		if (fd >= 0) {
			close(fd);
		}
		return -1;
	}
	z->ctl_fd = fd;
	gate_log(LOG_INFO, z->origin, "control socket %s (mode %s%s)", sa.sun_path,
	         gr ? "0660, group " : "0600", gr ? group : "");
	return 0;
}

int gate_control_open(gate_conf_t *conf, char *err, size_t errlen)
{
	for (size_t i = 0; i < conf->nzones; i++) {
		bool shared = false;
		for (size_t j = 0; j < i; j++) {
			shared = shared || strcmp(conf->zones[j].state_dir, conf->zones[i].state_dir) == 0;
		}
		if (!shared && bind_one(&conf->zones[i], conf->control_group, err, errlen) != 0) {
			return -1;
		}
	}
	return 0;
}

/* The zone of conf that owns the socket of dir (the first with that state directory). */
static gate_zone_t *owner_of(const gate_conf_t *conf, const char *dir)
{
	for (size_t i = 0; i < conf->nzones; i++) {
		if (strcmp(conf->zones[i].state_dir, dir) == 0) {
			return &conf->zones[i];
		}
	}
	return NULL;
}

int gate_control_open_new(gate_conf_t *nc, const gate_conf_t *old, char *err, size_t errlen)
{
	for (size_t i = 0; i < nc->nzones; i++) {
		gate_zone_t *z = &nc->zones[i];
		if (owner_of(nc, z->state_dir) == z && owner_of(old, z->state_dir) == NULL &&
		    bind_one(z, nc->control_group, err, errlen) != 0) {
			return -1;
		}
	}
	return 0;
}

void gate_control_take(gate_conf_t *nc, gate_conf_t *old)
{
	for (size_t i = 0; i < old->nzones; i++) {
		gate_zone_t *o = &old->zones[i];
		gate_zone_t *z = o->ctl_fd >= 0 ? owner_of(nc, o->state_dir) : NULL;
		if (z != NULL && z->ctl_fd < 0) {
			z->ctl_fd = o->ctl_fd;
			o->ctl_fd = -1;
		}
	}
}

void gate_control_close(gate_conf_t *conf)
{
	for (size_t i = 0; i < conf->nzones; i++) {
		gate_zone_t *z = &conf->zones[i];
		struct sockaddr_un sa;
		char err[GATE_PATH_MAX + 100];
		if (z->ctl_fd < 0) {
			continue;
		}
		close(z->ctl_fd);
		z->ctl_fd = -1;
		if (sock_addr(z, &sa, err, sizeof(err)) == 0) {
			unlink(sa.sun_path);
		}
	}
}

static void peer_user(int fd, char *buf, size_t size)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0) {
		snprintf(buf, size, "unknown");
		return;
	}
	struct passwd pw, *res = NULL;
	char pbuf[1024];
	if (getpwuid_r(cr.uid, &pw, pbuf, sizeof(pbuf), &res) == 0 && res != NULL) {
		snprintf(buf, size, "%s", res->pw_name);
	} else {
		snprintf(buf, size, "uid %u", (unsigned)cr.uid);
	}
}

/* One line (without its newline) into buf; -1 on timeout, EOF before it, or too long. */
static int read_line(int fd, char *buf, size_t size)
{
	size_t n = 0;
	while (n + 1 < size) {
		ssize_t r = read(fd, buf + n, size - 1 - n);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r <= 0) {
			return -1;
		}
		n += (size_t)r;
		buf[n] = '\0';
		char *nl = memchr(buf, '\n', n);
		if (nl != NULL) {
			*nl = '\0';
			return 0;
		}
	}
	return -1;
}

static void set_timeouts(int fd, int secs)
{
	struct timeval tv = { .tv_sec = secs };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static void write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR) {
			continue;
		}
		if (w <= 0) {
			return;
		}
		s += w;
		n -= (size_t)w;
	}
}

void gate_control_handle(gate_conf_t *conf, gate_zone_t *owner)
{
	int c = accept4(owner->ctl_fd, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0) {
		return;
	}
	set_timeouts(c, 2);
	char user[128], line[LINE_MAX_LEN], reply[LINE_MAX_LEN];
	peer_user(c, user, sizeof(user));
	if (read_line(c, line, sizeof(line)) != 0) {
		snprintf(reply, sizeof(reply), "error: expected one request line");
		gate_log(LOG_WARNING, owner->origin, "control: bad request from %s", user);
	} else {
		gate_control_request(conf, owner, user, line, reply, sizeof(reply));
	}
	write_all(c, reply, strlen(reply));
	write_all(c, "\n", 1);
	close(c);
}

int gate_control_send(const gate_zone_t *z, const char *line, char *reply, size_t size)
{
	struct sockaddr_un sa;
	if (sock_addr(z, &sa, reply, size) != 0) {
		return -1;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;
		snprintf(reply, size, "cannot open the control socket %s: %s%s", sa.sun_path,
		         strerror(e), e == EACCES || e == EPERM ? " (only the gate's operators may)"
		         : e == ENOENT || e == ECONNREFUSED ? " (is the gate running?)" : "");
		if (fd >= 0) {
			close(fd);
		}
		return -1;
	}
	set_timeouts(fd, 120); /* an approval verifies the zone file and runs the reload */
	write_all(fd, line, strlen(line));
	write_all(fd, "\n", 1);
	int r = read_line(fd, reply, size);
	close(fd);
	if (r != 0) {
		snprintf(reply, size, "no reply from the gate on %s", sa.sun_path);
		return -1;
	}
	return strncmp(reply, "ok", 2) == 0 ? 0 : 1;
}
