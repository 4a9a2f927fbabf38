/* npy.c — NumPy .npy reader/writer.  The format is small and fixed
 * (magic, version, a Python-dict header, raw data); no maintained C library
 * for it ships in Debian, so it is parsed here, strictly. */
#include "npy.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const unsigned char MAGIC[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};

int gn_npy_save(const gsl_matrix *m, const char *path, gn_err *err)
{
    char hdr[128];
    int len = snprintf(hdr, sizeof hdr, "{'descr': '<f8', 'fortran_order': False, 'shape': (%zu, %zu), }",
                       m->size1, m->size2);
    /* Pad so magic(6)+version(2)+hlen(2)+header ends on a 64-byte boundary. */
    int total = 10 + len + 1;
    int pad = (64 - total % 64) % 64;
    FILE *f = fopen(path, "wb");
    if (!f)
        return gn_fail(err, GN_EIO, "cannot write '%s': %s", path, strerror(errno));
    unsigned short hlen = (unsigned short)(len + pad + 1);
    unsigned char pre[10];
    memcpy(pre, MAGIC, 6);
    pre[6] = 1; pre[7] = 0;
    pre[8] = (unsigned char)(hlen & 0xff); pre[9] = (unsigned char)(hlen >> 8);
    fwrite(pre, 1, 10, f);
    fwrite(hdr, 1, (size_t)len, f);
    for (int i = 0; i < pad; i++) fputc(' ', f);
    fputc('\n', f);
    /* x86-64 and arm64 are little-endian; the data are written row by row
     * because a gsl_matrix may have tda > size2. */
    for (size_t i = 0; i < m->size1; i++)
        fwrite(gsl_matrix_const_ptr(m, i, 0), sizeof(double), m->size2, f);
    if (fclose(f) != 0)
        return gn_fail(err, GN_EIO, "error writing '%s': %s", path, strerror(errno));
    return GN_OK;
}

/* Finds 'key': in the header dict and returns a pointer just past the colon. */
static const char *dict_value(const char *h, const char *key)
{
    char pat[32];
    snprintf(pat, sizeof pat, "'%s'", key);
    const char *p = strstr(h, pat);
    if (!p) return NULL;
    p += strlen(pat);
    while (isspace((unsigned char)*p)) p++;
    if (*p != ':') return NULL;
    p++;
    while (isspace((unsigned char)*p)) p++;
    return p;
}

static int parse_header(const char *h, const char *path, int *fortran, size_t dims[2], int *ndim, gn_err *err)
{
    const char *d = dict_value(h, "descr");
    if (!d)
        return gn_fail(err, GN_EFORMAT, "'%s': corrupt .npy header (no descr)", path);
    if (strncmp(d, "'<f8'", 5) != 0) {
        char dt[16] = {0};
        sscanf(d, "'%15[^']", dt);
        return gn_fail(err, GN_EFORMAT, "'%s': dtype '%s' not supported (need float64 '<f8'; in NumPy use a.astype('<f8'))", path, dt);
    }
    const char *fo = dict_value(h, "fortran_order");
    if (!fo)
        return gn_fail(err, GN_EFORMAT, "'%s': corrupt .npy header (no fortran_order)", path);
    if (strncmp(fo, "True", 4) == 0) *fortran = 1;
    else if (strncmp(fo, "False", 5) == 0) *fortran = 0;
    else return gn_fail(err, GN_EFORMAT, "'%s': corrupt .npy header (fortran_order)", path);
    const char *s = dict_value(h, "shape");
    if (!s || *s != '(')
        return gn_fail(err, GN_EFORMAT, "'%s': corrupt .npy header (no shape)", path);
    s++;
    *ndim = 0;
    for (;;) {
        while (isspace((unsigned char)*s)) s++;
        if (*s == ')') break;
        if (!isdigit((unsigned char)*s))
            return gn_fail(err, GN_EFORMAT, "'%s': corrupt .npy header (shape)", path);
        errno = 0;
        char *end;
        unsigned long long v = strtoull(s, &end, 10);
        if (errno || *ndim >= 2)
            return gn_fail(err, GN_EFORMAT, "'%s': only 1-D and 2-D arrays are supported", path);
        dims[(*ndim)++] = (size_t)v;
        s = end;
        while (isspace((unsigned char)*s)) s++;
        if (*s == ',') s++;
    }
    if (*ndim == 0)
        return gn_fail(err, GN_EFORMAT, "'%s': 0-D (scalar) arrays are not supported", path);
    if (*ndim == 1) dims[1] = 1;
    return GN_OK;
}

int gn_npy_load(gsl_matrix **out, const char *path, gn_err *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return gn_fail(err, GN_EIO, "cannot open '%s': %s", path, strerror(errno));
    unsigned char pre[12];
    int rc = GN_OK;
    char *hdr = NULL;
    gsl_matrix *m = NULL;
    double *buf = NULL;
    if (fread(pre, 1, 10, f) != 10 || memcmp(pre, MAGIC, 6) != 0) {
        rc = gn_fail(err, GN_EFORMAT, "'%s' is not a .npy file (bad magic)", path);
        goto done;
    }
    size_t hlen;
    if (pre[6] == 1) {
        hlen = pre[8] | ((size_t)pre[9] << 8);
    } else if (pre[6] == 2 || pre[6] == 3) {
        if (fread(pre + 10, 1, 2, f) != 2) { rc = gn_fail(err, GN_EFORMAT, "'%s': truncated .npy header", path); goto done; }
        hlen = pre[8] | ((size_t)pre[9] << 8) | ((size_t)pre[10] << 16) | ((size_t)pre[11] << 24);
    } else {
        rc = gn_fail(err, GN_EFORMAT, "'%s': unknown .npy version %d", path, pre[6]);
        goto done;
    }
    if (hlen > 1 << 20) { rc = gn_fail(err, GN_EFORMAT, "'%s': corrupt .npy header length", path); goto done; }
    hdr = calloc(hlen + 1, 1);
    if (!hdr || fread(hdr, 1, hlen, f) != hlen) {
        rc = gn_fail(err, GN_EFORMAT, "'%s': truncated .npy header", path);
        goto done;
    }
    int fortran = 0, ndim = 0;
    size_t dims[2];
    if ((rc = parse_header(hdr, path, &fortran, dims, &ndim, err)))
        goto done;
    if ((rc = gn_check_size(dims[0], dims[1], err))) {
        if (dims[0] == 0 || dims[1] == 0)
            rc = gn_fail(err, GN_EFORMAT, "'%s': empty array (%zux%zu) not supported", path, dims[0], dims[1]);
        goto done;
    }
    size_t count = dims[0] * dims[1];
    buf = malloc(count * sizeof(double));
    if (!buf) { rc = gn_fail(err, GN_ENOMEM, "'%s': out of memory", path); goto done; }
    size_t got = fread(buf, sizeof(double), count, f);
    if (got != count) {
        rc = gn_fail(err, GN_EFORMAT, "'%s': truncated data (%zu of %zu values)", path, got, count);
        goto done;
    }
    m = gsl_matrix_alloc(dims[0], dims[1]);
    if (!m) { rc = gn_fail(err, GN_ENOMEM, "'%s': out of memory", path); goto done; }
    for (size_t i = 0; i < dims[0]; i++)
        for (size_t j = 0; j < dims[1]; j++)
            gsl_matrix_set(m, i, j, fortran ? buf[j * dims[0] + i] : buf[i * dims[1] + j]);
    *out = m;
done:
    free(hdr);
    free(buf);
    fclose(f);
    return rc;
}

int gn_csv_save(const gsl_matrix *m, const char *path, gn_err *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return gn_fail(err, GN_EIO, "cannot write '%s': %s", path, strerror(errno));
    for (size_t i = 0; i < m->size1; i++)
        for (size_t j = 0; j < m->size2; j++)
            fprintf(f, "%.17g%c", gsl_matrix_get(m, i, j), j + 1 < m->size2 ? ',' : '\n');
    if (fclose(f) != 0)
        return gn_fail(err, GN_EIO, "error writing '%s': %s", path, strerror(errno));
    return GN_OK;
}
