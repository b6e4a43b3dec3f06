/* name.c -- wire-format domain name helpers. */
#include <string.h>
#include <libknot/dname.h>
#include "verifier/name.h"

size_t zg_dname_len(const uint8_t *name, size_t max)
{
	size_t pos = 0;
	while (pos < max) {
		uint8_t l = name[pos];
		if (l == 0) {
			return pos + 1 <= ZG_DNAME_MAXLEN ? pos + 1 : 0;
		}
		if (l > 63) {
			return 0;
		}
		pos += 1u + l;
	}
	return 0;
}

unsigned zg_dname_labels(const uint8_t *name)
{
	unsigned n = 0;
	while (*name != 0) {
		n++;
		name += 1u + *name;
	}
	return n;
}

void zg_dname_lower(uint8_t *name)
{
	while (*name != 0) {
		uint8_t l = *name++;
		for (uint8_t i = 0; i < l; i++) {
			if (name[i] >= 'A' && name[i] <= 'Z') {
				name[i] = (uint8_t)(name[i] + ('a' - 'A'));
			}
		}
		name += l;
	}
}

/* Offsets of the labels, first to last; returns the count. */
static unsigned label_offsets(const uint8_t *name, uint8_t off[128])
{
	unsigned n = 0;
	uint8_t pos = 0;
	while (name[pos] != 0 && n < 128) {
		off[n++] = pos;
		pos = (uint8_t)(pos + 1 + name[pos]);
	}
	return n;
}

bool zg_dname_equal(const uint8_t *a, const uint8_t *b)
{
	if (a == b) {
		return true; /* versions made by a diff share their unchanged owners */
	}
	/* label by label: two different owners usually differ in their first label's bytes */
	for (size_t pos = 0; pos < ZG_DNAME_MAXLEN;) {
		uint8_t l = a[pos];
		if (l != b[pos] || l > 63) {
			return false;
		}
		if (l == 0) {
			return true;
		}
		if (memcmp(a + pos + 1, b + pos + 1, l) != 0) {
			return false;
		}
		pos += 1u + l;
	}
	return false;
}

/* Two labels as left-justified octet strings (labels are short: no call to memcmp). */
static int label_cmp(const uint8_t *la, const uint8_t *lb)
{
	uint8_t min = la[0] < lb[0] ? la[0] : lb[0];
	if (min > 8) { /* hashed owners: 32 bytes */
		int c = memcmp(la + 1, lb + 1, min);
		return c != 0 ? c : (la[0] > lb[0]) - (la[0] < lb[0]);
	}
	for (unsigned i = 1; i <= min; i++) {
		if (la[i] != lb[i]) {
			return la[i] < lb[i] ? -1 : 1;
		}
	}
	return (la[0] > lb[0]) - (la[0] < lb[0]);
}

int zg_dname_cmp(const uint8_t *a, const uint8_t *b)
{
	if (a == b) {
		return 0;
	}
	uint8_t oa[128], ob[128];
	unsigned na = label_offsets(a, oa);
	unsigned nb = label_offsets(b, ob);
	while (na > 0 && nb > 0) {
		int c = label_cmp(a + oa[--na], b + ob[--nb]);
		if (c != 0) {
			return c;
		}
	}
	return (na > 0) - (nb > 0);
}

size_t zg_dname_sort_key(const uint8_t *name, uint8_t out[ZG_DNAME_KEYLEN])
{
	uint8_t off[128];
	unsigned n = label_offsets(name, off);
	size_t len = 0;
	while (n > 0) {
		const uint8_t *l = name + off[--n];
		for (uint8_t i = 1; i <= l[0]; i++) {
			if (l[i] <= 1) {
				out[len++] = 0x01;
			}
			out[len++] = l[i];
		}
		out[len++] = 0x00;
	}
	return len;
}

void zg_dname_key_prefix(const uint8_t *name, uint64_t out[2])
{
	uint8_t off[128];
	unsigned n = label_offsets(name, off), len = 0;
	out[0] = out[1] = 0;
	/* the bytes zg_dname_sort_key() writes first, each shifted into its place */
#define PUT(b) (out[len / 8] |= (uint64_t)(b) << (56 - 8 * (len % 8)), len++)
	while (n > 0 && len < 16) {
		const uint8_t *l = name + off[--n];
		for (uint8_t i = 1; i <= l[0] && len < 16; i++) {
			if (l[i] <= 1) {
				PUT(0x01);
			}
			if (len < 16) {
				PUT(l[i]);
			}
		}
		if (len < 16) {
			PUT(0x00);
		}
	}
#undef PUT
}

bool zg_dname_under_len(const uint8_t *name, size_t len, const uint8_t *parent, size_t plen)
{
	while (len > plen) { /* the same bytes at the end, from a label boundary on */
		len -= 1u + *name;
		name += 1u + *name;
	}
	return len == plen && memcmp(name, parent, plen) == 0;
}

bool zg_dname_under(const uint8_t *name, const uint8_t *parent)
{
	size_t bn = zg_dname_len(name, ZG_DNAME_MAXLEN), bp = zg_dname_len(parent, ZG_DNAME_MAXLEN);
	if (bn > 0 && bp > 0) {
		return zg_dname_under_len(name, bn, parent, bp);
	}
	unsigned ln = zg_dname_labels(name);
	unsigned lp = zg_dname_labels(parent);
	if (ln < lp) {
		return false;
	}
	const uint8_t *tail = zg_dname_skip(name, ln - lp);
	return zg_dname_cmp(tail, parent) == 0;
}

bool zg_dname_is_wildcard(const uint8_t *name)
{
	return name[0] == 1 && name[1] == '*';
}

const uint8_t *zg_dname_skip(const uint8_t *name, unsigned n)
{
	while (n-- > 0 && *name != 0) {
		name += 1u + *name;
	}
	return name;
}

const char *zg_dname_str(const uint8_t *name, char *buf, size_t size)
{
	if (size < 2) {
		return "?";
	}
	if (knot_dname_to_str(buf, name, size) == NULL) {
		buf[0] = '?';
		buf[1] = '\0';
	}
	return buf;
}
