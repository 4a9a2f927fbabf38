/* csv.h — CSV files of numbers: a strict reader and the writer behind m:csv. */
#ifndef GN_CSV_H
#define GN_CSV_H

#include <stddef.h>
#include <gsl/gsl_matrix.h>
#include "gn.h"

/* Writes m as CSV: one line per row, fields separated by commas, numbers
 * with 17 significant digits (exact round trip); NaN and infinities as
 * nan, inf, -inf. */
int gn_csv_save(const gsl_matrix *m, const char *path, gn_err *err);

/* Parses len bytes of CSV text into a new matrix (*out; the caller frees
 * it).  The format, what np.loadtxt(f, delimiter=",") reads:
 *   - one row per line (LF or CRLF; the last line may lack its newline),
 *     fields separated by commas, spaces and tabs around a field ignored;
 *   - a field is a decimal number ([+-] digits [. digits] [e[+-]digits]),
 *     or nan / inf / infinity in any case, with a sign for the last two:
 *     NaN and ±Inf are read as such (m:csv writes them so); numbers too
 *     large for a double are errors (NumPy would make them inf), too small
 *     ones become 0 or subnormal as in NumPy;
 *   - blank lines and lines starting with '#' are skipped, and '#' ends a
 *     line's data (NumPy's comments='#');
 *   - the first data line is a header (skipped) when every field in it
 *     reads as a name (starts with a letter, '_' or '"') and none is a
 *     number;
 *   - every row has the same number of fields; an empty field ("1,,3", or
 *     a trailing comma) is an error: write nan for a missing value.
 * Errors name the line and column (1-based, in bytes) and what was found.
 * The text is checked whole, and rows × columns against the memory budget
 * (gn_check_size), before the matrix is allocated.  name labels messages. */
int gn_csv_parse(const char *text, size_t len, const char *name, gsl_matrix **out, gn_err *err);
/* Reads a file with gn_csv_parse (its size checked against the memory
 * budget before it is read). */
int gn_csv_load(gsl_matrix **out, const char *path, gn_err *err);

#endif
