/* npy.h — NumPy .npy files (float64) for moving data to Python/MATLAB. */
#ifndef GN_NPY_H
#define GN_NPY_H

#include <stdio.h>
#include <gsl/gsl_matrix.h>
#include "gn.h"

/* Writes m as a 2-D little-endian float64 array in C order (format 1.0). */
int gn_npy_save(const gsl_matrix *m, const char *path, gn_err *err);
/* Reads a 1-D (as n×1) or 2-D '<f8' array in C or Fortran order; other
 * dtypes, corrupt headers and truncated data are errors. */
int gn_npy_load(gsl_matrix **out, const char *path, gn_err *err);
/* The same from an open stream (path names it in messages); the whole
 * header and the data size are checked before the data is allocated. */
int gn_npy_read(FILE *f, const char *path, gsl_matrix **out, gn_err *err);
/* Parses the header dict (len bytes, after the length field) strictly:
 * exactly the keys descr ('<f8'), fortran_order and shape, each once;
 * overflowing shapes and trailing bytes are errors. */
int gn_npy_parse_header(const char *hdr, size_t len, const char *path, int *fortran,
                        size_t dims[2], int *ndim, gn_err *err);

#endif
