/* p11_impl.h -- private to hsm/: raw PKCS#11 (p11-kit's standard header) and the loaded module. */
#pragma once

#include <p11-kit/pkcs11.h>
#include "hsm/hsm_impl.h"

/* module.c: load (or share) the module at path and initialise it; refcounted. */
zg_err_t hsm_module_get(const char *path, bool isolate_init, hsm_module_t **out, char *err,
                        size_t errlen);
/* module.c: drop one reference; the last one finalizes and unloads. NULL is a no-op. */
void hsm_module_put(hsm_module_t *m);
CK_FUNCTION_LIST *hsm_module_fl(const hsm_module_t *m);

/* inventory.c: one attribute into a new buffer (NULL, 0 when absent or sensitive). */
CK_RV hsm_attr(const zg_hsm_t *h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type, uint8_t **buf,
               size_t *len);
