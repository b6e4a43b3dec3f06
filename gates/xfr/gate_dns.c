/* gate_dns.c -- the gate as a DNS client of the signer: SOA serial and AXFR over TCP, every
 * request TSIG-signed and every response message checked (RFC 8945 5.3.1), via libknot. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/time.h>
#include <unistd.h>
#include "gates/xfr/gate_xfr.h"

typedef struct {
	uint8_t digest[GATE_MAX_DIGEST];
	size_t dlen;
	uint64_t prev_signed;
	unsigned count;
	uint16_t id;
	uint32_t base; /* IXFR: our serial */
} tsig_state_t;

static int tcp_connect(const gate_zone_t *z)
{
	int fd = socket(z->signer.ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return -1;
	}
	struct timeval tv = { .tv_sec = (time_t)(z->timeout_ms / 1000),
		              .tv_usec = (suseconds_t)(z->timeout_ms % 1000) * 1000 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (const struct sockaddr *)&z->signer.ss, z->signer.len) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* deadline: monotonic ms (gate_now_ms) after which no more is read or written; 0 none */
static int io_full(int fd, uint8_t *buf, size_t len, bool wr, uint64_t deadline)
{
	size_t off = 0;
	while (off < len) {
		if (deadline != 0 && gate_now_ms() >= deadline) {
			errno = ETIME; /* a signer trickling bytes in under the per-message timeout */
			return -1;
		}
		ssize_t n = wr ? write(fd, buf + off, len - off) : read(fd, buf + off, len - off);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n == 0) {
			errno = 0; /* the peer closed: no system error to name */
		}
		if (n <= 0) {
			return -1;
		}
		off += (size_t)n;
	}
	return 0;
}

static int send_msg(int fd, uint8_t *wire, size_t len)
{
	uint8_t hdr[2] = { (uint8_t)(len >> 8), (uint8_t)len };
	return io_full(fd, hdr, 2, true, 0) == 0 && io_full(fd, wire, len, true, 0) == 0 ? 0 : -1;
}

/* one length-prefixed message into buf (65535 bytes) */
static int recv_msg(int fd, uint8_t *buf, size_t *len, uint64_t deadline)
{
	uint8_t hdr[2];
	if (io_full(fd, hdr, 2, false, deadline) != 0) {
		return -1;
	}
	*len = (size_t)hdr[0] << 8 | hdr[1];
	if (*len < KNOT_WIRE_HEADER_SIZE) {
		errno = EBADMSG; /* shorter than a DNS header */
		return -1;
	}
	return io_full(fd, buf, *len, false, deadline);
}

/* Build, sign and send a query for the zone apex. */
/* IXFR: the authority section carries our SOA with the base serial (RFC 1995 3). */
static int put_base_soa(knot_pkt_t *q, const knot_dname_t *apex, uint32_t serial)
{
	uint8_t rd[22] = { 0 }; /* root MNAME, root RNAME, serial, 4 zero timers */
	knot_wire_write_u32(rd + 2, serial);
	knot_rrset_t *soa = knot_rrset_new(apex, KNOT_RRTYPE_SOA, KNOT_CLASS_IN, 0, NULL);
	int r = soa == NULL ? KNOT_ENOMEM : knot_rrset_add_rdata(soa, rd, sizeof(rd), NULL);
	if (r == KNOT_EOK) {
		r = knot_pkt_begin(q, KNOT_AUTHORITY);
	}
	if (r == KNOT_EOK) {
		r = knot_pkt_put(q, 0, soa, KNOT_PF_FREE);
	}
	if (r != KNOT_EOK) {
		knot_rrset_free(soa, NULL);
		return -1;
	}
	free(soa); /* the packet owns the rdata now (KNOT_PF_FREE), not the struct */
	return 0;
}

static int send_query(const gate_zone_t *z, int fd, uint16_t qtype, tsig_state_t *t)
{
	knot_dname_t *qname = knot_dname_from_str_alloc(z->origin);
	knot_pkt_t *q = knot_pkt_new(NULL, KNOT_WIRE_MAX_PKTSIZE, NULL);
	int rc = -1;
	if (qname == NULL || q == NULL || getrandom(&t->id, sizeof(t->id), 0) != sizeof(t->id)) {
		goto out;
	}
	knot_wire_set_id(q->wire, t->id);
	if (knot_pkt_put_question(q, qname, KNOT_CLASS_IN, qtype) != KNOT_EOK) {
		goto out;
	}
	if (qtype == KNOT_RRTYPE_IXFR && put_base_soa(q, qname, t->base) != 0) {
		goto out;
	}
	t->dlen = sizeof(t->digest);
	if (knot_tsig_sign(q->wire, &q->size, q->max_size, NULL, 0, t->digest, &t->dlen, &z->key, 0,
	                   0) != KNOT_EOK) {
		goto out;
	}
	rc = send_msg(fd, q->wire, q->size);
out:
	knot_pkt_free(q);
	knot_dname_free(qname, NULL);
	return rc;
}

/* Parse one response and check id, rcode and its TSIG against the running digest; a TSIG failure
 * is GATE_XFR_EAUTH. */
static int check_response(const gate_zone_t *z, knot_pkt_t *pkt, tsig_state_t *t, char *err,
                          size_t errlen)
{
	int r = knot_pkt_parse(pkt, 0);
	if (r != KNOT_EOK || knot_wire_get_id(pkt->wire) != t->id || !knot_wire_get_qr(pkt->wire)) {
		snprintf(err, errlen, "malformed or unrelated response from %s", z->signer.text);
		return -1;
	}
	if (pkt->tsig_rr == NULL) {
		snprintf(err, errlen, "response from %s is not TSIG-signed", z->signer.text);
		return GATE_XFR_EAUTH;
	}
	r = t->count == 0 ? knot_tsig_client_check(pkt->tsig_rr, pkt->wire, pkt->size, t->digest,
	                                           t->dlen, &z->key, t->prev_signed)
	                  : knot_tsig_client_check_next(pkt->tsig_rr, pkt->wire, pkt->size,
	                                                t->digest, t->dlen, &z->key, t->prev_signed);
	if (r != KNOT_EOK) {
		snprintf(err, errlen, "TSIG of the response from %s: %s", z->signer.text,
		         knot_strerror(r));
		return GATE_XFR_EAUTH;
	}
	t->dlen = knot_tsig_rdata_mac_length(pkt->tsig_rr);
	memcpy(t->digest, knot_tsig_rdata_mac(pkt->tsig_rr), t->dlen);
	t->prev_signed = knot_tsig_rdata_time_signed(pkt->tsig_rr);
	t->count++;
	uint8_t rcode = knot_wire_get_rcode(pkt->wire);
	if (rcode != KNOT_RCODE_NOERROR) {
		snprintf(err, errlen, "%s answered rcode %u", z->signer.text, rcode);
		return -1;
	}
	return 0;
}

int gate_dns_soa(const gate_zone_t *z, uint32_t *serial, char *err, size_t errlen)
{
	uint8_t *buf = malloc(KNOT_WIRE_MAX_PKTSIZE);
	tsig_state_t t = { 0 };
	size_t len = 0;
	int rc = -1, fd = tcp_connect(z);
	knot_pkt_t *pkt = NULL;
	if (buf == NULL || fd < 0 || send_query(z, fd, KNOT_RRTYPE_SOA, &t) != 0 ||
	    recv_msg(fd, buf, &len, 0) != 0 || (pkt = knot_pkt_new(buf, (uint16_t)len, NULL)) == NULL) {
		snprintf(err, errlen, "no SOA answer from %s%s%s", z->signer.text, errno ? ": " : "",
		         errno ? strerror(errno) : " (connection closed)");
		goto out;
	}
	if (check_response(z, pkt, &t, err, errlen) != 0) {
		goto out;
	}
	const knot_pktsection_t *an = knot_pkt_section(pkt, KNOT_ANSWER);
	for (uint16_t i = 0; i < an->count; i++) {
		const knot_rrset_t *rr = knot_pkt_rr(an, i);
		if (rr->type == KNOT_RRTYPE_SOA && rr->rrs.count > 0) {
			*serial = knot_soa_serial(rr->rrs.rdata);
			rc = 0;
		}
	}
	if (rc != 0) {
		snprintf(err, errlen, "%s sent no SOA for %s", z->signer.text, z->origin);
	}
out:
	knot_pkt_free(pkt);
	free(buf);
	if (fd >= 0) {
		close(fd);
	}
	return rc;
}

typedef struct {
	FILE *out;
	char *txt;
	size_t txtlen;
	size_t nrr;
	uint32_t serial;
} axfr_t;

/* AXFR records: the closing SOA ends the transfer (RFC 5936 2.2). 1 done, 0 more, -1 error. */
static int axfr_rr(void *ctx, const knot_rrset_t *rr, char *err, size_t errlen)
{
	axfr_t *x = ctx;
	if (rr->type == KNOT_RRTYPE_SOA) {
		uint32_t s = knot_soa_serial(rr->rrs.rdata);
		if (x->nrr == 0) {
			x->serial = s;
		} else if (s == x->serial) {
			return 1;
		} else {
			snprintf(err, errlen, "unexpected SOA %u in the AXFR (incremental answer?)", s);
			return -1;
		}
	} else if (x->nrr == 0) {
		snprintf(err, errlen, "AXFR does not start with the SOA");
		return -1;
	}
	if (knot_rrset_txt_dump(rr, &x->txt, &x->txtlen, &KNOT_DUMP_STYLE_DEFAULT) < 0 ||
	    fputs(x->txt, x->out) < 0) {
		snprintf(err, errlen, "cannot write the transferred zone");
		return -1;
	}
	x->nrr++;
	return 0;
}

static int records(knot_pkt_t *pkt, gate_rr_fn fn, void *ctx, bool *done, char *err,
                   size_t errlen)
{
	const knot_pktsection_t *an = knot_pkt_section(pkt, KNOT_ANSWER);
	for (uint16_t i = 0; i < an->count; i++) {
		if (*done) {
			snprintf(err, errlen, "records after the closing SOA");
			return -1;
		}
		int r = fn(ctx, knot_pkt_rr(an, i), err, errlen);
		if (r < 0) {
			return -1;
		}
		*done = r > 0;
	}
	return 0;
}

int gate_dns_xfr(const gate_zone_t *z, uint16_t qtype, uint32_t base, gate_rr_fn fn, void *ctx,
                 char *err, size_t errlen)
{
	uint8_t *buf = malloc(KNOT_WIRE_MAX_PKTSIZE);
	tsig_state_t t = { .base = base };
	bool done = false;
	int auth = 0;
	int fd = buf == NULL ? -1 : tcp_connect(z);
	if (fd < 0 || send_query(z, fd, qtype, &t) != 0) {
		snprintf(err, errlen, "cannot %s %s: %s", fd < 0 ? "connect to" : "send the query to",
		         z->signer.text, strerror(errno));
		goto out;
	}
	uint64_t received = 0;
	uint64_t deadline = z->xfr_deadline_ms ? gate_now_ms() + z->xfr_deadline_ms : 0;
	while (!done) {
		size_t len = 0;
		gate_sd_watchdog(); /* a long transfer is progress: keep the watchdog fed */
		if (recv_msg(fd, buf, &len, deadline) != 0) {
			if (errno == ETIME) {
				snprintf(err, errlen, "transfer from %s still not done after "
				         "transfer-deadline (%llu ms): given up", z->signer.text,
				         (unsigned long long)z->xfr_deadline_ms);
				break;
			}
			snprintf(err, errlen, "connection to %s closed before the end%s%s",
			         z->signer.text, errno ? ": " : "", errno ? strerror(errno) : "");
			break;
		}
		received += len + 2;
		if (z->xfr_max_bytes != 0 && received > z->xfr_max_bytes) {
			snprintf(err, errlen, "transfer from %s passed max-transfer (%llu bytes): given "
			         "up", z->signer.text, (unsigned long long)z->xfr_max_bytes);
			break;
		}
		knot_pkt_t *pkt = knot_pkt_new(buf, (uint16_t)len, NULL);
		int rc = pkt == NULL ? -1 : check_response(z, pkt, &t, err, errlen);
		auth = rc == GATE_XFR_EAUTH ? rc : auth;
		if (rc == 0) {
			rc = records(pkt, fn, ctx, &done, err, errlen);
		}
		knot_pkt_free(pkt);
		if (rc != 0) {
			break;
		}
	}
out:
	if (fd >= 0) {
		close(fd);
	}
	free(buf);
	return done ? 0 : (auth != 0 ? auth : -1);
}

int gate_dns_axfr(const gate_zone_t *z, const char *path, uint32_t *serial, char *err,
                  size_t errlen)
{
	char tmp[GATE_PATH_MAX + 32];
	snprintf(tmp, sizeof(tmp), "%s.part", path);
	axfr_t x = { .out = fopen(tmp, "w"), .txtlen = 4096 };
	x.txt = malloc(x.txtlen);
	int rc = -1;
	if (x.out == NULL || x.txt == NULL) {
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
	} else {
		rc = gate_dns_xfr(z, KNOT_RRTYPE_AXFR, 0, axfr_rr, &x, err, errlen);
	}
	/* on disk before the rename: a candidate may be handed over after a crash */
	if (rc == 0 && (fflush(x.out) != 0 || fsync(fileno(x.out)) != 0)) {
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		rc = -1;
	}
	if (x.out != NULL && fclose(x.out) != 0) {
		rc = -1;
	}
	free(x.txt);
	if (rc == 0 && rename(tmp, path) != 0) {
		snprintf(err, errlen, "cannot rename %s: %s", tmp, strerror(errno));
		rc = -1;
	}
	if (rc != 0) {
		unlink(tmp);
	}
	*serial = x.serial;
	return rc;
}
