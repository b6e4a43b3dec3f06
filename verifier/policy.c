/* policy.c -- policy defaults and severity mapping. */
#include "verifier/policy.h"

zg_policy_t zg_policy_default(void)
{
	zg_policy_t p = {
		.expires_soon = 7 * 86400,
		.clock_skew = 0,
		.delta_max_removed = 0.02,
		.delta_max_added = 1.0,
		.max_examples = 10,
		.propagation_delay = 3600,
	};
	for (unsigned i = 0; i < ZG_F_COUNT; i++) {
		p.severity[i] = ZG_SEV_DEFAULT;
	}
	return p;
}

zg_severity_t zg_policy_severity(const zg_policy_t *p, zg_finding_id_t id, zg_severity_t emitted)
{
	if (p == NULL || (unsigned)id >= ZG_F_COUNT || p->severity[id] == ZG_SEV_DEFAULT) {
		return emitted;
	}
	return (zg_severity_t)p->severity[id];
}
