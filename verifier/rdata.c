/* rdata.c -- canonical RDATA (RFC 4034 6.2 as updated by RFC 6840 5.1). */
#include <stdbool.h>
#include <libknot/descriptor.h>
#include "verifier/name.h"
#include "verifier/rdata.h"

/* RFC 4034 6.2 list: types whose embedded names are lowercased for canonical form. NSEC is
 * excluded by RFC 6840 5.1; A6 is obsolete and not supported by the descriptor table. */
static bool lowercase_type(uint16_t type)
{
	switch (type) {
	case KNOT_RRTYPE_NS: case 3: case 4: case KNOT_RRTYPE_CNAME: case KNOT_RRTYPE_SOA:
	case 7: case 8: case 9: case KNOT_RRTYPE_PTR: case KNOT_RRTYPE_MINFO: case KNOT_RRTYPE_MX:
	case KNOT_RRTYPE_RP: case KNOT_RRTYPE_AFSDB: case KNOT_RRTYPE_RT: case 24: case 26:
	case 30: case KNOT_RRTYPE_NAPTR: case KNOT_RRTYPE_KX: case KNOT_RRTYPE_SRV:
	case KNOT_RRTYPE_DNAME: case KNOT_RRTYPE_RRSIG:
		return true;
	default:
		return false;
	}
}

/* NAPTR header: order, preference, then flags, services, regexp character-strings. */
static int naptr_header_len(const uint8_t *p, uint16_t left)
{
	uint16_t pos = 4;
	for (int i = 0; i < 3; i++) {
		if (pos >= left || pos + 1u + p[pos] > left) {
			return -1;
		}
		pos = (uint16_t)(pos + 1 + p[pos]);
	}
	return pos;
}

zg_err_t zg_rdata_canonicalize(uint16_t type, uint8_t *rdata, uint16_t len)
{
	if (rdata == NULL && len > 0) {
		return ZG_EINVAL;
	}
	const knot_rdata_descriptor_t *d = knot_get_rdata_descriptor(type);
	bool lower = lowercase_type(type);
	uint16_t pos = 0;
	for (int i = 0; d->block_types[i] != KNOT_RDATA_WF_END; i++) {
		int b = d->block_types[i];
		if (b > 0) {
			if (pos + (unsigned)b > len) {
				return ZG_EMALF;
			}
			pos = (uint16_t)(pos + b);
		} else if (b == KNOT_RDATA_WF_REMAINDER) {
			pos = len;
		} else if (b == KNOT_RDATA_WF_NAPTR_HEADER) {
			int h = naptr_header_len(rdata + pos, (uint16_t)(len - pos));
			if (h < 0) {
				return ZG_EMALF;
			}
			pos = (uint16_t)(pos + h);
		} else {
			size_t n = zg_dname_len(rdata + pos, (size_t)(len - pos));
			if (n == 0) {
				return ZG_EMALF;
			}
			if (lower) {
				zg_dname_lower(rdata + pos);
			}
			pos = (uint16_t)(pos + n);
		}
	}
	return pos == len ? ZG_EOK : ZG_EMALF;
}
