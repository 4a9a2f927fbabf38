/* arrays_io.c — named matrices in .npz (libzip) and .mat (libmatio) files.
 * Members of an .npz are parsed by the .npy reader (npy.c) through an
 * in-memory file, so both formats share one strict parser; writers build
 * the whole file in memory and hand it to the atomic writer. */
#include "open_read.h"
#include "mat.h"
#include "arrays_io.h"
#include "atomic_file.h"
#include "npy.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zip.h>
#include <matio.h>

void gn_arrays_free(gn_arrays *a)
{
    for (size_t i = 0; i < a->count; i++) {
        free(a->names[i]);
        if (a->mats[i]) gn_mat_free(a->mats[i]);
    }
    free(a->names);
    free(a->mats);
    a->count = 0;
    a->names = NULL;
    a->mats = NULL;
}

/* Appends (name, m) to a, taking m; GN_ENOMEM on failure (m freed). */
static int push(gn_arrays *a, const char *name, size_t len, gsl_matrix *m, gn_err *err)
{
    char **nn = realloc(a->names, (a->count + 1) * sizeof *nn);
    if (nn) a->names = nn;
    gsl_matrix **mm = nn ? realloc(a->mats, (a->count + 1) * sizeof *mm) : NULL;
    if (mm) a->mats = mm;
    char *s = mm ? strndup(name, len) : NULL;
    if (!s) {
        gn_mat_free(m);
        return gn_fail(err, GN_ENOMEM, "out of memory");
    }
    a->names[a->count] = s;
    a->mats[a->count++] = m;
    return GN_OK;
}

/* ---- .npz ------------------------------------------------------------------- */

/* Parses one .npy member held in memory with gn_npy_load, through a memfd;
 * the reader's messages name the member, not the descriptor. */
static int npy_from_memory(gsl_matrix **out, const void *buf, size_t n, const char *path, const char *member,
                           gn_err *err)
{
    int fd = memfd_create("npz-member", MFD_CLOEXEC);
    if (fd < 0) return gn_fail(err, GN_EIO, "'%s': cannot make an in-memory file: %s", path, strerror(errno));
    const char *p = buf;
    size_t left = n;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w <= 0) { close(fd); return gn_fail(err, GN_EIO, "'%s': cannot buffer member '%s'", path, member); }
        p += w;
        left -= (size_t)w;
    }
    char fdpath[64];
    snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", fd);
    gn_err e = {0};
    int rc = gn_npy_load(out, fdpath, &e);
    close(fd);
    if (rc) {
        char msg[sizeof e.msg];
        const char *at = strstr(e.msg, fdpath);
        if (at) snprintf(msg, sizeof msg, "%.*s%s%s", (int)(at - e.msg), e.msg, member, at + strlen(fdpath));
        else snprintf(msg, sizeof msg, "%s", e.msg);
        return gn_fail(err, rc, "'%s': member %s", path, msg);
    }
    return GN_OK;
}

int gn_npz_load(gn_arrays *out, const char *path, gn_err *err)
{
    memset(out, 0, sizeof *out);
    FILE *probe = gn_open_read(path, NULL, err);   /* no FIFO reaches libzip's open */
    if (!probe) return GN_EIO;
    fclose(probe);
    int zerr = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);
    if (!z) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        int rc = gn_fail(err, zerr == ZIP_ER_NOENT || zerr == ZIP_ER_OPEN || zerr == ZIP_ER_READ ? GN_EIO : GN_EFORMAT,
                         "cannot read '%s' as an .npz (zip) file: %s", path, zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return rc;
    }
    int rc = GN_OK;
    zip_int64_t n = zip_get_num_entries(z, 0);
    for (zip_int64_t i = 0; i < n && rc == GN_OK; i++) {
        zip_stat_t st;
        if (zip_stat_index(z, (zip_uint64_t)i, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) || !st.name) {
            rc = gn_fail(err, GN_EFORMAT, "'%s': unreadable member %lld", path, (long long)i);
            break;
        }
        size_t len = strlen(st.name);
        if (len == 0 || st.name[len - 1] == '/') continue;   /* a folder entry */
        if (st.size > (zip_uint64_t)GN_MAX_ELEMS * 8 + (1 << 20)) {
            rc = gn_fail(err, GN_ENOMEM, "'%s': member '%s' is too large", path, st.name);
            break;
        }
        char *buf = malloc(st.size ? st.size : 1);
        zip_file_t *f = buf ? zip_fopen_index(z, (zip_uint64_t)i, 0) : NULL;
        zip_int64_t got = f ? zip_fread(f, buf, st.size) : -1;
        if (f) zip_fclose(f);
        if (got < 0 || (zip_uint64_t)got != st.size) {
            free(buf);
            rc = gn_fail(err, buf ? GN_EFORMAT : GN_ENOMEM, "'%s': cannot read member '%s'", path, st.name);
            break;
        }
        gsl_matrix *m = NULL;
        rc = npy_from_memory(&m, buf, st.size, path, st.name, err);
        free(buf);
        if (rc) break;
        size_t nl = len > 4 && strcmp(st.name + len - 4, ".npy") == 0 ? len - 4 : len;
        rc = push(out, st.name, nl, m, err);
    }
    zip_discard(z);
    if (rc) gn_arrays_free(out);
    return rc;
}

/* One float64 C-order .npy image of m (format 1.0), malloc'ed. */
static void *npy_image(const gsl_matrix *m, size_t *len)
{
    char hdr[128];
    int h = snprintf(hdr, sizeof hdr, "{'descr': '<f8', 'fortran_order': False, 'shape': (%zu, %zu), }",
                     m->size1, m->size2);
    size_t total = 10 + (size_t)h + 1;
    size_t pad = (64 - total % 64) % 64;
    size_t hl = (size_t)h + pad + 1;
    size_t n = m->size1 * m->size2;
    unsigned char *p = malloc(10 + hl + n * sizeof(double));
    if (!p) return NULL;
    memcpy(p, "\x93NUMPY\x01\x00", 8);
    p[8] = (unsigned char)(hl & 0xff);
    p[9] = (unsigned char)(hl >> 8);
    memcpy(p + 10, hdr, (size_t)h);
    memset(p + 10 + h, ' ', pad);
    p[10 + hl - 1] = '\n';
    double *d = (double *)(void *)(p + 10 + hl);   /* memcpy below: alignment not assumed */
    for (size_t i = 0; i < m->size1; i++)
        memcpy((unsigned char *)d + i * m->size2 * sizeof(double), m->data + i * m->tda, m->size2 * sizeof(double));
    *len = 10 + hl + n * sizeof(double);
    return p;
}

int gn_npz_save(const char *path, size_t count, const char *const *names, const gsl_matrix *const *mats,
                gn_err *err)
{
    int rc = gn_atomic_check_target(path, err);
    if (rc) return rc;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_t *z = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
    if (!z) {
        if (src) zip_source_free(src);
        zip_error_fini(&ze);
        return gn_fail(err, GN_ENOMEM, "'%s': cannot start an in-memory zip", path);
    }
    zip_source_keep(src);
    for (size_t k = 0; k < count && rc == GN_OK; k++) {
        size_t len;
        void *img = npy_image(mats[k], &len);
        char member[300];
        snprintf(member, sizeof member, "%s.npy", names[k]);
        zip_source_t *s = img ? zip_source_buffer(z, img, len, 1) : NULL;
        zip_int64_t idx = s ? zip_file_add(z, member, s, ZIP_FL_ENC_UTF_8) : -1;
        if (idx < 0) {
            if (s) zip_source_free(s);
            else free(img);
            rc = gn_fail(err, GN_ENOMEM, "'%s': cannot add member '%s'", path, member);
        } else {
            zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
        }
    }
    if (rc) { zip_discard(z); zip_source_free(src); zip_error_fini(&ze); return rc; }
    if (zip_close(z) != 0) {
        zip_discard(z);
        zip_source_free(src);
        zip_error_fini(&ze);
        return gn_fail(err, GN_ENOMEM, "'%s': cannot finish the zip", path);
    }
    zip_stat_t st;
    void *data = NULL;
    if (zip_source_stat(src, &st) == 0 && zip_source_open(src) == 0) {
        data = malloc(st.size ? st.size : 1);
        if (data && zip_source_read(src, data, st.size) != (zip_int64_t)st.size) { free(data); data = NULL; }
        zip_source_close(src);
    }
    zip_source_free(src);
    zip_error_fini(&ze);
    if (!data) return gn_fail(err, GN_ENOMEM, "'%s': cannot read back the zip", path);
    rc = gn_atomic_write(path, data, st.size, err);
    free(data);
    return rc;
}

/* ---- .mat --------------------------------------------------------------------- */

/* Element k of a numeric matio variable's data as a double. */
static double element(const matvar_t *v, size_t k)
{
    switch (v->data_type) {
    case MAT_T_DOUBLE: return ((const double *)v->data)[k];
    case MAT_T_SINGLE: return ((const float *)v->data)[k];
    case MAT_T_INT8: return ((const int8_t *)v->data)[k];
    case MAT_T_UINT8: return ((const uint8_t *)v->data)[k];
    case MAT_T_INT16: return ((const int16_t *)v->data)[k];
    case MAT_T_UINT16: return ((const uint16_t *)v->data)[k];
    case MAT_T_INT32: return ((const int32_t *)v->data)[k];
    case MAT_T_UINT32: return ((const uint32_t *)v->data)[k];
    case MAT_T_INT64: return (double)((const int64_t *)v->data)[k];
    case MAT_T_UINT64: return (double)((const uint64_t *)v->data)[k];
    default: return NAN;
    }
}

int gn_matfile_load(gn_arrays *out, size_t *skipped, const char *path, gn_err *err)
{
    memset(out, 0, sizeof *out);
    if (skipped) *skipped = 0;
    FILE *probe = gn_open_read(path, NULL, err);
    if (!probe) return GN_EIO;
    fclose(probe);
    mat_t *mf = Mat_Open(path, MAT_ACC_RDONLY);
    if (!mf) return gn_fail(err, GN_EFORMAT, "'%s' is not a MATLAB .mat file libmatio can read", path);
    int rc = GN_OK;
    matvar_t *v;
    while (rc == GN_OK && (v = Mat_VarReadNext(mf)) != NULL) {
        int numeric = v->class_type == MAT_C_DOUBLE || v->class_type == MAT_C_SINGLE ||
                      (v->class_type >= MAT_C_INT8 && v->class_type <= MAT_C_UINT64);
        if (!numeric || v->rank != 2 || v->isComplex || !v->data || !v->name) {
            if (skipped) (*skipped)++;
            Mat_VarFree(v);
            continue;
        }
        size_t r = v->dims[0], c = v->dims[1];
        if (r == 0 || c == 0) { if (skipped) (*skipped)++; Mat_VarFree(v); continue; }
        if ((rc = gn_check_size(r, c, err))) { Mat_VarFree(v); break; }
        gsl_matrix *m = gn_mat_alloc(r, c, 0);
        if (!m) { rc = gn_fail(err, GN_ENOMEM, "'%s': out of memory for '%s'", path, v->name); Mat_VarFree(v); break; }
        for (size_t j = 0; j < c; j++)   /* MATLAB stores columns */
            for (size_t i = 0; i < r; i++) m->data[i * m->tda + j] = element(v, j * r + i);
        rc = push(out, v->name, strlen(v->name), m, err);
        Mat_VarFree(v);
    }
    Mat_Close(mf);
    if (rc) gn_arrays_free(out);
    return rc;
}

static int valid_name(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))) return 0;
    size_t n = 0;
    for (; *s; s++, n++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_')) return 0;
    return n <= 63;
}

/* libmatio writes to a path, so the file is made in a private temporary
 * folder, read back and handed to the atomic writer. */
int gn_matfile_save(const char *path, size_t count, const char *const *names, const gsl_matrix *const *mats,
                    gn_err *err)
{
    int rc = gn_atomic_check_target(path, err);
    if (rc) return rc;
    for (size_t k = 0; k < count; k++)
        if (!valid_name(names[k]))
            return gn_fail(err, GN_EINVAL, "'%s' is not a valid MATLAB variable name", names[k]);
    char dir[] = "/tmp/ganglion-mat-XXXXXX";
    const char *tmpdir = getenv("TMPDIR");
    char tdir[4096];
    snprintf(tdir, sizeof tdir, "%s/ganglion-mat-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    char *d = mkdtemp(tdir);
    if (!d) d = mkdtemp(dir);
    if (!d) return gn_fail(err, GN_EIO, "cannot make a temporary folder: %s", strerror(errno));
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s/out.mat", d);
    mat_t *mf = Mat_CreateVer(tmp, NULL, MAT_FT_MAT5);
    if (!mf) rc = gn_fail(err, GN_EIO, "cannot create a .mat file in %s", d);
    for (size_t k = 0; k < count && rc == GN_OK; k++) {
        const gsl_matrix *m = mats[k];
        size_t r = m->size1, c = m->size2, dims[2] = {r, c};
        double *col = malloc((r && c ? r * c : 1) * sizeof *col);
        if (!col) { rc = gn_fail(err, GN_ENOMEM, "out of memory"); break; }
        for (size_t j = 0; j < c; j++)
            for (size_t i = 0; i < r; i++) col[j * r + i] = m->data[i * m->tda + j];
        matvar_t *v = Mat_VarCreate(names[k], MAT_C_DOUBLE, MAT_T_DOUBLE, 2, dims, col, 0);
        if (!v || Mat_VarWrite(mf, v, MAT_COMPRESSION_NONE) != 0)
            rc = gn_fail(err, GN_EIO, "cannot write variable '%s'", names[k]);
        if (v) Mat_VarFree(v);
        free(col);
    }
    if (mf) Mat_Close(mf);
    void *data = NULL;
    long size = 0;
    if (rc == GN_OK) {
        FILE *f = fopen(tmp, "rb");
        if (f && fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
            (data = malloc((size_t)size)) && fread(data, 1, (size_t)size, f) != (size_t)size) {
            free(data);
            data = NULL;
        }
        if (f) fclose(f);
        if (!data) rc = gn_fail(err, GN_EIO, "cannot read back the .mat file written in %s", d);
    }
    unlink(tmp);
    rmdir(d);
    if (rc == GN_OK) rc = gn_atomic_write(path, data, (size_t)size, err);
    free(data);
    return rc;
}
