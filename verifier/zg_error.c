/* zg_error.c -- messages for the error list. */
#include "verifier/zg_error.h"

#define ZG_ERR_CASE(name, code, msg) case name: return msg;

const char *zg_strerror(zg_err_t err)
{
	switch (err) {
	ZG_ERRORS(ZG_ERR_CASE)
	}
	return "unknown error";
}
