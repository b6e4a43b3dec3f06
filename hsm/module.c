/* module.c -- PKCS#11 modules: dlopen, C_GetFunctionList, C_Initialize (optionally tried first in
 * a child process), one shared refcounted instance per path; CKR names for messages. */
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "hsm/p11_impl.h"

#define INIT_TIMEOUT_MS 30000

/* child exit codes of the trial initialisation */
enum { TRIAL_OK = 0, TRIAL_NOLOAD = 10, TRIAL_NOLIST = 11, TRIAL_INITFAIL = 12 };

struct hsm_module {
	char path[PATH_MAX];
	void *dl;
	CK_FUNCTION_LIST *fl;
	unsigned refs;
	bool finalize;    /* we initialised it, so we finalize it */
	bool initialized; /* C_Initialize succeeded (by us or before us) */
	hsm_module_t *next;
};

/* PKCS#11 initialisation is per process, so the module list is too (one thread opens/closes). */
static hsm_module_t *MODULES;

#define CKR_NAMES(X) \
	X(CKR_OK) X(CKR_HOST_MEMORY) X(CKR_SLOT_ID_INVALID) X(CKR_GENERAL_ERROR) \
	X(CKR_FUNCTION_FAILED) X(CKR_ARGUMENTS_BAD) X(CKR_CANT_LOCK) X(CKR_ATTRIBUTE_SENSITIVE) \
	X(CKR_ATTRIBUTE_TYPE_INVALID) X(CKR_DEVICE_ERROR) X(CKR_DEVICE_MEMORY) X(CKR_DEVICE_REMOVED) \
	X(CKR_FUNCTION_NOT_SUPPORTED) X(CKR_KEY_HANDLE_INVALID) X(CKR_KEY_TYPE_INCONSISTENT) \
	X(CKR_KEY_FUNCTION_NOT_PERMITTED) X(CKR_MECHANISM_INVALID) X(CKR_OBJECT_HANDLE_INVALID) \
	X(CKR_OPERATION_ACTIVE) X(CKR_PIN_INCORRECT) X(CKR_PIN_INVALID) X(CKR_PIN_LEN_RANGE) \
	X(CKR_PIN_EXPIRED) X(CKR_PIN_LOCKED) X(CKR_SESSION_HANDLE_INVALID) \
	X(CKR_TOKEN_NOT_PRESENT) X(CKR_TOKEN_NOT_RECOGNIZED) X(CKR_USER_ALREADY_LOGGED_IN) \
	X(CKR_USER_NOT_LOGGED_IN) X(CKR_USER_PIN_NOT_INITIALIZED) X(CKR_USER_TYPE_INVALID) \
	X(CKR_CRYPTOKI_NOT_INITIALIZED) X(CKR_CRYPTOKI_ALREADY_INITIALIZED) \
	X(CKR_BUFFER_TOO_SMALL)
#define CKR_ROW(name) { name, #name },

const char *hsm_ckr_name(unsigned long rv, char *buf, size_t size)
{
	static const struct {
		CK_RV rv;
		const char *name;
	} NAMES[] = { CKR_NAMES(CKR_ROW) };
	for (size_t i = 0; i < sizeof(NAMES) / sizeof(NAMES[0]); i++) {
		if (NAMES[i].rv == rv) {
			return NAMES[i].name;
		}
	}
	snprintf(buf, size, "CKR 0x%lx", rv);
	return buf;
}

static CK_RV init_module(CK_FUNCTION_LIST *fl)
{
	CK_C_INITIALIZE_ARGS args = { .flags = CKF_OS_LOCKING_OK };
	return fl->C_Initialize(&args);
}

static CK_FUNCTION_LIST *function_list(void *dl)
{
	CK_C_GetFunctionList get = NULL;
	CK_FUNCTION_LIST *fl = NULL;
	*(void **)&get = dlsym(dl, "C_GetFunctionList");
	if (get == NULL || get(&fl) != CKR_OK || fl == NULL) {
		return NULL;
	}
	return fl;
}

/* Child of the trial: load, initialise, finalize; the exit code says how far it got. */
static void trial_child(const char *path)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
	}
	void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (dl == NULL) {
		_exit(TRIAL_NOLOAD);
	}
	CK_FUNCTION_LIST *fl = function_list(dl);
	if (fl == NULL) {
		_exit(TRIAL_NOLIST);
	}
	if (init_module(fl) != CKR_OK) {
		_exit(TRIAL_INITFAIL);
	}
	fl->C_Finalize(NULL);
	_exit(TRIAL_OK);
}

static int wait_child(pid_t pid, int *status)
{
	for (int ms = 0; ms < INIT_TIMEOUT_MS; ms += 2) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid) {
			return 0;
		}
		if (r < 0) {
			return -1;
		}
		struct timespec ts = { 0, 2000000 };
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, status, 0);
	return 1;
}

/* A module that crashes or hangs in C_Initialize does so in a child; other failures are left
 * to the real load, which reports them precisely. */
static zg_err_t trial_init(const char *path, char *err, size_t errlen)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		return ZG_EOK; /* cannot isolate: load directly */
	}
	if (pid == 0) {
		trial_child(path);
	}
	int status = 0;
	int w = wait_child(pid, &status);
	if (w > 0) {
		hsm_msg(err, errlen, "PKCS#11 module %s: C_Initialize did not return within %d s",
		        path, INIT_TIMEOUT_MS / 1000);
		return ZG_EHSMMOD;
	}
	if (w == 0 && WIFSIGNALED(status)) {
		hsm_msg(err, errlen, "PKCS#11 module %s crashed in C_Initialize (signal %d)", path,
		        WTERMSIG(status));
		return ZG_EHSMMOD;
	}
	int code = w == 0 && WIFEXITED(status) ? WEXITSTATUS(status) : TRIAL_OK;
	if (code != TRIAL_OK && code != TRIAL_NOLOAD && code != TRIAL_NOLIST &&
	    code != TRIAL_INITFAIL) {
		hsm_msg(err, errlen, "PKCS#11 module %s crashed in C_Initialize (exit status %d)",
		        path, code);
		return ZG_EHSMMOD;
	}
	return ZG_EOK;
}

static zg_err_t load(hsm_module_t *m, char *err, size_t errlen)
{
	char rvb[32];
	m->dl = dlopen(m->path, RTLD_NOW | RTLD_LOCAL);
	if (m->dl == NULL) {
		const char *why = dlerror();
		hsm_msg(err, errlen, "cannot load PKCS#11 module: %s", why ? why : m->path);
		return ZG_EHSMMOD;
	}
	m->fl = function_list(m->dl);
	if (m->fl == NULL) {
		hsm_msg(err, errlen, "%s is not a PKCS#11 module (no C_GetFunctionList)", m->path);
		return ZG_EHSMMOD;
	}
	CK_RV rv = init_module(m->fl);
	if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
		hsm_msg(err, errlen, "PKCS#11 module %s: C_Initialize failed: %s", m->path,
		        hsm_ckr_name(rv, rvb, sizeof(rvb)));
		return ZG_EHSMMOD;
	}
	m->finalize = rv == CKR_OK;
	m->initialized = true;
	return ZG_EOK;
}

/* Finalized, but not unloaded once initialised: modules may leave atexit handlers or threads
 * behind that must not outlive their code, and leak reports stay attributable to the module. */
static void unload(hsm_module_t *m)
{
	if (m->finalize) {
		m->fl->C_Finalize(NULL);
	}
	if (m->dl != NULL && !m->initialized) {
		dlclose(m->dl);
	}
	free(m);
}

zg_err_t hsm_module_get(const char *given, bool isolate_init, hsm_module_t **out, char *err,
                        size_t errlen)
{
	char real[PATH_MAX];
	const char *path = realpath(given, real) != NULL ? real : given; /* one instance per file */
	for (hsm_module_t *m = MODULES; m != NULL; m = m->next) {
		if (strcmp(m->path, path) == 0) {
			m->refs++;
			*out = m;
			return ZG_EOK;
		}
	}
	zg_err_t ret = isolate_init ? trial_init(path, err, errlen) : ZG_EOK;
	if (ret != ZG_EOK) {
		return ret;
	}
	hsm_module_t *m = calloc(1, sizeof(*m));
	if (m == NULL || strlen(path) >= sizeof(m->path)) {
		free(m);
		return ZG_ENOMEM;
	}
	memcpy(m->path, path, strlen(path) + 1);
	ret = load(m, err, errlen);
	if (ret != ZG_EOK) {
		unload(m);
		return ret;
	}
	m->refs = 1;
	m->next = MODULES;
	MODULES = m;
	*out = m;
	return ZG_EOK;
}

void hsm_module_put(hsm_module_t *m)
{
	if (m == NULL || --m->refs > 0) {
		return;
	}
	for (hsm_module_t **p = &MODULES; *p != NULL; p = &(*p)->next) {
		if (*p == m) {
			*p = m->next;
			break;
		}
	}
	unload(m);
}

CK_FUNCTION_LIST *hsm_module_fl(const hsm_module_t *m)
{
	return m->fl;
}
