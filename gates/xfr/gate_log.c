/* gate_log.c -- the daemon's log: one line per event on stderr, zone in brackets. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "gates/xfr/gate_xfr.h"

static const char *prio_name(int prio)
{
	switch (prio) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT: return "critical";
	case LOG_ERR: return "error";
	case LOG_WARNING: return "warning";
	case LOG_NOTICE: return "notice";
	case LOG_INFO: return "info";
	default: return "debug";
	}
}

static const char *LOG_NAME = "zonegate gate";

void gate_log_name(const char *name)
{
	LOG_NAME = name;
}

void gate_log(int prio, const char *zone, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (char *p = msg; *p; p++) {
		if (*p == '\n' || *p == '\r') {
			*p = ' '; /* one event, one line */
		}
	}
	if (zone != NULL) {
		fprintf(stderr, "%s: %s: [%s] %s\n", LOG_NAME, prio_name(prio), zone, msg);
	} else {
		fprintf(stderr, "%s: %s: %s\n", LOG_NAME, prio_name(prio), msg);
	}
	fflush(stderr);
}

uint64_t gate_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int64_t gate_wall_now(void)
{
	const char *env = getenv("ZONEGATE_GATE_NOW");
	int64_t now = (int64_t)time(NULL);
	if (env == NULL || env[0] == '\0') {
		return now;
	}
	char *end = NULL;
	long long v = strtoll(env[0] == '+' ? env + 1 : env, &end, 10);
	if (*end != '\0') {
		return now;
	}
	return env[0] == '+' ? now + v : v;
}

void gate_fmt_duration(int64_t secs, char *buf, size_t size)
{
	uint64_t s = secs < 0 ? (uint64_t)-secs : (uint64_t)secs;
	if (s >= 86400) {
		snprintf(buf, size, "%llud %lluh", (unsigned long long)(s / 86400),
		         (unsigned long long)(s % 86400 / 3600));
	} else if (s >= 3600) {
		snprintf(buf, size, "%lluh %llum", (unsigned long long)(s / 3600),
		         (unsigned long long)(s % 3600 / 60));
	} else {
		snprintf(buf, size, "%llus", (unsigned long long)s);
	}
}
