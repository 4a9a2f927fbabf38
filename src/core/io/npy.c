/* npy.c — NumPy .npy reader/writer.  The format is small and fixed
 * (magic, version, a Python-dict header, raw data); no maintained C library
 * for it ships in Debian, so it is parsed here, strictly. */
#include "open_read.h"
#include "mat.h"
#include "npy.h"

#include "atomic_file.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
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
    gn_atomic a;
    int rc = gn_atomic_open(&a, path, err);
    if (rc) return rc;
    FILE *f = a.f;
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
    return gn_atomic_commit(&a, err);
    return GN_OK;
}

/* ---- load ------------------------------------------------------------------ */

/* The header is a Python dict literal, e.g.
 *   {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }
 * padded with spaces and ended by '\n'.  It is parsed as a literal (not
 * searched for substrings): exactly the keys descr, fortran_order and
 * shape, each once; string values in '' or ""; shape a tuple of
 * non-negative integers ("(3,)" for 1-D, "()" for a scalar); nothing after
 * the closing brace but the padding. */
typedef struct {
    const char *p, *end, *start;
    const char *path;
    gn_err *err;
} hparser;

static void skip_ws(hparser *h)
{
    while (h->p < h->end && (*h->p == ' ' || *h->p == '\t')) h->p++;
}

static int hbad(hparser *h, const char *what)
{
    return gn_fail(h->err, GN_EFORMAT, "'%s': corrupt .npy header: %s (at byte %d of the header)",
                   h->path, what, (int)(h->p - h->start) + 1);
}

/* A quoted string literal into out (at most cap-1 bytes; longer is an error). */
static int hstring(hparser *h, char *out, size_t cap)
{
    if (h->p >= h->end || (*h->p != '\'' && *h->p != '"')) return hbad(h, "expected a quoted string");
    char q = *h->p++;
    size_t n = 0;
    while (h->p < h->end && *h->p != q) {
        if (*h->p == '\\' || (unsigned char)*h->p < 0x20 || (unsigned char)*h->p > 0x7e)
            return hbad(h, "unexpected character in a string");
        if (n + 1 >= cap) return hbad(h, "string too long");
        out[n++] = *h->p++;
    }
    if (h->p >= h->end) return hbad(h, "unterminated string");
    h->p++;
    out[n] = 0;
    return GN_OK;
}

static int hword(hparser *h, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(h->end - h->p) < n || memcmp(h->p, w, n) != 0) return 0;
    const char *q = h->p + n;
    if (q < h->end && (isalnum((unsigned char)*q) || *q == '_')) return 0;
    h->p = q;
    return 1;
}

static int hshape(hparser *h, size_t dims[2], int *ndim)
{
    if (h->p >= h->end || *h->p != '(') return hbad(h, "shape must be a tuple such as (3, 4)");
    h->p++;
    *ndim = 0;
    int count = 0, trailing_comma = 0;
    for (;;) {
        skip_ws(h);
        if (h->p < h->end && *h->p == ')') { h->p++; break; }
        if (count > 0 && !trailing_comma) return hbad(h, "shape entries must be separated by commas");
        if (h->p >= h->end || !isdigit((unsigned char)*h->p))
            return hbad(h, "shape entries must be non-negative integers");
        unsigned long long v = 0;
        int overflow = 0;
        while (h->p < h->end && isdigit((unsigned char)*h->p)) {
            unsigned d = (unsigned)(*h->p++ - '0');
            if (v > (ULLONG_MAX - d) / 10) overflow = 1;
            else v = v * 10 + d;
        }
        if (overflow || v > (unsigned long long)SIZE_MAX)
            return gn_fail(h->err, GN_EFORMAT, "'%s': .npy shape entry %d overflows (larger "
                           "than %zu)", h->path, count + 1, (size_t)SIZE_MAX);
        if (count < 2) dims[count] = (size_t)v;
        count++;
        skip_ws(h);
        trailing_comma = 0;
        if (h->p < h->end && *h->p == ',') { h->p++; trailing_comma = 1; }
    }
    if (count == 1 && !trailing_comma) return hbad(h, "a 1-D shape needs a trailing comma, (n,)");
    if (count == 0)
        return gn_fail(h->err, GN_EFORMAT, "'%s': 0-D (scalar) arrays are not supported", h->path);
    if (count > 2)
        return gn_fail(h->err, GN_EFORMAT, "'%s': only 1-D and 2-D arrays are supported (this "
                       "one has %d dimensions)", h->path, count);
    *ndim = count;
    if (count == 1) dims[1] = 1;
    return GN_OK;
}

int gn_npy_parse_header(const char *hdr, size_t len, const char *path, int *fortran,
                        size_t dims[2], int *ndim, gn_err *err)
{
    hparser hp = { hdr, hdr + len, hdr, path ? path : "(memory)", err }, *h = &hp;
    enum { DESCR, FORTRAN, SHAPE };
    int seen[3] = {0, 0, 0};
    char key[32], descr[32];
    skip_ws(h);
    if (h->p >= h->end || *h->p != '{') return hbad(h, "expected '{'");
    h->p++;
    for (;;) {
        skip_ws(h);
        if (h->p < h->end && *h->p == '}') { h->p++; break; }
        if (hstring(h, key, sizeof key)) return GN_EFORMAT;
        int k = !strcmp(key, "descr") ? DESCR : !strcmp(key, "fortran_order") ? FORTRAN :
                !strcmp(key, "shape") ? SHAPE : -1;
        if (k < 0)
            return gn_fail(err, GN_EFORMAT, "'%s': corrupt .npy header: unknown key '%s'", hp.path, key);
        if (seen[k])
            return gn_fail(err, GN_EFORMAT, "'%s': corrupt .npy header: key '%s' given twice", hp.path, key);
        seen[k] = 1;
        skip_ws(h);
        if (h->p >= h->end || *h->p != ':') return hbad(h, "expected ':' after a key");
        h->p++;
        skip_ws(h);
        if (k == DESCR) {
            if (hstring(h, descr, sizeof descr)) return GN_EFORMAT;
        } else if (k == FORTRAN) {
            if (hword(h, "True")) *fortran = 1;
            else if (hword(h, "False")) *fortran = 0;
            else return hbad(h, "fortran_order must be True or False");
        } else if (hshape(h, dims, ndim)) {
            return GN_EFORMAT;
        }
        skip_ws(h);
        if (h->p < h->end && *h->p == ',') { h->p++; continue; }
        skip_ws(h);
        if (h->p < h->end && *h->p == '}') { h->p++; break; }
        return hbad(h, "expected ',' or '}' after a value");
    }
    /* padding: spaces, then one final newline (NumPy's writer); allow a
     * missing newline but nothing else */
    while (h->p < h->end && *h->p == ' ') h->p++;
    if (h->p < h->end && *h->p == '\n') h->p++;
    if (h->p != h->end) return hbad(h, "bytes after the closing '}'");
    static const char *const names[3] = { "descr", "fortran_order", "shape" };
    for (int k = 0; k < 3; k++)
        if (!seen[k])
            return gn_fail(err, GN_EFORMAT, "'%s': corrupt .npy header (no %s)", hp.path, names[k]);
    if (strcmp(descr, "<f8") != 0)
        return gn_fail(err, GN_EFORMAT, "'%s': dtype '%s' not supported (need float64 '<f8'; in "
                       "NumPy use a.astype('<f8'))", hp.path, descr);
    return GN_OK;
}

int gn_npy_read(FILE *f, const char *path, gsl_matrix **out, gn_err *err)
{
    *out = NULL;
    unsigned char pre[12];
    int rc = GN_OK;
    char *hdr = NULL;
    gsl_matrix *m = NULL;
    if (fread(pre, 1, 10, f) != 10 || memcmp(pre, MAGIC, 6) != 0)
        return gn_fail(err, GN_EFORMAT, "'%s' is not a .npy file (bad magic)", path);
    size_t hlen;
    if (pre[6] == 1) {
        hlen = pre[8] | ((size_t)pre[9] << 8);
    } else if (pre[6] == 2 || pre[6] == 3) {
        if (fread(pre + 10, 1, 2, f) != 2)
            return gn_fail(err, GN_EFORMAT, "'%s': truncated .npy header", path);
        hlen = pre[8] | ((size_t)pre[9] << 8) | ((size_t)pre[10] << 16) | ((size_t)pre[11] << 24);
    } else {
        return gn_fail(err, GN_EFORMAT, "'%s': unknown .npy version %d", path, pre[6]);
    }
    if (pre[7] != 0)
        return gn_fail(err, GN_EFORMAT, "'%s': unknown .npy version %d.%d", path, pre[6], pre[7]);
    if (hlen > 1 << 16)
        return gn_fail(err, GN_EFORMAT, "'%s': corrupt .npy header length (%zu bytes)", path, hlen);
    hdr = malloc(hlen + 1);
    if (!hdr) return gn_fail(err, GN_ENOMEM, "'%s': out of memory", path);
    if (fread(hdr, 1, hlen, f) != hlen) {
        rc = gn_fail(err, GN_EFORMAT, "'%s': truncated .npy header", path);
        goto done;
    }
    hdr[hlen] = 0;
    int fortran = 0, ndim = 0;
    size_t dims[2] = {0, 0};
    if ((rc = gn_npy_parse_header(hdr, hlen, path, &fortran, dims, &ndim, err))) goto done;
    if (dims[0] == 0 || dims[1] == 0) {
        rc = gn_fail(err, GN_EFORMAT, "'%s': empty array (%zux%zu) not supported", path, dims[0], dims[1]);
        goto done;
    }
    if (dims[0] > GN_MAX_ELEMS || dims[1] > GN_MAX_ELEMS || dims[0] * dims[1] > GN_MAX_ELEMS) {
        rc = gn_fail(err, GN_EFORMAT, "'%s': shape %zux%zu is too large (limit %zu elements)", path,
                     dims[0], dims[1], (size_t)GN_MAX_ELEMS);
        goto done;
    }
    size_t count = dims[0] * dims[1];
    /* the data must be exactly there before anything is allocated for it */
    long long left = gn_file_bytes_left(f);
    if (left >= 0 && (unsigned long long)left != (unsigned long long)count * sizeof(double)) {
        rc = (unsigned long long)left < (unsigned long long)count * sizeof(double)
             ? gn_fail(err, GN_EFORMAT, "'%s': truncated data (%lld bytes for %zux%zu float64 "
                       "values, which need %zu)", path, left, dims[0], dims[1], count * sizeof(double))
             : gn_fail(err, GN_EFORMAT, "'%s': %llu bytes after the data (%zux%zu float64 values)",
                       path, (unsigned long long)left - count * sizeof(double), dims[0], dims[1]);
        goto done;
    }
    if ((rc = gn_check_size(dims[0], dims[1], err))) goto done;
    m = gn_mat_alloc(fortran ? dims[1] : dims[0], fortran ? dims[0] : dims[1], 0);
    if (!m) { rc = gn_fail(err, GN_ENOMEM, "'%s': out of memory", path); goto done; }
    size_t got = fread(m->data, sizeof(double), count, f);
    if (got != count) {
        rc = gn_fail(err, GN_EFORMAT, "'%s': truncated data (%zu of %zu values)", path, got, count);
        goto done;
    }
    if (left < 0 && fgetc(f) != EOF) {
        rc = gn_fail(err, GN_EFORMAT, "'%s': bytes after the data", path);
        goto done;
    }
    if (fortran) {   /* read as its transpose, then transposed */
        gsl_matrix *c = gn_mat_alloc(dims[0], dims[1], 0);
        if (!c) { rc = gn_fail(err, GN_ENOMEM, "'%s': out of memory", path); goto done; }
        gsl_matrix_transpose_memcpy(c, m);
        gn_mat_free(m);
        m = c;
    }
    *out = m;
    m = NULL;
done:
    if (m) gn_mat_free(m);
    free(hdr);
    return rc;
}

int gn_npy_load(gsl_matrix **out, const char *path, gn_err *err)
{
    *out = NULL;
    FILE *f = gn_open_read(path, NULL, err);
    if (!f) return GN_EIO;
    int rc = gn_npy_read(f, path, out, err);
    fclose(f);
    return rc;
}
