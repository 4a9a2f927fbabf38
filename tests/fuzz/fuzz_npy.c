/* fuzz_npy.c — libFuzzer harness for the .npy loader (header parser, size
 * checks, data read): any input must give a matrix or an error, never a
 * crash, a leak or an allocation beyond what the input's bytes back. */
#include <stdio.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>
#include "npy.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    gsl_set_error_handler_off();
    if (size == 0) return 0;
    FILE *f = fmemopen((void *)data, size, "rb");
    if (!f) return 0;
    gsl_matrix *m = NULL;
    gn_err e = {0};
    if (gn_npy_read(f, "fuzz.npy", &m, &e) == GN_OK) {
        if (!m || m->size1 * m->size2 * 8 > size) abort();   /* more data than bytes given */
        gsl_matrix_free(m);
    } else if (m || !e.msg[0]) {
        abort();                                           /* an error must say why */
    }
    fclose(f);
    return 0;
}
