/* yaml_util.c -- YAML document loading and duration values for the config parsers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gates/cli/yaml_util.h"

int cli_yaml_bad(const cli_yaml_ctx_t *c, const yaml_node_t *n, const char *fmt, ...)
{
	int w = snprintf(c->err, c->errlen, "%s:%zu: ", c->path, n ? n->start_mark.line + 1 : 1);
	va_list ap;
	va_start(ap, fmt);
	if (w > 0 && (size_t)w < c->errlen) {
		vsnprintf(c->err + w, c->errlen - (size_t)w, fmt, ap);
	}
	va_end(ap);
	return -1;
}

const char *cli_yaml_scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

int cli_yaml_load(const char *path, yaml_document_t *doc, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, errlen, "%s: cannot open", path);
		return -1;
	}
	yaml_parser_t parser;
	int rc = 0;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, doc)) {
		snprintf(err, errlen, "%s:%zu: %s", path, parser.problem_mark.line + 1,
		         parser.problem ? parser.problem : "YAML syntax error");
		rc = -1;
	}
	yaml_parser_delete(&parser);
	fclose(f);
	return rc;
}

int cli_parse_duration_ms(const char *s, uint64_t *out)
{
	static const struct {
		const char *unit;
		uint64_t ms;
	} UNITS[] = { { "ms", 1 }, { "", 1000 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 },
		      { "d", 86400000 } };
	char *end = NULL;
	if (s[0] < '0' || s[0] > '9') {
		return -1;
	}
	unsigned long long v = strtoull(s, &end, 10);
	for (size_t i = 0; i < sizeof(UNITS) / sizeof(UNITS[0]); i++) {
		if (strcmp(end, UNITS[i].unit) == 0 && v <= UINT64_MAX / UNITS[i].ms / 1000) {
			*out = v * UNITS[i].ms;
			return 0;
		}
	}
	return -1;
}
