/* test_npy.c — .npy round trips, Fortran order, and hostile files. */
#include "check.h"
#include "gn.h"
#include "npy.h"
#include "csv.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void write_bytes(const char *path, const void *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    fwrite(b, 1, n, f);
    fclose(f);
}

/* Builds a v1.0 .npy with the given header dict and raw data. */
static void write_npy(const char *path, const char *dict, const double *d, size_t n)
{
    char buf[4096];
    size_t hl = strlen(dict);
    size_t pad = (64 - (10 + hl + 1) % 64) % 64;
    memcpy(buf, "\x93NUMPY\x01\x00", 8);
    unsigned short h = (unsigned short)(hl + pad + 1);
    buf[8] = (char)(h & 0xff); buf[9] = (char)(h >> 8);
    memcpy(buf + 10, dict, hl);
    memset(buf + 10 + hl, ' ', pad);
    buf[10 + hl + pad] = '\n';
    size_t off = 10 + hl + pad + 1;
    memcpy(buf + off, d, n * sizeof(double));
    write_bytes(path, buf, off + n * sizeof(double));
}

int main(void)
{
    char dir[] = "/tmp/gn_npyXXXXXX";
    if (!mkdtemp(dir)) return 1;
    char p[256];
    gn_err e = {0};
    gsl_matrix *m = gsl_matrix_alloc(3, 4), *r = NULL;
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 4; j++) gsl_matrix_set(m, i, j, 2.385 * (double)i - 1.0 / (double)(j + 3));
    snprintf(p, sizeof p, "%s/a.npy", dir);
    CHECK(gn_npy_save(m, p, &e) == GN_OK, "save 3x4");
    CHECK(gn_npy_load(&r, p, &e) == GN_OK, "load it back");
    CHECK(r && gsl_matrix_equal(m, r), "round trip is bit-exact");
    gsl_matrix_free(r);

    /* The header must be padded to a multiple of 64 bytes, as NumPy writes it. */
    FILE *f = fopen(p, "rb");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    CHECK((size - 12 * 8) % 64 == 0, "data starts on a 64-byte boundary (file %ld bytes)", size);

    double d[6] = {1, 2, 3, 4, 5, 6};
    snprintf(p, sizeof p, "%s/f.npy", dir);
    write_npy(p, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", d, 6);
    CHECK(gn_npy_load(&r, p, &e) == GN_OK, "load Fortran order");
    CHECK(r && gsl_matrix_get(r, 0, 1) == 3 && gsl_matrix_get(r, 1, 0) == 2 && gsl_matrix_get(r, 1, 2) == 6,
          "Fortran order is transposed into place");
    gsl_matrix_free(r);

    snprintf(p, sizeof p, "%s/v.npy", dir);
    write_npy(p, "{'descr': '<f8', 'fortran_order': False, 'shape': (5,), }", d, 5);
    CHECK(gn_npy_load(&r, p, &e) == GN_OK && r->size1 == 5 && r->size2 == 1, "1-D loads as a column");
    gsl_matrix_free(r);

    snprintf(p, sizeof p, "%s/i.npy", dir);
    write_npy(p, "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", d, 1);
    CHECK(gn_npy_load(&r, p, &e) == GN_EFORMAT && strstr(e.msg, "<i4"), "int32 dtype refused: %s", e.msg);

    snprintf(p, sizeof p, "%s/t.npy", dir);
    write_npy(p, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 3), }", d, 6);
    CHECK(gn_npy_load(&r, p, &e) == GN_EFORMAT && strstr(e.msg, "truncated"), "truncated data refused: %s", e.msg);

    snprintf(p, sizeof p, "%s/c.npy", dir);
    write_npy(p, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, x), }", d, 6);
    CHECK(gn_npy_load(&r, p, &e) == GN_EFORMAT && strstr(e.msg, "corrupt"), "corrupt shape refused: %s", e.msg);

    snprintf(p, sizeof p, "%s/h.npy", dir);
    write_npy(p, "{'descr': '<f8', 'fortran_order': False, 'shape': (100000000000, 100000000000), }", d, 6);
    CHECK(gn_npy_load(&r, p, &e) != GN_OK && strstr(e.msg, "too large"), "absurd shape refused before allocating: %s", e.msg);

    snprintf(p, sizeof p, "%s/m.npy", dir);
    write_bytes(p, "hello world, not numpy", 22);
    CHECK(gn_npy_load(&r, p, &e) == GN_EFORMAT && strstr(e.msg, "magic"), "bad magic refused: %s", e.msg);

    /* Strict header parsing: the header is a dict literal, not a bag of substrings. */
    {
        double d6[6] = {1, 2, 3, 4, 5, 6};
        struct { const char *dict; const char *want; const char *what; } bad[] = {
            { "{'x': \"'descr': '<f8'\", 'descr': '<i8', 'fortran_order': False, 'shape': (2, 3), }",
              "unknown key 'x'", "a descr inside another key's string is not the descr" },
            { "{'descr': '<i8', 'note': \"'descr': '<f8'\", 'fortran_order': False, 'shape': (2, 3), }",
              "unknown key", "nor one inside a later string" },
            { "{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }",
              "given twice", "duplicate key refused" },
            { "{'descr': '<f8', 'fortran_order': False, 'shape': (2 3), }",
              "separated by commas", "(2 3) without a comma refused" },
            { "{'descr': '<f8', 'fortran_order': False, 'shape': (6), }",
              "trailing comma", "(6) is an int, not a 1-tuple" },
            { "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), } x",
              "after the closing", "trailing bytes after the dict refused" },
            { "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999, 1), }",
              "overflows", "an overflowing shape is reported as such" },
            { "{'descr': '<f8', 'fortran_order': Nope, 'shape': (2, 3), }",
              "True or False", "fortran_order must be a boolean literal" },
            { "{'descr': '<f8', 'shape': (2, 3), }", "no fortran_order", "missing key refused" },
            { "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2, 3), }",
              "3 dimensions", "3-D refused, naming the dimensions" },
            { "{'descr': '<f8' 'fortran_order': False, 'shape': (2, 3), }",
              "expected ','", "missing comma between entries refused" },
            { "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), ", "expected", "unclosed dict refused" },
        };
        for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
            snprintf(p, sizeof p, "%s/strict%zu.npy", dir, k);
            write_npy(p, bad[k].dict, d6, 6);
            r = NULL;
            int st = gn_npy_load(&r, p, &e);
            CHECK(st == GN_EFORMAT && !r && strstr(e.msg, bad[k].want), "%s: %s", bad[k].what, e.msg);
        }
        /* accepted spellings NumPy can produce */
        const char *good[] = {
            "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }",
            "{'descr':'<f8','fortran_order':False,'shape':(2,3)}",
            "{\"descr\": \"<f8\", \"shape\": (2, 3), \"fortran_order\": False}",
        };
        for (size_t k = 0; k < 3; k++) {
            snprintf(p, sizeof p, "%s/good%zu.npy", dir, k);
            write_npy(p, good[k], d6, 6);
            r = NULL;
            CHECK(gn_npy_load(&r, p, &e) == GN_OK && r && r->size1 == 2 && r->size2 == 3 &&
                  gsl_matrix_get(r, 1, 0) == 4, "header spelling %zu loads: %s", k, e.msg);
            if (r) gsl_matrix_free(r);
        }
        snprintf(p, sizeof p, "%s/extra.npy", dir);
        write_npy(p, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", d6, 6);
        r = NULL;
        CHECK(gn_npy_load(&r, p, &e) == GN_EFORMAT && strstr(e.msg, "bytes after the data"),
              "data longer than the shape refused: %s", e.msg);
        snprintf(p, sizeof p, "%s/big.npy", dir);
        write_npy(p, "{'descr': '<f8', 'fortran_order': False, 'shape': (40000, 40000), }", d6, 6);
        r = NULL;
        CHECK(gn_npy_load(&r, p, &e) == GN_EFORMAT && strstr(e.msg, "truncated data"),
              "a 12.8 GB shape over 48 bytes of data is refused before allocating: %s", e.msg);
    }
    CHECK(gn_npy_load(&r, "/nonexistent/x.npy", &e) == GN_EIO, "missing file: %s", e.msg);

    snprintf(p, sizeof p, "%s/a.csv", dir);
    CHECK(gn_csv_save(m, p, &e) == GN_OK, "csv written");
    f = fopen(p, "r");
    double first = 0, second = 0;
    CHECK(f && fscanf(f, "%lf,%lf", &first, &second) == 2 && first == gsl_matrix_get(m, 0, 0) &&
          second == gsl_matrix_get(m, 0, 1), "csv holds exact values");
    if (f) fclose(f);
    gsl_matrix_free(m);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) {}
    CHECK_DONE();
}
