/* gate_key.c -- TSIG keys from a knot `key:` section (as `keymgr -t NAME ALG` writes it) or from
 * a one-line "name algorithm secret" file. The secret never appears in a message. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "gates/xfr/gate_xfr.h"

typedef struct {
	char id[256], alg[64], secret[512];
} key_text_t;

static char *trim(char *s)
{
	while (isspace((unsigned char)*s) || *s == '-') {
		s++;
	}
	size_t n = strlen(s);
	while (n > 0 && (isspace((unsigned char)s[n - 1]) || s[n - 1] == '"')) {
		s[--n] = '\0';
	}
	if (s[0] == '"') {
		s++;
	}
	return s;
}

/* "id: x" style line of a knot key section; 1 if it matched */
static int knot_line(char *line, key_text_t *k)
{
	static const char *const NAMES[] = { "id:", "algorithm:", "secret:" };
	char *dst[] = { k->id, k->alg, k->secret };
	size_t size[] = { sizeof(k->id), sizeof(k->alg), sizeof(k->secret) };
	char *s = trim(line);
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(NAMES[i]);
		if (strncmp(s, NAMES[i], n) == 0) {
			snprintf(dst[i], size[i], "%s", trim(s + n));
			return 1;
		}
	}
	return 0;
}

static int read_key_text(FILE *f, key_text_t *k)
{
	char line[1024];
	bool section = false;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *s = trim(line);
		if (s[0] == '#' || s[0] == '\0') {
			continue;
		}
		if (strncmp(s, "key:", 4) == 0) {
			section = true;
			continue;
		}
		if (section) {
			knot_line(s, k);
			continue;
		}
		if (sscanf(s, "%255s %63s %511s", k->id, k->alg, k->secret) == 3) {
			return 0;
		}
		return -1;
	}
	return k->id[0] && k->alg[0] && k->secret[0] ? 0 : -1;
}

int gate_key_load(const char *path, knot_tsig_key_t *key, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, errlen, "%s: cannot open the TSIG key file", path);
		return -1;
	}
	key_text_t k = { 0 };
	int rc = read_key_text(f, &k);
	fclose(f);
	if (rc != 0) {
		snprintf(err, errlen, "%s: not a TSIG key (knot key: section or 'name alg secret')",
		         path);
		return -1;
	}
	int kr = knot_tsig_key_init(key, k.alg, k.id, k.secret);
	memset(k.secret, 0, sizeof(k.secret));
	if (kr != KNOT_EOK) {
		snprintf(err, errlen, "%s: TSIG key '%s' (%s): %s", path, k.id, k.alg,
		         knot_strerror(kr));
		return -1;
	}
	return 0;
}
