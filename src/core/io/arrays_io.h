/* arrays_io.h — several named matrices in one file: NumPy .npz (a zip of
 * .npy members, libzip) and MATLAB .mat (level 5, libmatio). */
#ifndef GN_ARRAYS_IO_H
#define GN_ARRAYS_IO_H

#include <gsl/gsl_matrix.h>
#include "gn.h"

/* A set of named matrices (names unique, at most 63 bytes). */
typedef struct {
    size_t count;
    char **names;
    gsl_matrix **mats;
} gn_arrays;

void gn_arrays_free(gn_arrays *a);

/* Reads every member of an .npz archive (np.savez / np.savez_compressed):
 * float64 1-D (as columns) or 2-D arrays; the ".npy" suffix is dropped
 * from the names.  Other dtypes, corrupt members and archives that are not
 * zip files are errors naming the member. */
int gn_npz_load(gn_arrays *out, const char *path, gn_err *err);
/* Writes the matrices as an uncompressed .npz (what np.savez writes),
 * through the atomic writer. */
int gn_npz_save(const char *path, size_t count, const char *const *names, const gsl_matrix *const *mats,
                gn_err *err);
/* Reads the numeric 2-D variables of a MATLAB .mat file (v5 or v7; v7.3
 * when libmatio was built with HDF5): double, single, integer and logical
 * classes, converted to double.  Complex, sparse, cell, struct and char
 * variables are skipped; *skipped (may be NULL) counts them. */
int gn_matfile_load(gn_arrays *out, size_t *skipped, const char *path, gn_err *err);
/* Writes the matrices as double variables of a level-5 .mat file (readable
 * by MATLAB, Octave and scipy.io.loadmat), through the atomic writer.
 * Names must be valid MATLAB identifiers. */
int gn_matfile_save(const char *path, size_t count, const char *const *names, const gsl_matrix *const *mats,
                gn_err *err);

#endif
