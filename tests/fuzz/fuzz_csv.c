/* fuzz_csv.c — libFuzzer harness for the CSV reader: any input gives a
 * matrix or an error with a message, never a crash, a leak or a matrix with
 * more numbers than the input has bytes; a matrix read back from its own
 * %.17g text (what m:csv writes) is the same, bit for bit (NaN as NaN). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include "csv.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    gsl_set_error_handler_off();
    gsl_matrix *m = NULL;
    gn_err e = {0};
    if (gn_csv_parse((const char *)data, size, "fuzz.csv", &m, &e) != GN_OK) {
        if (m || !e.msg[0]) abort();   /* an error must say why, and leave nothing */
        return 0;
    }
    if (!m || m->size1 * m->size2 > size) abort();
    size_t cap = m->size1 * m->size2 * 32 + 1, len = 0;
    char *text = malloc(cap);
    if (!text) abort();
    for (size_t i = 0; i < m->size1; i++)
        for (size_t j = 0; j < m->size2; j++)
            len += (size_t)snprintf(text + len, cap - len, "%.17g%c", gsl_matrix_get(m, i, j),
                                    j + 1 < m->size2 ? ',' : '\n');
    gsl_matrix *b = NULL;
    if (gn_csv_parse(text, len, "again.csv", &b, &e) != GN_OK) abort();
    if (b->size1 != m->size1 || b->size2 != m->size2) abort();
    for (size_t i = 0; i < m->size1; i++)
        for (size_t j = 0; j < m->size2; j++) {
            double x = gsl_matrix_get(m, i, j), y = gsl_matrix_get(b, i, j);
            if (isnan(x) ? !isnan(y) : memcmp(&x, &y, sizeof x) != 0) abort();
        }
    gsl_matrix_free(b);
    gsl_matrix_free(m);
    free(text);
    return 0;
}
