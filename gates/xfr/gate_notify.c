/* gate_notify.c -- NOTIFY from the signer (RFC 1996) over UDP and TCP: accepted only from the
 * configured signer address with the zone's TSIG key, answered (signed), the zone marked due. */
#define _GNU_SOURCE /* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>
#include "gates/xfr/gate_xfr.h"

#define GATE_MAX_LISTEN 64

struct gate_listen {
	gate_conf_t *conf;
	int fd[GATE_MAX_LISTEN];
	bool tcp[GATE_MAX_LISTEN];
	bool kept[GATE_MAX_LISTEN]; /* reload: the socket came from the running set */
	char text[GATE_MAX_LISTEN][160];
	size_t n;
};

static int open_one(gate_listen_t *l, const gate_addr_t *a, bool tcp)
{
	int fd = socket(a->ss.ss_family, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0) {
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&a->ss, a->len) != 0 || (tcp && listen(fd, 16) != 0)) {
		close(fd);
		return -1;
	}
	l->fd[l->n] = fd;
	l->tcp[l->n] = tcp;
	l->kept[l->n] = false;
	snprintf(l->text[l->n], sizeof(l->text[0]), "%s", a->text);
	l->n++;
	return 0;
}

/* Reuse old's socket for a (reload), else open one. */
static int take_or_open(gate_listen_t *l, gate_listen_t *old, const gate_addr_t *a, bool tcp)
{
	for (size_t i = 0; old != NULL && i < old->n; i++) {
		if (old->fd[i] >= 0 && old->tcp[i] == tcp && strcmp(old->text[i], a->text) == 0) {
			l->fd[l->n] = old->fd[i];
			l->tcp[l->n] = tcp;
			l->kept[l->n] = true;
			snprintf(l->text[l->n], sizeof(l->text[0]), "%s", a->text);
			old->fd[i] = -1;
			l->n++;
			return 0;
		}
	}
	return open_one(l, a, tcp);
}

/* Undo open_all: the sockets taken from old go back, the new ones are closed. */
static void give_back(gate_listen_t *l, gate_listen_t *old)
{
	for (size_t k = 0; k < l->n; k++) {
		for (size_t m = 0; l->kept[k] && old != NULL && m < old->n; m++) {
			if (old->fd[m] < 0 && old->tcp[m] == l->tcp[k] &&
			    strcmp(old->text[m], l->text[k]) == 0) {
				old->fd[m] = l->fd[k];
				l->fd[k] = -1;
			}
		}
		if (l->fd[k] >= 0) {
			close(l->fd[k]);
		}
	}
	l->n = 0;
}

/* UDP + TCP on every distinct listen address of conf; on error the sockets taken from old go
 * back to it and the new ones are closed. */
static int open_all(gate_listen_t *l, const gate_conf_t *conf, gate_listen_t *old, char *err,
                    size_t errlen)
{
	for (size_t i = 0; i < conf->nzones; i++) {
		bool seen = false;
		for (size_t j = 0; j < i; j++) {
			seen = seen || strcmp(conf->zones[j].listen.text, conf->zones[i].listen.text) == 0;
		}
		if (seen) {
			continue;
		}
		const gate_addr_t *a = &conf->zones[i].listen;
		if (l->n + 2 > GATE_MAX_LISTEN || take_or_open(l, old, a, false) != 0 ||
		    take_or_open(l, old, a, true) != 0) {
			snprintf(err, errlen, "cannot listen on %s: %s", a->text, strerror(errno));
			give_back(l, old);
			return -1;
		}
	}
	return 0;
}

int gate_listen_open(gate_conf_t *conf, gate_listen_t **out, char *err, size_t errlen)
{
	gate_listen_t *l = calloc(1, sizeof(*l));
	if (l == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	l->conf = conf;
	if (open_all(l, conf, NULL, err, errlen) != 0) {
		free(l);
		return -1;
	}
	*out = l;
	return 0;
}

int gate_listen_reload(gate_listen_t *l, const gate_conf_t *conf, char *err, size_t errlen)
{
	gate_listen_t *n = calloc(1, sizeof(*n));
	if (n == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (open_all(n, conf, l, err, errlen) != 0) {
		free(n);
		return -1;
	}
	for (size_t i = 0; i < l->n; i++) {
		if (l->fd[i] >= 0) {
			gate_log(LOG_INFO, NULL, "reload: no longer listening on %s (%s)", l->text[i],
			         l->tcp[i] ? "TCP" : "UDP");
			close(l->fd[i]);
		}
	}
	n->conf = l->conf;
	memcpy(l, n, sizeof(*l));
	free(n);
	return 0;
}

void gate_listen_close(gate_listen_t *l)
{
	if (l == NULL) {
		return;
	}
	for (size_t i = 0; i < l->n; i++) {
		if (l->fd[i] >= 0) {
			close(l->fd[i]);
		}
	}
	free(l);
}

size_t gate_listen_fds(const gate_listen_t *l, int *fds, size_t max)
{
	size_t n = l->n < max ? l->n : max;
	memcpy(fds, l->fd, n * sizeof(int));
	return n;
}

static bool same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family) {
		return false;
	}
	if (a->ss_family == AF_INET) {
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	}
	return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
	              &((const struct sockaddr_in6 *)b)->sin6_addr, sizeof(struct in6_addr)) == 0;
}

static void host_text(const struct sockaddr_storage *ss, char *buf, size_t size)
{
	const void *a = ss->ss_family == AF_INET
	                        ? (const void *)&((const struct sockaddr_in *)ss)->sin_addr
	                        : (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr;
	if (inet_ntop(ss->ss_family, a, buf, (socklen_t)size) == NULL) {
		snprintf(buf, size, "?");
	}
}

static gate_zone_t *find_zone(gate_conf_t *conf, const knot_pkt_t *q)
{
	char name[1024];
	if (knot_dname_to_str(name, knot_pkt_qname(q), sizeof(name)) == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < conf->nzones; i++) {
		if (strcasecmp(conf->zones[i].origin, name) == 0) {
			return &conf->zones[i];
		}
	}
	return NULL;
}

/* Who may notify: the zone's signer address, with the zone's key. RCODE to answer. */
static uint8_t admit(gate_zone_t *z, const knot_pkt_t *q, const struct sockaddr_storage *from,
                     bool *sign)
{
	char host[INET6_ADDRSTRLEN];
	host_text(from, host, sizeof(host));
	*sign = false;
	if (!same_host(from, &z->signer.ss)) {
		gate_log(LOG_WARNING, z->origin, "NOTIFY from %s refused: not the signer (%s)", host,
		         z->signer.text);
		return KNOT_RCODE_REFUSED;
	}
	if (q->tsig_rr == NULL) {
		gate_log(LOG_WARNING, z->origin, "NOTIFY from %s refused: not TSIG-signed", host);
		return KNOT_RCODE_NOTAUTH;
	}
	int r = knot_tsig_server_check(q->tsig_rr, q->wire, q->size, &z->key);
	if (r != KNOT_EOK) {
		char kname[512];
		if (knot_dname_to_str(kname, q->tsig_rr->owner, sizeof(kname)) == NULL) {
			snprintf(kname, sizeof(kname), "?");
		}
		gate_log(LOG_WARNING, z->origin, "NOTIFY from %s refused: TSIG key '%s': %s", host,
		         kname, knot_strerror(r));
		return KNOT_RCODE_NOTAUTH;
	}
	*sign = true;
	z->due_ms = 0;
	gate_log(LOG_INFO, z->origin, "NOTIFY from %s accepted", host);
	return KNOT_RCODE_NOERROR;
}

/* A transfer request: the gate serves no zone (the distribution primary does). One line. */
static uint8_t refuse_xfr(const gate_zone_t *z, const knot_pkt_t *q,
                          const struct sockaddr_storage *from)
{
	char host[INET6_ADDRSTRLEN], name[1024];
	host_text(from, host, sizeof(host));
	if (knot_dname_to_str(name, knot_pkt_qname(q), sizeof(name)) == NULL) {
		snprintf(name, sizeof(name), "?");
	}
	gate_log(LOG_WARNING, z ? z->origin : NULL, "%s of %s from %s refused: the gate serves no "
	         "transfers (the distribution primary does)",
	         knot_pkt_qtype(q) == KNOT_RRTYPE_AXFR ? "AXFR" : "IXFR", name, host);
	return KNOT_RCODE_REFUSED;
}

knot_pkt_t *gate_notify_answer(gate_conf_t *conf, knot_pkt_t *q,
                               const struct sockaddr_storage *from)
{
	if (knot_pkt_parse(q, 0) != KNOT_EOK || knot_wire_get_qr(q->wire)) {
		return NULL;
	}
	knot_pkt_t *resp = knot_pkt_new(NULL, GATE_NOTIFY_MAX, NULL);
	if (resp == NULL || knot_pkt_init_response(resp, q) != KNOT_EOK) {
		knot_pkt_free(resp);
		return NULL;
	}
	gate_zone_t *z = find_zone(conf, q);
	bool sign = false;
	uint8_t rcode = KNOT_RCODE_NOTAUTH;
	uint16_t qtype = knot_pkt_qtype(q);
	bool query = knot_wire_get_opcode(q->wire) == KNOT_OPCODE_QUERY;
	if (query && (qtype == KNOT_RRTYPE_AXFR || qtype == KNOT_RRTYPE_IXFR)) {
		rcode = refuse_xfr(z, q, from);
	} else if (knot_wire_get_opcode(q->wire) != KNOT_OPCODE_NOTIFY) {
		rcode = KNOT_RCODE_NOTIMPL;
	} else if (z != NULL && knot_pkt_qtype(q) == KNOT_RRTYPE_SOA) {
		rcode = admit(z, q, from, &sign);
	}
	knot_wire_set_rcode(resp->wire, rcode);
	knot_wire_set_aa(resp->wire);
	if (sign) {
		uint8_t digest[GATE_MAX_DIGEST];
		size_t dlen = sizeof(digest);
		knot_tsig_sign(resp->wire, &resp->size, resp->max_size,
		               knot_tsig_rdata_mac(q->tsig_rr), knot_tsig_rdata_mac_length(q->tsig_rr),
		               digest, &dlen, &z->key, 0, knot_tsig_rdata_time_signed(q->tsig_rr));
	}
	return resp;
}

static void handle_udp(gate_listen_t *l, int fd)
{
	uint8_t buf[GATE_NOTIFY_MAX];
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
	if (n < KNOT_WIRE_HEADER_SIZE) {
		return;
	}
	knot_pkt_t *q = knot_pkt_new(buf, (uint16_t)n, NULL);
	knot_pkt_t *resp = q == NULL ? NULL : gate_notify_answer(l->conf, q, &from);
	if (resp != NULL) {
		sendto(fd, resp->wire, resp->size, 0, (struct sockaddr *)&from, flen);
	}
	knot_pkt_free(resp);
	knot_pkt_free(q);
}

static int read_all(int fd, uint8_t *buf, size_t len)
{
	for (size_t off = 0; off < len;) {
		ssize_t n = read(fd, buf + off, len - off);
		if (n <= 0) {
			return -1;
		}
		off += (size_t)n;
	}
	return 0;
}

/* One query per TCP connection, with a 2 s budget: a NOTIFY is small. */
static void handle_tcp(gate_listen_t *l, int lfd)
{
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	int fd = accept4(lfd, (struct sockaddr *)&from, &flen, SOCK_CLOEXEC);
	if (fd < 0) {
		return;
	}
	struct timeval tv = { .tv_sec = 2 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	uint8_t hdr[2], buf[GATE_NOTIFY_MAX];
	size_t len = 0;
	if (read_all(fd, hdr, 2) == 0 && (len = (size_t)hdr[0] << 8 | hdr[1]) <= sizeof(buf) &&
	    len >= KNOT_WIRE_HEADER_SIZE && read_all(fd, buf, len) == 0) {
		knot_pkt_t *q = knot_pkt_new(buf, (uint16_t)len, NULL);
		knot_pkt_t *resp = q == NULL ? NULL : gate_notify_answer(l->conf, q, &from);
		if (resp != NULL) {
			uint8_t out[2] = { (uint8_t)(resp->size >> 8), (uint8_t)resp->size };
			if (write(fd, out, 2) == 2 && write(fd, resp->wire, resp->size) < 0) {
				gate_log(LOG_DEBUG, NULL, "cannot answer over TCP: %s", strerror(errno));
			}
		}
		knot_pkt_free(resp);
		knot_pkt_free(q);
	}
	close(fd);
}

void gate_listen_handle(gate_listen_t *l, int fd)
{
	for (size_t i = 0; i < l->n; i++) {
		if (l->fd[i] == fd) {
			if (l->tcp[i]) {
				handle_tcp(l, fd);
			} else {
				handle_udp(l, fd);
			}
			return;
		}
	}
}
