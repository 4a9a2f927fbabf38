/* csv.c — CSV files of numbers: a strict two-pass reader (validate and
 * count, check the size, then fill) and the writer behind m:csv. */
#include "open_read.h"
#include "mat.h"
#include "csv.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include "atomic_file.h"

int gn_csv_save(const gsl_matrix *m, const char *path, gn_err *err)
{
    gn_atomic a;
    int rc = gn_atomic_open(&a, path, err);
    if (rc) return rc;
    for (size_t i = 0; i < m->size1; i++)
        for (size_t j = 0; j < m->size2; j++)
            fprintf(a.f, "%.17g%c", gsl_matrix_get(m, i, j), j + 1 < m->size2 ? ',' : '\n');
    return gn_atomic_commit(&a, err);
}

/* Longest field accepted (a double needs at most ~25 characters; more is
 * not a number anyone wrote on purpose). */
#define FIELD_MAX 128

typedef struct {
    const char *s, *end;   /* the text */
    const char *name;
    size_t line;           /* 1-based line of p */
    const char *bol;       /* start of that line */
} scan;

static int isws(char c) { return c == ' ' || c == '\t'; }

/* Printable excerpt of a field for messages. */
static void excerpt(char *buf, size_t cap, const char *f, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 4 < cap; i++) {
        unsigned char c = (unsigned char)f[i];
        buf[k++] = c >= 32 && c < 127 ? (char)c : '?';
    }
    if (n > k) { buf[k++] = '.'; buf[k++] = '.'; buf[k++] = '.'; }
    buf[k] = 0;
}

/* Parses one field f[0..n) (spaces already trimmed): 1 and *v when it is a
 * number by the grammar in csv.h, 0 when it is not a number at all, -1 when
 * it is one but overflows a double. */
static int number(const char *f, size_t n, double *v)
{
    if (n == 0 || n > FIELD_MAX) return 0;
    char buf[FIELD_MAX + 1];
    memcpy(buf, f, n);
    buf[n] = 0;
    const char *p = buf;
    int neg = 0;
    if (*p == '+' || *p == '-') { neg = *p == '-'; p++; }
    if (strcasecmp(p, "nan") == 0) {
        *v = NAN;
        return 1;
    }
    if (strcasecmp(p, "inf") == 0 || strcasecmp(p, "infinity") == 0) {
        *v = neg ? -INFINITY : INFINITY;
        return 1;
    }
    const char *q = p;
    size_t digits = 0;
    while (*q >= '0' && *q <= '9') { q++; digits++; }
    if (*q == '.') {
        q++;
        while (*q >= '0' && *q <= '9') { q++; digits++; }
    }
    if (digits == 0) return 0;
    if (*q == 'e' || *q == 'E') {
        q++;
        if (*q == '+' || *q == '-') q++;
        if (!(*q >= '0' && *q <= '9')) return 0;
        while (*q >= '0' && *q <= '9') q++;
    }
    if (*q) return 0;
    errno = 0;
    double x = strtod(buf, NULL);
    if (errno == ERANGE && isinf(x)) return -1;
    *v = x;
    return 1;
}

/* One pass over the text.  With out NULL: validates everything and counts
 * rows and columns (*rows, *cols, *header).  With out: fills it (the text
 * was validated by the first pass, so only the numbers are read). */
static int pass(scan *sc, size_t *rows, size_t *cols, int *header, gsl_matrix *out, gn_err *err)
{
    const char *p = sc->s;
    size_t r = 0, first_line = 0;   /* rows so far; line of the first */
    int seen_data = 0;
    sc->line = 1;
    while (p < sc->end) {
        sc->bol = p;
        const char *eol = memchr(p, '\n', (size_t)(sc->end - p));
        const char *stop = eol ? eol : sc->end;   /* the line is p..stop */
        const char *data_end = stop;
        if (data_end > p && data_end[-1] == '\r') data_end--;
        const char *hash = memchr(p, '#', (size_t)(data_end - p));
        if (hash) data_end = hash;
        if (!out) {
            const char *nul = memchr(p, '\0', (size_t)(stop - p));
            if (nul)
                return gn_fail(err, GN_EFORMAT, "%s: line %zu, column %zu: a NUL byte (not a text file)",
                               sc->name, sc->line, (size_t)(nul - p) + 1);
            const char *cr = memchr(p, '\r', (size_t)(data_end - p));
            if (cr && !hash)
                return gn_fail(err, GN_EFORMAT, "%s: line %zu, column %zu: a carriage return inside the line",
                               sc->name, sc->line, (size_t)(cr - p) + 1);
        }
        const char *t = p;
        while (t < data_end && isws(*t)) t++;
        if (t < data_end) {
            /* a data line: fields separated by commas */
            size_t c = 0;
            int nums = 0, nonnum = 0, names_ok = 1;
            const char *bad = NULL, *f0 = p;
            size_t badn = 0;
            int overflow = 0;
            for (const char *fs = p;; ) {
                const char *fe = memchr(fs, ',', (size_t)(data_end - fs));
                if (!fe) fe = data_end;
                const char *a = fs, *b = fe;
                while (a < b && isws(*a)) a++;
                while (b > a && isws(b[-1])) b--;
                double v = 0;
                int k = number(a, (size_t)(b - a), &v);
                if (a == b && !out)
                    return gn_fail(err, GN_EFORMAT, "%s: line %zu, column %zu: empty field (write nan for a "
                                   "missing value)", sc->name, sc->line, (size_t)(fs - p) + 1);
                if (k == 1) {
                    nums++;
                    /* (a header line has no number, so it writes nothing) */
                    if (out) out->data[(r - (*header ? 1 : 0)) * out->tda + c] = v;
                } else {
                    /* a header's fields read as names: a letter, '_' or a quote first */
                    if (k < 0 || !(isalpha((unsigned char)*a) || *a == '_' || *a == '"')) names_ok = 0;
                    nonnum++;
                    if (!bad) { bad = a; badn = (size_t)(b - a); f0 = fs; overflow = k < 0; }
                }
                c++;
                if (fe == data_end) break;
                fs = fe + 1;
            }
            if (!out) {
                if (!seen_data) {
                    seen_data = 1;
                    first_line = sc->line;
                    *cols = c;
                    *header = nums == 0 && names_ok;   /* column names, no number */
                } else if (c != *cols) {
                    return gn_fail(err, GN_EFORMAT, "%s: line %zu has %zu field%s, line %zu has %zu",
                                   sc->name, sc->line, c, c == 1 ? "" : "s", first_line, *cols);
                }
                if (nonnum && !(*header && first_line == sc->line)) {
                    char ex[48];
                    excerpt(ex, sizeof ex, bad, badn);
                    return gn_fail(err, GN_EFORMAT, "%s: line %zu, column %zu: %s '%s'", sc->name, sc->line,
                                   (size_t)(f0 - p) + 1, overflow ? "number too large for a double:" :
                                   "not a number:", ex);
                }
            }
            r++;
        }
        if (!eol) break;
        p = eol + 1;
        sc->line++;
    }
    if (!out) {
        *rows = r;
        if (r - (*header ? 1 : 0) == 0)
            return gn_fail(err, GN_EFORMAT, "%s: no rows of numbers%s", sc->name, *header ? " after the header" : "");
    }
    return GN_OK;
}

int gn_csv_parse(const char *text, size_t len, const char *name, gsl_matrix **out, gn_err *err)
{
    *out = NULL;
    scan sc = {.s = text, .end = text + len, .name = name ? name : "csv"};
    size_t rows = 0, cols = 0;
    int header = 0;
    int rc = pass(&sc, &rows, &cols, &header, NULL, err);
    if (rc) return rc;
    size_t nr = rows - (header ? 1 : 0);
    if (gn_check_size(nr, cols, err)) return GN_ENOMEM;
    gsl_matrix *m = gn_mat_alloc(nr, cols, 0);
    if (!m) return gn_fail(err, GN_ENOMEM, "%s: out of memory for a %zux%zu matrix", sc.name, nr, cols);
    pass(&sc, &rows, &cols, &header, m, err);
    *out = m;
    return GN_OK;
}

int gn_csv_load(gsl_matrix **out, const char *path, gn_err *err)
{
    *out = NULL;
    struct stat st;
    FILE *f = gn_open_read(path, &st, err);
    if (!f) return GN_EIO;
    size_t len = (size_t)st.st_size;
    char what[64];
    snprintf(what, sizeof what, "reading a CSV file");
    if (gn_check_bytes((double)len, what, err)) { fclose(f); return GN_ENOMEM; }
    char *buf = gn_mem_alloc(len ? len : 1, 0);
    if (!buf) { fclose(f); return gn_fail(err, GN_ENOMEM, "'%s': out of memory for %zu bytes", path, len); }
    size_t got = len ? fread(buf, 1, len, f) : 0;
    int rd_err = ferror(f);
    fclose(f);
    if (got != len || rd_err) {
        gn_mem_free(buf);
        return gn_fail(err, GN_EIO, "'%s': read %zu of %zu bytes", path, got, len);
    }
    int rc = gn_csv_parse(buf, len, path, out, err);
    gn_mem_free(buf);
    return rc;
}
