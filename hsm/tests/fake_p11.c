/* fake_p11.c -- a PKCS#11 module whose C_Initialize fails (ZG_FAKE_P11=error), fails after a
 * second (slow: time to look at the caller's /proc/PID/cmdline) or crashes (crash), for the
 * error-path tests of zonegate hsm. Nothing else works. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <p11-kit/pkcs11.h>

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list);

static CK_RV fake_initialize(CK_VOID_PTR args)
{
	(void)args;
	const char *mode = getenv("ZG_FAKE_P11");
	if (mode != NULL && strcmp(mode, "crash") == 0) {
		raise(SIGSEGV); /* as a module with a NULL dereference in its init would */
	}
	if (mode != NULL && strcmp(mode, "slow") == 0) {
		struct timespec ts = { 1, 0 };
		nanosleep(&ts, NULL);
	}
	return CKR_GENERAL_ERROR;
}

static CK_RV fake_finalize(CK_VOID_PTR reserved)
{
	(void)reserved;
	return CKR_OK;
}

static CK_FUNCTION_LIST FUNCTIONS = {
	.version = { 2, 40 },
	.C_Initialize = fake_initialize,
	.C_Finalize = fake_finalize,
};

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list)
{
	if (list == NULL) {
		return CKR_ARGUMENTS_BAD;
	}
	*list = &FUNCTIONS;
	return CKR_OK;
}
