/* finding.c -- tables behind the finding ids. */
#include <string.h>
#include "verifier/finding.h"

#define ROW(name, id, sev, title) { id, sev, title },
static const struct {
	const char *id;
	zg_severity_t sev;
	const char *title;
} TABLE[ZG_F_COUNT] = { ZG_FINDINGS(ROW) };

const char *zg_finding_name(zg_finding_id_t f)
{
	return (unsigned)f < ZG_F_COUNT ? TABLE[f].id : "unknown";
}

zg_severity_t zg_finding_default_severity(zg_finding_id_t f)
{
	return (unsigned)f < ZG_F_COUNT ? TABLE[f].sev : ZG_SEV_ERROR;
}

const char *zg_finding_title(zg_finding_id_t f)
{
	return (unsigned)f < ZG_F_COUNT ? TABLE[f].title : "unknown";
}

zg_err_t zg_finding_lookup(const char *name, zg_finding_id_t *out)
{
	if (name == NULL || out == NULL) {
		return ZG_EINVAL;
	}
	for (unsigned i = 0; i < ZG_F_COUNT; i++) {
		if (strcmp(TABLE[i].id, name) == 0) {
			*out = (zg_finding_id_t)i;
			return ZG_EOK;
		}
	}
	return ZG_ENOENT;
}

const char *zg_severity_name(zg_severity_t sev)
{
	switch (sev) {
	case ZG_SEV_NOTICE: return "notice";
	case ZG_SEV_WARNING: return "warning";
	case ZG_SEV_ERROR: return "error";
	}
	return "error";
}
