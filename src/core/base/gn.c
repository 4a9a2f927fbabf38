/* gn.c — error reporting and size checks shared by the core. */
#include "gn.h"

#include <stdarg.h>
#include <stdio.h>

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
    return GN_OK;
}
