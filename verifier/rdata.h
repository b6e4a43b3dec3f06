/* rdata.h -- RDATA structure walk: canonical form (RFC 4034 6.2, RFC 6840 5.1) and validation. */
#pragma once

#include <stdint.h>
#include "verifier/zg_error.h"

/*!
 * \brief Check RDATA against the type's layout and lowercase embedded names where RFC 4034 6.2
 *        asks for it (not for NSEC, RFC 6840 5.1), in place.
 * \retval ZG_EOK   done
 * \retval ZG_EMALF the RDATA does not fit the type's layout
 */
zg_err_t zg_rdata_canonicalize(uint16_t type, uint8_t *rdata, uint16_t len);
