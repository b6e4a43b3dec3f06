/* hsm.c -- zg_hsm_open/close: find the token the URI names, read-only session, user login. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <p11-kit/uri.h>
#include "hsm/p11_impl.h"

/* "'a', 'b'" for the "no token matches" message */
static void add_label(char *list, size_t size, const CK_TOKEN_INFO *ti)
{
	char label[33];
	size_t used = strlen(list);
	hsm_field(label, sizeof(label), ti->label, sizeof(ti->label));
	if (used + strlen(label) + 5 < size) {
		snprintf(list + used, size - used, "%s'%s'", used ? ", " : "", label);
	}
}

static bool slot_matches(zg_hsm_t *h, CK_FUNCTION_LIST *fl, CK_SLOT_ID slot, CK_TOKEN_INFO *ti)
{
	CK_SLOT_ID want = p11_kit_uri_get_slot_id(h->uri);
	CK_SLOT_INFO si;
	if (want != (CK_SLOT_ID)-1 && want != slot) {
		return false;
	}
	if (fl->C_GetSlotInfo(slot, &si) != CKR_OK || !p11_kit_uri_match_slot_info(h->uri, &si)) {
		return false;
	}
	return p11_kit_uri_match_token_info(h->uri, ti) != 0;
}

static zg_err_t slot_list(CK_FUNCTION_LIST *fl, CK_SLOT_ID **slots, CK_ULONG *n, char *err,
                          size_t errlen)
{
	char rvb[32];
	CK_RV rv = fl->C_GetSlotList(CK_TRUE, NULL, n);
	if (rv == CKR_OK) {
		*slots = calloc(*n ? *n : 1, sizeof(**slots));
		rv = *slots ? fl->C_GetSlotList(CK_TRUE, *slots, n) : CKR_HOST_MEMORY;
	}
	if (rv != CKR_OK) {
		hsm_msg(err, errlen, "C_GetSlotList failed: %s", hsm_ckr_name(rv, rvb, sizeof(rvb)));
		return ZG_EHSM;
	}
	return ZG_EOK;
}

static zg_err_t find_token(zg_hsm_t *h, CK_TOKEN_INFO *found, char *err, size_t errlen)
{
	CK_FUNCTION_LIST *fl = hsm_module_fl(h->mod);
	CK_SLOT_ID *slots = NULL;
	CK_ULONG n = 0;
	zg_err_t ret = slot_list(fl, &slots, &n, err, errlen);
	if (ret != ZG_EOK) {
		free(slots);
		return ret;
	}
	char present[256] = "";
	unsigned matches = 0;
	for (CK_ULONG i = 0; i < n; i++) {
		CK_TOKEN_INFO ti;
		if (fl->C_GetTokenInfo(slots[i], &ti) != CKR_OK ||
		    !(ti.flags & CKF_TOKEN_INITIALIZED)) {
			continue;
		}
		add_label(present, sizeof(present), &ti);
		if (slot_matches(h, fl, slots[i], &ti) && matches++ == 0) {
			h->slot = slots[i];
			*found = ti;
		}
	}
	free(slots);
	if (matches == 1) {
		return ZG_EOK;
	}
	if (matches == 0) {
		hsm_msg(err, errlen, "%s: no token matches (tokens present: %s)", h->display,
		        present[0] ? present : "none");
	} else {
		hsm_msg(err, errlen, "%s: %u tokens match (%s); add token= or serial=", h->display,
		        matches, present);
	}
	return ZG_EHSMTOKEN;
}

static zg_err_t login(zg_hsm_t *h, const CK_TOKEN_INFO *ti, char *err, size_t errlen)
{
	CK_FUNCTION_LIST *fl = hsm_module_fl(h->mod);
	char rvb[32];
	if (ti->flags & CKF_USER_PIN_LOCKED) {
		hsm_msg(err, errlen, "%s: the user PIN is locked", h->name);
		return ZG_EHSMLOCKED;
	}
	if (!h->has_pin) {
		if (ti->flags & CKF_LOGIN_REQUIRED) {
			hsm_msg(err, errlen, "%s needs a PIN: give pin-value= or pin-source= in the URI, "
			        "or --pin-file", h->name);
			return ZG_EHSMPIN;
		}
		return ZG_EOK;
	}
	CK_RV rv = fl->C_Login(h->session, CKU_USER, (CK_UTF8CHAR *)h->pin, h->pinlen);
	h->logged_in = rv == CKR_OK;
	if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN) {
		return ZG_EOK;
	}
	hsm_msg(err, errlen, "%s: login failed: %s", h->name, hsm_ckr_name(rv, rvb, sizeof(rvb)));
	if (rv == CKR_PIN_LOCKED) {
		return ZG_EHSMLOCKED;
	}
	return rv == CKR_PIN_INCORRECT || rv == CKR_PIN_INVALID || rv == CKR_PIN_LEN_RANGE ||
	               rv == CKR_PIN_EXPIRED
	       ? ZG_EHSMPIN
	       : ZG_EHSM;
}

static zg_err_t open_session(zg_hsm_t *h, char *err, size_t errlen)
{
	CK_TOKEN_INFO ti;
	char rvb[32];
	zg_err_t ret = find_token(h, &ti, err, errlen);
	if (ret != ZG_EOK) {
		return ret;
	}
	hsm_field(h->label, sizeof(h->label), ti.label, sizeof(ti.label));
	hsm_field(h->serial, sizeof(h->serial), ti.serialNumber, sizeof(ti.serialNumber));
	hsm_field(h->manufacturer, sizeof(h->manufacturer), ti.manufacturerID,
	          sizeof(ti.manufacturerID));
	hsm_field(h->model, sizeof(h->model), ti.model, sizeof(ti.model));
	snprintf(h->name, sizeof(h->name), "token '%s'", h->label);
	CK_SESSION_HANDLE s;
	CK_RV rv = hsm_module_fl(h->mod)->C_OpenSession(h->slot, CKF_SERIAL_SESSION, NULL, NULL, &s);
	if (rv != CKR_OK) {
		hsm_msg(err, errlen, "%s: C_OpenSession failed: %s", h->name,
		        hsm_ckr_name(rv, rvb, sizeof(rvb)));
		return ZG_EHSM;
	}
	h->session = s;
	h->has_session = true;
	return login(h, &ti, err, errlen);
}

zg_err_t zg_hsm_open(const char *spec, const zg_hsm_open_opts_t *opts, zg_hsm_t **out, char *err,
                     size_t errlen)
{
	if (spec == NULL || out == NULL) {
		return ZG_EINVAL;
	}
	zg_hsm_t *h = calloc(1, sizeof(*h));
	if (h == NULL) {
		return ZG_ENOMEM;
	}
	zg_err_t ret = hsm_spec_parse(h, spec, opts ? opts->pin_file : NULL, err, errlen);
	if (ret == ZG_EOK) {
		ret = hsm_module_get(h->module_path, opts && opts->isolate_init, &h->mod, err, errlen);
	}
	if (ret == ZG_EOK) {
		ret = open_session(h, err, errlen);
	}
	if (ret != ZG_EOK) {
		zg_hsm_close(h);
		return ret;
	}
	*out = h;
	return ZG_EOK;
}

void zg_hsm_close(zg_hsm_t *h)
{
	if (h == NULL) {
		return;
	}
	hsm_helper_free(h->helper);
	if (h->mod != NULL) {
		CK_FUNCTION_LIST *fl = hsm_module_fl(h->mod);
		if (h->logged_in) {
			fl->C_Logout(h->session);
		}
		if (h->has_session) {
			fl->C_CloseSession(h->session);
		}
		hsm_module_put(h->mod);
	}
	hsm_spec_clear(h);
	explicit_bzero(h, sizeof(*h));
	free(h);
}

const char *zg_hsm_name(const zg_hsm_t *h)
{
	return h != NULL ? h->name : "token";
}
