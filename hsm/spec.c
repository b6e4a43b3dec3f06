/* spec.c -- token specs: RFC 7512 URIs (p11-kit's parser) or Knot's "URI MODULE" keystore form;
 * the PIN from pin-value, pin-source or a PIN file, and redaction for messages. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <p11-kit/uri.h>
#include "hsm/hsm_impl.h"

void hsm_msg(char *err, size_t errlen, const char *fmt, ...)
{
	if (err == NULL || errlen == 0) {
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void hsm_field(char *dst, size_t size, const unsigned char *src, size_t len)
{
	size_t n = len < size - 1 ? len : size - 1;
	for (size_t i = 0; i < n; i++) {
		dst[i] = isprint(src[i]) ? (char)src[i] : '?';
	}
	while (n > 0 && dst[n - 1] == ' ') {
		n--;
	}
	dst[n] = '\0';
}

/* Length of a pin-value's value at s (up to the next separator). */
static size_t value_len(const char *s)
{
	return strcspn(s, ";?&# \t\n");
}

const char *zg_hsm_spec_redact(const char *spec, char *buf, size_t size)
{
	static const char KEY[] = "pin-value=";
	size_t o = 0;
	if (buf == NULL || size == 0) {
		return "";
	}
	for (const char *p = spec ? spec : ""; *p != '\0' && o + 1 < size;) {
		if (strncasecmp(p, KEY, sizeof(KEY) - 1) == 0) {
			int n = snprintf(buf + o, size - o, "%s***", KEY);
			o = n > 0 && (size_t)n < size - o ? o + (size_t)n : size - 1;
			p += sizeof(KEY) - 1;
			p += value_len(p);
			continue;
		}
		buf[o++] = *p++;
	}
	buf[o] = '\0';
	return buf;
}

/* First line of a file, without the line end; wiped local copies. */
static zg_err_t read_pin_file(zg_hsm_t *h, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	if (f == NULL) {
		hsm_msg(err, errlen, "cannot read PIN file %s: %s", path, strerror(errno));
		return ZG_EHSMURI;
	}
	char line[ZG_HSM_PIN_MAX + 2] = "";
	bool got = fgets(line, sizeof(line), f) != NULL;
	fclose(f);
	size_t n = got ? strcspn(line, "\r\n") : 0;
	zg_err_t ret = ZG_EOK;
	if (n == 0) {
		hsm_msg(err, errlen, "PIN file %s: empty first line", path);
		ret = ZG_EHSMURI;
	} else if (n >= ZG_HSM_PIN_MAX) {
		hsm_msg(err, errlen, "PIN file %s: PIN longer than %d bytes", path, ZG_HSM_PIN_MAX - 1);
		ret = ZG_EHSMURI;
	} else {
		memcpy(h->pin, line, n);
		h->pin[n] = '\0';
		h->pinlen = n;
		h->has_pin = true;
	}
	explicit_bzero(line, sizeof(line));
	return ret;
}

/* RFC 7512 pin-source: "file:/path", "file:///path" or a plain absolute path. */
static zg_err_t pin_from_source(zg_hsm_t *h, const char *src, char *err, size_t errlen)
{
	const char *path = src;
	if (strncasecmp(path, "file://", 7) == 0) {
		path += 7;
	} else if (strncasecmp(path, "file:", 5) == 0) {
		path += 5;
	}
	if (path[0] != '/') {
		hsm_msg(err, errlen, "%s: pin-source must be file:/ABSOLUTE/PATH", h->display);
		return ZG_EHSMURI;
	}
	return read_pin_file(h, path, err, errlen);
}

static zg_err_t set_pin(zg_hsm_t *h, const char *pin_file, char *err, size_t errlen)
{
	const char *value = p11_kit_uri_get_pin_value(h->uri);
	const char *source = p11_kit_uri_get_pin_source(h->uri);
	if (value != NULL) {
		size_t n = strlen(value);
		if (n == 0 || n >= ZG_HSM_PIN_MAX) {
			hsm_msg(err, errlen, "%s: pin-value is empty or too long", h->display);
			return ZG_EHSMURI;
		}
		memcpy(h->pin, value, n + 1);
		h->pinlen = n;
		h->has_pin = true;
		/* p11-kit's own heap copy: wipe it before it is freed (the string is the URI's) */
		explicit_bzero((char *)value, n);
		p11_kit_uri_set_pin_value(h->uri, NULL);
		return ZG_EOK;
	}
	if (source != NULL) {
		return pin_from_source(h, source, err, errlen);
	}
	if (pin_file != NULL) {
		return read_pin_file(h, pin_file, err, errlen);
	}
	return ZG_EOK; /* no PIN: fine for tokens that need no login */
}

/* The module: Knot's trailing path, or module-path= in the URI (both must agree). */
static zg_err_t set_module(zg_hsm_t *h, const char *knot_path, char *err, size_t errlen)
{
	const char *qpath = p11_kit_uri_get_module_path(h->uri);
	const char *path = knot_path[0] != '\0' ? knot_path : qpath;
	if (knot_path[0] != '\0' && qpath != NULL && strcmp(knot_path, qpath) != 0) {
		hsm_msg(err, errlen, "%s: module-path= and the module after the URI differ", h->display);
		return ZG_EHSMURI;
	}
	if (path == NULL || path[0] == '\0') {
		hsm_msg(err, errlen, "%s: no PKCS#11 module (add ?module-path=/path/module.so, or give "
		        "Knot's form 'pkcs11:... /path/module.so')%s", h->display,
		        p11_kit_uri_get_module_name(h->uri) ? "; module-name= is not supported" : "");
		return ZG_EHSMURI;
	}
	if (strlen(path) >= sizeof(h->module_path)) {
		hsm_msg(err, errlen, "%s: module path too long", h->display);
		return ZG_EHSMURI;
	}
	memcpy(h->module_path, path, strlen(path) + 1);
	return ZG_EOK;
}

zg_err_t hsm_spec_parse(zg_hsm_t *h, const char *spec, const char *pin_file, char *err,
                        size_t errlen)
{
	while (isspace((unsigned char)*spec)) {
		spec++;
	}
	zg_hsm_spec_redact(spec, h->display, sizeof(h->display));
	if (strncasecmp(spec, "pkcs11:", 7) != 0) {
		hsm_msg(err, errlen, "'%s': not a PKCS#11 URI (pkcs11:...)", h->display);
		return ZG_EHSMURI;
	}
	size_t ulen = strcspn(spec, " \t\n");
	char *uri = strndup(spec, ulen);
	char path[PATH_MAX] = "";
	const char *rest = spec + ulen + strspn(spec + ulen, " \t\n");
	size_t plen = strlen(rest);
	while (plen > 0 && isspace((unsigned char)rest[plen - 1])) {
		plen--;
	}
	if (uri == NULL || plen >= sizeof(path) || (h->uri = p11_kit_uri_new()) == NULL) {
		free(uri);
		hsm_msg(err, errlen, "%s: out of memory or module path too long", h->display);
		return ZG_EHSMURI;
	}
	memcpy(path, rest, plen);
	int rc = p11_kit_uri_parse(uri, P11_KIT_URI_FOR_ANY, h->uri);
	explicit_bzero(uri, ulen);
	free(uri);
	if (rc != P11_KIT_URI_OK) {
		hsm_msg(err, errlen, "%s: %s", h->display, p11_kit_uri_message(rc));
		return ZG_EHSMURI;
	}
	zg_err_t ret = set_module(h, path, err, errlen);
	return ret != ZG_EOK ? ret : set_pin(h, pin_file, err, errlen);
}

void hsm_spec_clear(zg_hsm_t *h)
{
	explicit_bzero(h->pin, sizeof(h->pin));
	h->pinlen = 0;
	h->has_pin = false;
	if (h->uri != NULL) {
		p11_kit_uri_free(h->uri); /* its copy of pin-value goes with it */
		h->uri = NULL;
	}
}
