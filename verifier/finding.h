/* finding.h -- finding ids (the contract of verifier/FINDINGS.md), severities and the sink. */
#pragma once

#include <stdint.h>
#include <stddef.h>
#include "verifier/zg_error.h"

typedef enum {
	ZG_SEV_NOTICE = 0,
	ZG_SEV_WARNING = 1,
	ZG_SEV_ERROR = 2,
} zg_severity_t;

/* id, stable string, default severity, short title. Keep in sync with verifier/FINDINGS.md. */
#define ZG_FINDINGS(X) \
	X(ZG_F_ZONE_PARSE, "zone.parse", ZG_SEV_ERROR, "zone file does not parse") \
	X(ZG_F_ZONE_ORIGIN, "zone.origin", ZG_SEV_ERROR, "apex SOA/NS wrong or origin mismatch") \
	X(ZG_F_ZONE_OUT_OF_ZONE, "zone.out-of-zone", ZG_SEV_ERROR, "record outside the zone") \
	X(ZG_F_ZONE_TTL_MISMATCH, "zone.ttl-mismatch", ZG_SEV_ERROR, "TTLs differ within an RRset") \
	X(ZG_F_ZONE_SERIAL, "zone.serial", ZG_SEV_ERROR, "SOA serial did not increase") \
	X(ZG_F_ZONE_DELTA, "zone.delta", ZG_SEV_ERROR, "too many delegations changed") \
	X(ZG_F_ZONE_OCCLUDED, "zone.occluded", ZG_SEV_WARNING, "data at or below a zone cut") \
	X(ZG_F_ZONE_CONTENT_CHANGED, "zone.content-changed", ZG_SEV_ERROR, \
	  "signed zone data differs from the unsigned input") \
	X(ZG_F_ZONE_CNAME, "zone.cname", ZG_SEV_ERROR, "CNAME beside other data, or several") \
	X(ZG_F_ZONEMD_MISMATCH, "zonemd.mismatch", ZG_SEV_ERROR, "ZONEMD digest does not match") \
	X(ZG_F_ZONEMD_SERIAL, "zonemd.serial", ZG_SEV_ERROR, "ZONEMD serial differs from SOA") \
	X(ZG_F_ZONEMD_UNSUPPORTED, "zonemd.unsupported", ZG_SEV_WARNING, \
	  "no ZONEMD with a supported scheme and hash") \
	X(ZG_F_DNSKEY_MISSING, "dnskey.missing", ZG_SEV_ERROR, "no usable apex zone key") \
	X(ZG_F_DNSKEY_ALGORITHM, "dnskey.algorithm", ZG_SEV_ERROR, \
	  "unsupported, deprecated or weak key algorithm") \
	X(ZG_F_DNSKEY_MALFORMED, "dnskey.malformed", ZG_SEV_ERROR, \
	  "a zone key that OpenSSL cannot use") \
	X(ZG_F_DNSKEY_TAG_COLLISION, "dnskey.tag-collision", ZG_SEV_WARNING, \
	  "published keys share algorithm and key tag") \
	X(ZG_F_DNSKEY_REVOKED_SIGNER, "dnskey.revoked-signer", ZG_SEV_ERROR, \
	  "a revoked key signs data other than DNSKEY") \
	X(ZG_F_DS_ABSENT, "ds.absent", ZG_SEV_NOTICE, "no parent DS given: DNSKEY set taken as given") \
	X(ZG_F_DS_NO_MATCH, "ds.no-match", ZG_SEV_ERROR, "no parent DS matches a DNSKEY") \
	X(ZG_F_DS_UNMATCHED, "ds.unmatched", ZG_SEV_WARNING, "a parent DS matches no DNSKEY") \
	X(ZG_F_DS_DIGEST_SHA1, "ds.digest-sha1", ZG_SEV_WARNING, "DS matched only with SHA-1") \
	X(ZG_F_DS_NO_VALID_SIG, "ds.no-valid-sig", ZG_SEV_ERROR, \
	  "no DS-matched key validly signs the DNSKEY RRset") \
	X(ZG_F_CDS_MISMATCH, "cds.mismatch", ZG_SEV_ERROR, "CDS/CDNSKEY disagree with DNSKEY") \
	X(ZG_F_RRSIG_BOGUS, "rrsig.bogus", ZG_SEV_ERROR, "signature does not verify") \
	X(ZG_F_RRSIG_NO_KEY, "rrsig.no-key", ZG_SEV_ERROR, "no published key for the signature") \
	X(ZG_F_RRSIG_MISSING, "rrsig.missing", ZG_SEV_ERROR, "authoritative RRset is not signed") \
	X(ZG_F_RRSIG_ALGORITHM_MISSING, "rrsig.algorithm-missing", ZG_SEV_ERROR, \
	  "RRset not signed with every DNSKEY algorithm") \
	X(ZG_F_RRSIG_EXPIRED, "rrsig.expired", ZG_SEV_ERROR, "signature expired") \
	X(ZG_F_RRSIG_NOT_YET_VALID, "rrsig.not-yet-valid", ZG_SEV_ERROR, "signature not yet valid") \
	X(ZG_F_RRSIG_EXPIRES_SOON, "rrsig.expires-soon", ZG_SEV_WARNING, "signature expires soon") \
	X(ZG_F_RRSIG_SIGNER, "rrsig.signer", ZG_SEV_ERROR, "signer name is not the apex") \
	X(ZG_F_RRSIG_LABELS, "rrsig.labels", ZG_SEV_ERROR, "labels field does not match owner") \
	X(ZG_F_RRSIG_ORIGINAL_TTL, "rrsig.original-ttl", ZG_SEV_ERROR, \
	  "original TTL differs from the RRset TTL") \
	X(ZG_F_RRSIG_TTL, "rrsig.ttl", ZG_SEV_ERROR, "RRSIG TTL differs from the RRset TTL") \
	X(ZG_F_RRSIG_UNEXPECTED, "rrsig.unexpected", ZG_SEV_ERROR, \
	  "signature over non-authoritative or absent data") \
	X(ZG_F_NSEC_MISSING, "nsec.missing", ZG_SEV_ERROR, "authoritative name without NSEC") \
	X(ZG_F_NSEC_CHAIN, "nsec.chain", ZG_SEV_ERROR, "NSEC chain broken") \
	X(ZG_F_NSEC_BITMAP, "nsec.bitmap", ZG_SEV_ERROR, "NSEC type bitmap wrong") \
	X(ZG_F_NSEC_MIXED, "nsec.mixed", ZG_SEV_ERROR, "both NSEC and NSEC3 in one zone") \
	X(ZG_F_NSEC3_PARAM, "nsec3.param", ZG_SEV_ERROR, "NSEC3PARAM missing or inconsistent") \
	X(ZG_F_NSEC3_ITERATIONS, "nsec3.iterations", ZG_SEV_WARNING, \
	  "NSEC3 iterations or salt against RFC 9276") \
	X(ZG_F_NSEC3_MISSING, "nsec3.missing", ZG_SEV_ERROR, "name or ENT without NSEC3") \
	X(ZG_F_NSEC3_CHAIN, "nsec3.chain", ZG_SEV_ERROR, "NSEC3 chain broken") \
	X(ZG_F_NSEC3_BITMAP, "nsec3.bitmap", ZG_SEV_ERROR, "NSEC3 type bitmap wrong") \
	X(ZG_F_NSEC3_ORPHAN, "nsec3.orphan", ZG_SEV_ERROR, "NSEC3 for no name of the zone") \
	X(ZG_F_NSEC3_UNSIGNED, "nsec3.unsigned", ZG_SEV_ERROR, "NSEC/NSEC3 without a valid RRSIG") \
	X(ZG_F_NSEC3_MALFORMED, "nsec3.malformed", ZG_SEV_ERROR, \
	  "NSEC3 owner is not a hash label under the apex") \
	X(ZG_F_ROLLOVER_UNPUBLISHED_SIGNER, "rollover.unpublished-signer", ZG_SEV_ERROR, \
	  "data signed only by keys the previous version did not publish") \
	X(ZG_F_ROLLOVER_REMOVED_TOO_EARLY, "rollover.removed-too-early", ZG_SEV_ERROR, \
	  "a key removed while its signatures can still be cached") \
	X(ZG_F_ROLLOVER_DS_ORPHANED, "rollover.ds-orphaned", ZG_SEV_ERROR, \
	  "the parent DS points only at keys no longer published") \
	X(ZG_F_CRYPTO_DISAGREEMENT, "crypto.disagreement", ZG_SEV_ERROR, \
	  "OpenSSL and libdnssec disagree on a signature") \
	/* hsm block (zonegate hsm audit, hsm/audit.c) */ \
	X(ZG_F_HSM_TAG_COLLISION, "hsm.tag-collision", ZG_SEV_ERROR, \
	  "key pairs in one token share algorithm and key tag") \
	X(ZG_F_HSM_UNPUBLISHED_KEY, "hsm.unpublished-key", ZG_SEV_ERROR, \
	  "a key pair the signer may use has no DNSKEY in the zone") \
	X(ZG_F_HSM_MISSING_PRIVATE, "hsm.missing-private", ZG_SEV_WARNING, \
	  "a published zone key has no private key in the tokens") \
	X(ZG_F_HSM_PROBE_MISMATCH, "hsm.probe-mismatch", ZG_SEV_ERROR, \
	  "a token's signature does not verify with the published DNSKEY of its tag") \
	X(ZG_F_HSM_CROSS_TOKEN_MISMATCH, "hsm.cross-token-mismatch", ZG_SEV_ERROR, \
	  "tokens hold different public keys for one algorithm, key tag and role")

#define ZG_F_ENUM(name, id, sev, title) name,
typedef enum { ZG_FINDINGS(ZG_F_ENUM) ZG_F_COUNT } zg_finding_id_t;

/*! One finding, borrowed by the sink for the duration of the callback. */
typedef struct {
	zg_finding_id_t id;
	zg_severity_t severity;     /*!< effective severity (policy applied) */
	const char *owner;          /*!< presentation owner name, or NULL */
	uint16_t rrtype;            /*!< RR type concerned (covered type for RRSIGs), 0 if none */
	uint16_t keytag;            /*!< key tag, if has_key */
	uint8_t algorithm;          /*!< DNSSEC algorithm, if has_key */
	uint8_t has_key;
	const char *reason;         /*!< one line, lowercase */
} zg_finding_t;

typedef struct zg_sink zg_sink_t;
struct zg_sink {
	void (*finding)(zg_sink_t *sink, const zg_finding_t *f);
	/* signatures checked so far of the zone's total, after each batch (from the checking
	 * threads, one call at a time); may be NULL */
	void (*progress)(zg_sink_t *sink, uint64_t done, uint64_t total);
};

/*! \brief Stable id string ("rrsig.bogus"). */
ZG_API const char *zg_finding_name(zg_finding_id_t f);
/*! \brief Default severity from the catalogue. */
ZG_API zg_severity_t zg_finding_default_severity(zg_finding_id_t f);
/*! \brief Short title. */
ZG_API const char *zg_finding_title(zg_finding_id_t f);
/*! \brief Look up an id string; ZG_ENOENT when unknown. */
ZG_API zg_err_t zg_finding_lookup(const char *name, zg_finding_id_t *out);
/*! \brief "notice", "warning" or "error". */
ZG_API const char *zg_severity_name(zg_severity_t sev);
