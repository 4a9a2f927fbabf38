/* test_journal.c — write-through journal: chunks reach the file before they
 * run, failed chunks become comments, and the splitter recovers chunks. */
#include "check.h"
#include "journal.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

int main(void)
{
    char path[] = "/tmp/gn_journalXXXXXX";
    int fd = mkstemp(path);
    close(fd);
    gn_journal j;
    gn_err e = {0};
    CHECK(gn_journal_open(&j, path, "9.9", 1234, &e) == GN_OK, "open");
    CHECK(gn_journal_chunk(&j, "x = 1", &e) == GN_OK, "chunk 1");
    /* Without closing: the text must already be in the file (kill -9 safety). */
    char *t = slurp(path);
    CHECK(t && strstr(t, "-- [1]\nx = 1\n"), "chunk is on disk before close");
    CHECK(strncmp(t, GN_JOURNAL_MAGIC "\n", strlen(GN_JOURNAL_MAGIC) + 1) == 0, "magic first line");
    CHECK(strstr(t, "seed 1234") && strstr(t, "ganglion 9.9"), "header has version and seed");
    gn_journal_chunk(&j, "for i = 1, 2 do\n  y = nil + i\nend", &e);
    CHECK(gn_journal_fail(&j, "for i = 1, 2 do\n  y = nil + i\nend", "chunk 2:2: attempt to perform arithmetic on a nil value", &e) == GN_OK, "fail");
    gn_journal_chunk(&j, "z = 3", &e);
    t = slurp(path);
    CHECK(strstr(t, "-- [2] error\n-- error: chunk 2:2: attempt") != NULL, "failed chunk carries its error");
    CHECK(strstr(t, "--   y = nil + i\n") != NULL, "failed chunk kept as comment");
    CHECK(strstr(t, "\n  y = nil") == NULL, "failed chunk no longer runs");
    CHECK(strstr(t, "-- [3]\nz = 3\n") != NULL, "next chunk after the failure");
    const char **starts;
    size_t *lens;
    int n = gn_journal_split(t, &starts, &lens, &e);
    CHECK(n == 3, "split finds 3 chunks (got %d)", n);
    CHECK(n == 3 && lens[0] == 6 && strncmp(starts[0], "x = 1\n", 6) == 0, "chunk 1 text");
    CHECK(n == 3 && strncmp(starts[2], "z = 3", 5) == 0, "chunk 3 text");
    free(starts);
    free(lens);
    gn_journal_close(&j);
    CHECK(gn_journal_open(&j, "/nonexistent/dir/j.lua", "9.9", 1, &e) == GN_EIO, "unwritable path: %s", e.msg);
    unlink(path);
    CHECK_DONE();
}
