/* zone_input.h -- the zone file mapped read-only, its pages given back behind the parser. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <libzscanner/scanner.h>
#include "verifier/zg_error.h"

/* Mapped pages count in the resident set once touched: a file parsed from one mapping would
 * stay resident to the end. The parser's progress (its line number) tells which pages it is
 * done with; they are dropped in steps (madvise(MADV_DONTNEED): a page touched again later is
 * read again, so a release is never wrong, only early). */
typedef struct {
	const char *data;
	size_t len;
} zg_input_t;

/* Release cursor over one range of an input, as one scanner parses it. */
typedef struct {
	const char *end;
	const char *pos;      /* start of line `line` */
	uint64_t line;
	const char *released; /* pages below were given back */
	size_t page;
} zg_release_t;

/*! \brief Map the file (ZG_EIO if it cannot be opened or mapped, or is empty). */
zg_err_t zg_input_open(zg_input_t *in, const char *path);
void zg_input_close(zg_input_t *in);

/*! \brief A cursor over [start, end); `line` is the scanner's line number at start. */
void zg_release_init(zg_release_t *r, const char *start, const char *end, uint64_t line);
/*! \brief The scanner reached `line`: give back the pages before that line, in steps. */
void zg_release_line(zg_release_t *r, uint64_t line);
/*! \brief The range is parsed: give back its pages. */
void zg_release_all(zg_release_t *r);

/*!
 * \brief Point scanner s at [start, start + len) of the file at path as zs_set_input_file(path)
 *        would: its name in error messages, $INCLUDE relative to its directory.
 * \return 0, or -1 (error code in s)
 */
int zg_input_scan(zs_scanner_t *s, const char *path, const char *start, size_t len);
