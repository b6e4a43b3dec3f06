/* zg_error.h -- the one error list of zonegate: codes for "could not do the work" (exit 2). */
#pragma once

#define ZG_API __attribute__((visibility("default")))

/* 0 is OK, every other code is negative; hsm uses -40..-59, alerting -60..-79. */
#define ZG_ERRORS(X) \
	X(ZG_EOK, 0, "no error") \
	X(ZG_ENOMEM, -1, "out of memory") \
	X(ZG_EINVAL, -2, "invalid argument") \
	X(ZG_EMALF, -3, "malformed data") \
	X(ZG_EIO, -4, "input/output error") \
	X(ZG_EPARSE, -5, "zone file parse error") \
	X(ZG_EALGO, -6, "unsupported algorithm") \
	X(ZG_ETOOBIG, -7, "data exceeds a size limit") \
	X(ZG_ECRYPTO, -8, "cryptographic library failure") \
	X(ZG_ENOENT, -9, "not found") \
	X(ZG_EORIGIN, -10, "cannot determine the zone origin") \
	X(ZG_EKEY, -11, "malformed or unusable public key") \
	/* hsm block: -40..-59 */ \
	X(ZG_EHSMMOD, -40, "PKCS#11 module cannot be loaded or initialised") \
	X(ZG_EHSMTOKEN, -41, "PKCS#11 token not found") \
	X(ZG_EHSMPIN, -42, "HSM login failed") \
	X(ZG_EHSMLOCKED, -43, "HSM token or PIN locked") \
	X(ZG_EHSM, -44, "PKCS#11 call failed") \
	X(ZG_EHSMURI, -45, "invalid PKCS#11 URI or token specification") \
	X(ZG_EHSMSIGN, -46, "HSM sign probe failed") \
	/* alerting block: -60..-79 */ \
	X(ZG_EALERTCONF, -60, "invalid alert configuration") \
	X(ZG_EALERTSEND, -61, "alert delivery failed") \
	X(ZG_ESPOOL, -62, "alert spool error") \
	X(ZG_ESPOOLBUSY, -63, "alert spool entry is being delivered by another sender")

#define ZG_ERR_ENUM(name, code, msg) name = code,
typedef enum { ZG_ERRORS(ZG_ERR_ENUM) } zg_err_t;

/*! \brief Lowercase message for an error code. */
ZG_API const char *zg_strerror(zg_err_t err);
