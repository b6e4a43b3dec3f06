/* rrsig.c -- RRSIG parsing and signed data (RFC 4034 3.1.8.1). */
#include <stdlib.h>
#include <string.h>
#include <libknot/wire.h>
#include "verifier/name.h"
#include "verifier/rrsig.h"

#define RRSIG_FIXED 18

void zg_dynbuf_init(zg_dynbuf_t *b, size_t max)
{
	*b = (zg_dynbuf_t){ .max = max };
}

void zg_dynbuf_deinit(zg_dynbuf_t *b)
{
	free(b->data);
	*b = (zg_dynbuf_t){ 0 };
}

zg_err_t zg_dynbuf_add(zg_dynbuf_t *b, const void *data, size_t len)
{
	if (len > b->max || b->len > b->max - len) {
		return ZG_ETOOBIG;
	}
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 512;
		while (cap < b->len + len) {
			cap *= 2;
		}
		cap = cap > b->max ? b->max : cap;
		uint8_t *p = realloc(b->data, cap);
		if (p == NULL) {
			return ZG_ENOMEM;
		}
		b->data = p;
		b->cap = cap;
	}
	if (len > 0) {
		memcpy(b->data + b->len, data, len);
	}
	b->len += len;
	return ZG_EOK;
}

zg_err_t zg_rrsig_parse(const uint8_t *rdata, size_t len, zg_rrsig_t *out)
{
	if (rdata == NULL || out == NULL) {
		return ZG_EINVAL;
	}
	if (len < RRSIG_FIXED + 1) {
		return ZG_EMALF;
	}
	size_t slen = zg_dname_len(rdata + RRSIG_FIXED, len - RRSIG_FIXED);
	if (slen == 0) {
		return ZG_EMALF;
	}
	*out = (zg_rrsig_t){
		.covered = knot_wire_read_u16(rdata),
		.algorithm = rdata[2],
		.labels = rdata[3],
		.original_ttl = knot_wire_read_u32(rdata + 4),
		.expiration = knot_wire_read_u32(rdata + 8),
		.inception = knot_wire_read_u32(rdata + 12),
		.keytag = knot_wire_read_u16(rdata + 16),
		.signer = rdata + RRSIG_FIXED,
		.signature = rdata + RRSIG_FIXED + slen,
		.siglen = len - RRSIG_FIXED - slen,
		.rdata = rdata,
		.prefix_len = RRSIG_FIXED + slen,
	};
	return ZG_EOK;
}

/* Owner as signed: the name itself, or "*." + its last `labels` labels (wildcard expansion). */
static size_t signed_owner(const uint8_t *owner, uint8_t labels, uint8_t *out)
{
	unsigned have = zg_dname_labels(owner);
	if (labels >= have) {
		size_t n = zg_dname_len(owner, ZG_DNAME_MAXLEN);
		memcpy(out, owner, n);
		return n;
	}
	const uint8_t *tail = zg_dname_skip(owner, have - labels);
	size_t n = zg_dname_len(tail, ZG_DNAME_MAXLEN);
	if (n + 2 > ZG_DNAME_MAXLEN) {
		return 0;
	}
	out[0] = 1;
	out[1] = '*';
	memcpy(out + 2, tail, n);
	return n + 2;
}

zg_err_t zg_rrsig_signed_data(const zg_rrsig_t *sig, const uint8_t *owner, uint16_t type,
                              const zg_rdata_ref_t *rrs, size_t n, zg_dynbuf_t *out)
{
	if (sig == NULL || owner == NULL || out == NULL || (rrs == NULL && n > 0)) {
		return ZG_EINVAL;
	}
	uint8_t name[ZG_DNAME_MAXLEN + 2];
	size_t nlen = signed_owner(owner, sig->labels, name);
	if (nlen == 0) {
		return ZG_EMALF;
	}
	out->len = 0;
	zg_err_t ret = zg_dynbuf_add(out, sig->rdata, sig->prefix_len);
	uint8_t fixed[10];
	knot_wire_write_u16(fixed, type);
	knot_wire_write_u16(fixed + 2, 1); /* class IN */
	knot_wire_write_u32(fixed + 4, sig->original_ttl);
	for (size_t i = 0; i < n && ret == ZG_EOK; i++) {
		knot_wire_write_u16(fixed + 8, rrs[i].rdlen);
		ret = zg_dynbuf_add(out, name, nlen);
		if (ret == ZG_EOK) {
			ret = zg_dynbuf_add(out, fixed, sizeof(fixed));
		}
		if (ret == ZG_EOK) {
			ret = zg_dynbuf_add(out, rrs[i].rdata, rrs[i].rdlen);
		}
	}
	return ret;
}
