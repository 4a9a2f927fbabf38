/* test_csv.c — the strict CSV reader: values (NaN, ±Inf, subnormals, signs,
 * exponents), headers, comments, CRLF, and every error with its line and
 * column; the size is checked against the memory budget before the matrix
 * is allocated; m:csv's output reads back bit for bit. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "csv.h"

static gsl_matrix *parse(const char *s, gn_err *e)
{
    gsl_matrix *m = NULL;
    memset(e, 0, sizeof *e);
    if (gn_csv_parse(s, strlen(s), "t.csv", &m, e) != GN_OK) return NULL;
    return m;
}

static void bad(const char *s, int code, const char *want)
{
    gn_err e;
    gsl_matrix *m = parse(s, &e);
    CHECK(!m && e.code == code && strstr(e.msg, want), "rejected with \"%s\": %s", want, e.msg);
    if (m) gsl_matrix_free(m);
}

int main(void)
{
    gn_err e;
    gsl_matrix *m = parse("1,2.5,-3e2\n+4 , 5.25e-1,\t6\n", &e);
    CHECK(m && m->size1 == 2 && m->size2 == 3 && gsl_matrix_get(m, 0, 2) == -300 &&
          gsl_matrix_get(m, 1, 0) == 4 && gsl_matrix_get(m, 1, 1) == 0.525 && gsl_matrix_get(m, 1, 2) == 6,
          "numbers with signs, exponents and spaces (%s)", e.msg);
    gsl_matrix_free(m);

    m = parse("# made by hand\nx, y\r\n\r\nnan,-inf # NaN and -Inf\r\n INF ,Infinity\r\n-NaN,4.9e-324\r\n1e-400,.5", &e);
    CHECK(m && m->size1 == 4 && m->size2 == 2 && isnan(gsl_matrix_get(m, 0, 0)) &&
          gsl_matrix_get(m, 0, 1) == -INFINITY && gsl_matrix_get(m, 1, 0) == INFINITY &&
          gsl_matrix_get(m, 1, 1) == INFINITY && isnan(gsl_matrix_get(m, 2, 0)) &&
          gsl_matrix_get(m, 2, 1) == 4.9e-324 && gsl_matrix_get(m, 3, 0) == 0 && gsl_matrix_get(m, 3, 1) == 0.5,
          "header, comments, CRLF, blank lines, nan/inf in any case, subnormal, underflow to 0 (%s)", e.msg);
    gsl_matrix_free(m);

    m = parse("7", &e);
    CHECK(m && m->size1 == 1 && m->size2 == 1 && gsl_matrix_get(m, 0, 0) == 7, "one number, no newline");
    gsl_matrix_free(m);

    bad("1,2\n3,4,5\n", GN_EFORMAT, "line 2 has 3 fields, line 1 has 2");
    bad("1,,3\n", GN_EFORMAT, "line 1, column 3: empty field");
    bad("1,2,\n", GN_EFORMAT, "line 1, column 5: empty field");
    bad("1,2\n3,abc\n", GN_EFORMAT, "line 2, column 3: not a number: 'abc'");
    bad("1,2\n3,1e999\n", GN_EFORMAT, "line 2, column 3: number too large for a double: '1e999'");
    bad("0x1p3\n", GN_EFORMAT, "not a number: '0x1p3'");
    bad("1.5.2\n", GN_EFORMAT, "not a number");
    bad("1e\n", GN_EFORMAT, "not a number");
    bad("\"1\",2\n", GN_EFORMAT, "line 1, column 1: not a number");
    bad("1;2\n", GN_EFORMAT, "not a number: '1;2'");
    bad("a,b\n", GN_EFORMAT, "no rows of numbers after the header");
    bad("x1,_y,\"z\"\n", GN_EFORMAT, "no rows of numbers after the header");
    bad("0x10,abc\n1,2\n", GN_EFORMAT, "line 1, column 1: not a number: '0x10'");
    bad("", GN_EFORMAT, "no rows of numbers");
    bad("# only a comment\n\n", GN_EFORMAT, "no rows of numbers");
    bad("1,2\n3\r4\n", GN_EFORMAT, "line 2, column 2: a carriage return");
    bad("x,1\n2,3\n", GN_EFORMAT, "line 1, column 1: not a number: 'x'");
    {
        const char s[] = "1,2\n3,\0\n";
        gsl_matrix *z = NULL;
        int st = gn_csv_parse(s, sizeof s - 1, "t.csv", &z, &e);
        CHECK(st == GN_EFORMAT && !z && strstr(e.msg, "line 2, column 3: a NUL byte"), "NUL byte: %s", e.msg);
    }

    /* the budget is checked before allocating: 1100 x 8192 zeros (69 MiB) */
    {
        size_t rows = 1100, cols = 8192, len = rows * cols * 2;
        char *s = malloc(len + 1);
        for (size_t i = 0; i < rows * cols; i++) { s[2 * i] = '0'; s[2 * i + 1] = (i + 1) % cols ? ',' : '\n'; }
        setenv("GANGLION_MEM_LIMIT", "32M", 1);
        gsl_matrix *z = NULL;
        int st = gn_csv_parse(s, len, "big.csv", &z, &e);
        CHECK(st == GN_ENOMEM && !z && strstr(e.msg, "GiB"), "a 1100x8192 CSV over a 32 MiB budget: %s", e.msg);
        unsetenv("GANGLION_MEM_LIMIT");
        free(s);
    }

    /* m:csv's writer and the reader round-trip exactly */
    {
        double v[6] = {M_PI, -1.0 / 3, 6.02214076e23, 4.9e-324, NAN, -INFINITY};
        gsl_matrix *a = gsl_matrix_alloc(2, 3);
        memcpy(a->data, v, sizeof v);
        char path[] = "/tmp/gn_test_csv_XXXXXX";
        int fd = mkstemp(path);
        if (fd >= 0) close(fd);
        CHECK(gn_csv_save(a, path, &e) == GN_OK, "writes a CSV (%s)", e.msg);
        gsl_matrix *b = NULL;
        CHECK(gn_csv_load(&b, path, &e) == GN_OK, "reads it back (%s)", e.msg);
        int same = b && b->size1 == 2 && b->size2 == 3;
        for (int i = 0; same && i < 6; i++)
            same = isnan(v[i]) ? isnan(b->data[i]) : memcmp(&v[i], &b->data[i], sizeof(double)) == 0;
        CHECK(same, "m:csv then load: the same doubles, bit for bit");
        unlink(path);
        gsl_matrix *c = NULL;
        CHECK(gn_csv_load(&c, "/nonexistent/x.csv", &e) == GN_EIO && !c, "missing file: %s", e.msg);
        CHECK(gn_csv_load(&c, "/tmp", &e) == GN_EIO && !c, "a folder: %s", e.msg);
        gsl_matrix_free(a);
        if (b) gsl_matrix_free(b);
    }
    CHECK_DONE();
}
