/* policy.h -- thresholds and severity overrides; plain struct filled by the caller. */
#pragma once

#include <stdint.h>
#include "verifier/finding.h"

#define ZG_SEV_DEFAULT (-1)

typedef struct {
	uint32_t expires_soon;       /*!< seconds; rrsig.expires-soon margin (default 7 days) */
	uint32_t clock_skew;         /*!< seconds allowed before inception (default 0) */
	double delta_max_removed;    /*!< zone.delta: fraction of delegations removed (0.02) */
	double delta_max_added;      /*!< zone.delta: fraction added (default 1.0) */
	unsigned max_examples;       /*!< findings kept per id in the report (default 10) */
	uint32_t propagation_delay;  /*!< seconds; rollover.* timing with a key history (1 h) */
	int8_t severity[ZG_F_COUNT]; /*!< ZG_SEV_DEFAULT or a zg_severity_t override */
} zg_policy_t;

/*! \brief The defaults of ../shared/CHECKS.md. */
ZG_API zg_policy_t zg_policy_default(void);
/*! \brief Effective severity of a finding emitted at `emitted` (default or override). */
ZG_API zg_severity_t zg_policy_severity(const zg_policy_t *p, zg_finding_id_t id,
                                        zg_severity_t emitted);
