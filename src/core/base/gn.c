/* gn.c — error reporting and size checks shared by the core. */
#include "gn.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int gn_fail(gn_err *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

int gn_check_size(size_t rows, size_t cols, gn_err *err)
{
    if (rows == 0 || cols == 0)
        return gn_fail(err, GN_EINVAL, "matrix dimensions must be positive, got %zux%zu", rows, cols);
    if (rows > GN_MAX_ELEMS || cols > GN_MAX_ELEMS || rows * cols > GN_MAX_ELEMS)
        return gn_fail(err, GN_ENOMEM, "%zux%zu matrix is too large (limit %zu elements)",
                       rows, cols, (size_t)GN_MAX_ELEMS);
    char what[64];
    snprintf(what, sizeof what, "a %zux%zu matrix", rows, cols);
    return gn_check_bytes((double)rows * (double)cols * sizeof(double), what, err);
}

/* Parses "123", "1.5G", "512M" (powers of 1024); 0 when malformed. */
static double parse_bytes(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || !(v > 0)) return 0;
    while (*end == ' ') end++;
    const char *units = "KMGT";
    const char *u = *end ? strchr(units, *end == 'k' ? 'K' : *end) : NULL;
    if (u && *end) {
        for (const char *p = units; p <= u; p++) v *= 1024;
        end++;
        if (*end == 'B' || *end == 'b') end++;
        if (*end == 'i' && end[1] == 'B') end += 2;
    }
    return *end ? 0 : v;
}

size_t gn_mem_budget(void)
{
    const char *env = getenv("GANGLION_MEM_LIMIT");
    if (env && *env) {
        double v = parse_bytes(env);
        if (v > 0) return v >= (double)SIZE_MAX ? SIZE_MAX : (size_t)v;
    }
    FILE *f = fopen("/proc/meminfo", "r");
    if (f) {
        char line[128];
        unsigned long long kb;
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) {
                fclose(f);
                return (size_t)kb * 1024;
            }
        fclose(f);
    }
    long pages = sysconf(_SC_AVPHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
    if (pages > 0 && psz > 0) return (size_t)pages * (size_t)psz;
    return SIZE_MAX;
}

int gn_check_bytes(double bytes, const char *what, gn_err *err)
{
    if (!(bytes >= 0)) return gn_fail(err, GN_ENOMEM, "%s: size is not a number", what);
    if (bytes < GN_MEM_CHECK_MIN) return GN_OK;
    size_t budget = gn_mem_budget();
    if (bytes <= (double)budget) return GN_OK;
    const double gib = 1024.0 * 1024.0 * 1024.0;
    const char *env = getenv("GANGLION_MEM_LIMIT");
    if (env && *env && parse_bytes(env) > 0)
        return gn_fail(err, GN_ENOMEM, "%s needs %.3g GiB; the budget GANGLION_MEM_LIMIT=%s "
                       "allows %.3g GiB", what, bytes / gib, env, (double)budget / gib);
    return gn_fail(err, GN_ENOMEM, "%s needs %.3g GiB, %.3g GiB available (set "
                   "GANGLION_MEM_LIMIT to change the budget)", what, bytes / gib,
                   (double)budget / gib);
}

long long gn_file_bytes_left(FILE *f)
{
    long here = ftell(f);
    if (here < 0 || fseek(f, 0, SEEK_END) != 0) return -1;
    long end = ftell(f);
    if (fseek(f, here, SEEK_SET) != 0 || end < here) return -1;
    return (long long)(end - here);
}
