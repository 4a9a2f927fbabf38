/* test_gn.c — error reporting and size limits shared by the core. */
#include "check.h"
#include "gn.h"
#include <stdlib.h>
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

    /* the memory budget */
    setenv("GANGLION_MEM_LIMIT", "1G", 1);
    CHECK(gn_mem_budget() == (size_t)1 << 30, "GANGLION_MEM_LIMIT=1G is 2^30 bytes");
    CHECK(gn_check_size(10000, 10000, &e) == GN_OK, "a 0.75 GiB matrix fits a 1 GiB budget");
    CHECK(gn_check_size(20000, 10000, &e) == GN_ENOMEM, "a 1.5 GiB matrix does not");
    CHECK(strstr(e.msg, "20000x10000") && strstr(e.msg, "1.49 GiB") && strstr(e.msg, "allows 1 GiB"),
          "the refusal gives the size needed and the budget: %s", e.msg);
    setenv("GANGLION_MEM_LIMIT", "300M", 1);
    CHECK(gn_mem_budget() == (size_t)300 << 20, "300M is 300 MiB");
    setenv("GANGLION_MEM_LIMIT", "123456789", 1);
    CHECK(gn_mem_budget() == 123456789, "a plain number is bytes");
    CHECK(gn_check_bytes(1e9, "x", &e) == GN_ENOMEM && gn_check_bytes(1e6, "x", &e) == GN_OK,
          "gn_check_bytes compares with the budget");
    setenv("GANGLION_MEM_LIMIT", "lots", 1);
    size_t b = gn_mem_budget();
    unsetenv("GANGLION_MEM_LIMIT");
    CHECK(b == gn_mem_budget() && b > 0, "a malformed limit falls back to available memory (%zu)", b);

    /* gn_file_bytes_left: what remains after the position, the position kept */
    FILE *f = tmpfile();
    fwrite("0123456789abc", 1, 13, f);
    fseek(f, 5, SEEK_SET);
    CHECK(gn_file_bytes_left(f) == 8, "13-byte file read from 5: 8 bytes left");
    CHECK(ftell(f) == 5 && fgetc(f) == '5', "the read position is unchanged");
    fclose(f);
    FILE *p = popen("printf abc", "r");
    CHECK(p && gn_file_bytes_left(p) == -1, "a pipe cannot seek: -1");
    if (p) pclose(p);
    CHECK_DONE();
}
