/* test_gn.c — error reporting and size limits shared by the core. */
#include "check.h"
#include "gn.h"
#include <string.h>

int main(void)
{
    gn_err e = {0};
    CHECK(gn_fail(&e, GN_EINVAL, "n must be > 0, got %d", -3) == GN_EINVAL, "gn_fail returns its code");
    CHECK(strcmp(e.msg, "n must be > 0, got -3") == 0, "gn_fail formats the message");
    CHECK(gn_fail(NULL, GN_EIO, "x") == GN_EIO, "gn_fail accepts a NULL err");
    CHECK(gn_check_size(3, 4, &e) == GN_OK, "3x4 is allocatable");
    CHECK(gn_check_size(1000000000000ull, 1000000000000ull, &e) == GN_ENOMEM, "1e12x1e12 is refused");
    CHECK(strstr(e.msg, "too large") != NULL, "refusal says too large: %s", e.msg);
    CHECK(gn_check_size(0, 4, &e) == GN_EINVAL, "0 rows is refused");
    CHECK_DONE();
}
