/* p11tool.c -- test tool for the hsm tests: makes the key pairs a test needs in a SoftHSM token
 * (raw PKCS#11). Every command prints one line per key it kept: CKA_ID_HEX TAG256 ALG KEY_B64
 * (KEY_B64: the DNSKEY public key field).
 *   zg-p11tool MODULE TOKEN PINFILE gen ec256|ec384|rsa2048|ed25519 LABEL
 *   zg-p11tool MODULE TOKEN PINFILE collide WAYS PREFIX     WAYS P-256 pairs with one key tag
 *   zg-p11tool MODULE TOKEN PINFILE cross TOKEN2 PREFIX     a pair in each token, same key tag
 *   zg-p11tool MODULE TOKEN PINFILE mispair LABEL           public key of A, private key of B,
 *                                                           both with A's CKA_ID (prints A)
 *   zg-p11tool MODULE TOKEN PINFILE pubonly LABEL           only the public object of a pair
 *   zg-p11tool MODULE TOKEN PINFILE rsatag TAG LABEL        RSA-2048 pair (made by OpenSSL,
 *                                                           imported) with key tag TAG, alg 8
 * Searches run on session objects (nothing written); the winners are copied to the token. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <p11-kit/pkcs11.h>
#include "hsm/tests/p11tool.h"
#include "verifier/crypto.h"

static const uint8_t P256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
static const uint8_t P384[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22 };
static const uint8_t ED25519[] = { 0x06, 0x03, 0x2b, 0x65, 0x70 };

CK_FUNCTION_LIST *F;

void die(const char *what, CK_RV rv)
{
	fprintf(stderr, "zg-p11tool: %s: 0x%lx\n", what, (unsigned long)rv);
	exit(2);
}

static void check(const char *what, CK_RV rv)
{
	if (rv != CKR_OK) {
		die(what, rv);
	}
}

static CK_SLOT_ID find_slot(const char *label)
{
	CK_SLOT_ID slots[64];
	CK_ULONG n = 64;
	char want[32];
	memset(want, ' ', sizeof(want));
	memcpy(want, label, strlen(label) < 32 ? strlen(label) : 32);
	check("C_GetSlotList", F->C_GetSlotList(CK_TRUE, slots, &n));
	for (CK_ULONG i = 0; i < n; i++) {
		CK_TOKEN_INFO ti;
		if (F->C_GetTokenInfo(slots[i], &ti) == CKR_OK && memcmp(ti.label, want, 32) == 0) {
			return slots[i];
		}
	}
	die("token not found", 0);
	return 0;
}

CK_SESSION_HANDLE open_token(const char *label, const char *pinfile)
{
	char pin[256] = "";
	FILE *f = fopen(pinfile, "r");
	if (f == NULL || fgets(pin, sizeof(pin), f) == NULL) {
		die("cannot read the PIN file", 0);
	}
	fclose(f);
	pin[strcspn(pin, "\r\n")] = '\0';
	CK_SESSION_HANDLE s;
	check("C_OpenSession", F->C_OpenSession(find_slot(label), CKF_SERIAL_SESSION | CKF_RW_SESSION,
	                                        NULL, NULL, &s));
	CK_RV rv = F->C_Login(s, CKU_USER, (CK_UTF8CHAR *)pin, strlen(pin));
	if (rv != CKR_USER_ALREADY_LOGGED_IN) {
		check("C_Login", rv);
	}
	return s;
}

static void load_module(const char *path)
{
	void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	CK_C_GetFunctionList get = NULL;
	if (dl == NULL) {
		die(dlerror(), 0);
	}
	*(void **)&get = dlsym(dl, "C_GetFunctionList");
	if (get == NULL) {
		die("no C_GetFunctionList", 0);
	}
	check("C_GetFunctionList", get(&F));
	CK_C_INITIALIZE_ARGS args = { .flags = CKF_OS_LOCKING_OK };
	check("C_Initialize", F->C_Initialize(&args));
}

/* A key pair; session objects unless token (then labelled). */
void gen_pair(CK_SESSION_HANDLE s, tkey_t *k, const char *type, bool token, const char *label)
{
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE, tok = token ? CK_TRUE : CK_FALSE;
	CK_ULONG bits = 2048;
	uint8_t e[] = { 1, 0, 1 };
	bool rsa = strcmp(type, "rsa2048") == 0, ed = strcmp(type, "ed25519") == 0;
	const uint8_t *par = strcmp(type, "ec384") == 0 ? P384 : ed ? ED25519 : P256;
	size_t parlen = par == P384 ? sizeof(P384) : par == ED25519 ? sizeof(ED25519) : sizeof(P256);
	CK_MECHANISM mech = { rsa ? CKM_RSA_PKCS_KEY_PAIR_GEN
	                          : ed ? CKM_EC_EDWARDS_KEY_PAIR_GEN : CKM_EC_KEY_PAIR_GEN, NULL, 0 };
	if (RAND_bytes(k->id, sizeof(k->id)) != 1) {
		die("RAND_bytes", 0);
	}
	k->type = type;
	CK_ATTRIBUTE pub[] = {
		{ CKA_TOKEN, &tok, 1 }, { CKA_VERIFY, &yes, 1 }, { CKA_ID, k->id, sizeof(k->id) },
		{ CKA_LABEL, (void *)label, strlen(label) },
		{ rsa ? CKA_MODULUS_BITS : CKA_EC_PARAMS, rsa ? (void *)&bits : (void *)par,
		  rsa ? sizeof(bits) : parlen },
		{ CKA_PUBLIC_EXPONENT, e, sizeof(e) },
	};
	CK_ATTRIBUTE priv[] = {
		{ CKA_TOKEN, &tok, 1 }, { CKA_PRIVATE, &yes, 1 }, { CKA_SENSITIVE, &yes, 1 },
		{ CKA_EXTRACTABLE, &no, 1 }, { CKA_SIGN, &yes, 1 }, { CKA_ID, k->id, sizeof(k->id) },
		{ CKA_LABEL, (void *)label, strlen(label) },
	};
	check("C_GenerateKeyPair", F->C_GenerateKeyPair(s, &mech, pub, rsa ? 6 : 5, priv, 7,
	                                                &k->pub, &k->priv));
	read_public(s, k);
}

/* CKA_EC_POINT (DER OCTET STRING) or modulus/exponent -> DNSKEY key field, tag as flags 256. */
void read_public(CK_SESSION_HANDLE s, tkey_t *k)
{
	uint8_t a[600], b[8];
	bool rsa = strcmp(k->type, "rsa2048") == 0, ed = strcmp(k->type, "ed25519") == 0;
	CK_ATTRIBUTE at[] = { { rsa ? CKA_MODULUS : CKA_EC_POINT, a, sizeof(a) },
		              { CKA_PUBLIC_EXPONENT, b, sizeof(b) } };
	check("C_GetAttributeValue", F->C_GetAttributeValue(s, k->pub, at, rsa ? 2 : 1));
	if (rsa) {
		k->key[0] = (uint8_t)at[1].ulValueLen;
		memcpy(k->key + 1, b, at[1].ulValueLen);
		memcpy(k->key + 1 + at[1].ulValueLen, a, at[0].ulValueLen);
		k->keylen = 1 + at[1].ulValueLen + at[0].ulValueLen;
		k->alg = 8;
	} else {
		size_t skip = ed ? 2 : 3; /* OCTET STRING header, and 04 before X||Y */
		k->keylen = at[0].ulValueLen - skip;
		memcpy(k->key, a + skip, k->keylen);
		k->alg = ed ? 15 : strcmp(k->type, "ec384") == 0 ? 14 : 13;
	}
	k->tag = key_tag(k->alg, k->key, k->keylen);
}

uint16_t key_tag(uint8_t alg, const uint8_t *key, size_t len)
{
	uint8_t rdata[4 + 600] = { 1, 0, 3, alg };
	uint16_t tag = 0;
	memcpy(rdata + 4, key, len);
	(void)zg_keytag(rdata, 4 + len, &tag);
	return tag;
}

void copy_to_token(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, const char *label, const uint8_t *id)
{
	CK_BBOOL yes = CK_TRUE;
	CK_OBJECT_HANDLE out;
	CK_ATTRIBUTE t[] = { { CKA_TOKEN, &yes, 1 }, { CKA_LABEL, (void *)label, strlen(label) },
		             { CKA_ID, (void *)id, KEY_ID_LEN } };
	check("C_CopyObject", F->C_CopyObject(s, o, t, id ? 3 : 2, &out));
}

void print_key(const tkey_t *k)
{
	char b64[1024];
	EVP_EncodeBlock((unsigned char *)b64, k->key, (int)k->keylen);
	for (size_t i = 0; i < sizeof(k->id); i++) {
		printf("%02x", k->id[i]);
	}
	printf(" %u %u %s\n", k->tag, k->alg, b64);
}

static int usage(void)
{
	fputs("usage: zg-p11tool MODULE TOKEN PINFILE gen|collide|cross|mispair|pubonly|rsatag ...\n",
	      stderr);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc < 6) {
		return usage();
	}
	load_module(argv[1]);
	CK_SESSION_HANDLE s = open_token(argv[2], argv[3]);
	const char *cmd = argv[4];
	int rc = 1;
	if (strcmp(cmd, "gen") == 0 && argc == 7) {
		tkey_t k;
		gen_pair(s, &k, argv[5], true, argv[6]);
		print_key(&k);
		rc = 0;
	} else if (strcmp(cmd, "collide") == 0 && argc == 7) {
		rc = cmd_collide(s, (unsigned)strtoul(argv[5], NULL, 10), argv[6]);
	} else if (strcmp(cmd, "cross") == 0 && argc == 7) {
		rc = cmd_cross(s, open_token(argv[5], argv[3]), argv[6]);
	} else if ((strcmp(cmd, "mispair") == 0 || strcmp(cmd, "pubonly") == 0) && argc == 6) {
		rc = cmd_lone(s, cmd[0] == 'm', argv[5]);
	} else if (strcmp(cmd, "rsatag") == 0 && argc == 7) {
		rc = cmd_rsatag(s, (uint16_t)strtoul(argv[5], NULL, 10), argv[6]);
	} else {
		return usage();
	}
	F->C_Finalize(NULL); /* closes the sessions: the session objects of a search go with them */
	return rc;
}
