/* test_journal.c — the session journal: framed records that round-trip any
 * text byte for byte, write-ahead, one locked writer, never a torn record
 * on a full disk, and the parser replay uses (format 2, hand-edited and
 * format 1 files). */
#include "check.h"
#include "journal.h"
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/gn_journalXXXXXX";

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    if (len) *len = n;
    return buf;
}

static const char *path_of(const char *name) { return check_path(dir, name); }

static int same(const gn_chunk *c, const char *code)
{
    return c->len == strlen(code) && memcmp(c->code, code, c->len) == 0;
}

/* Texts that broke the old line-based splitter, and plain ones. */
static const char *CODES[] = {
    "x = 1",
    "s = [[\n-- [2]\n-- [7] 12 bytes\n-- [1] ok\nnot a marker]]",
    "",
    "trailing_newlines = 1\n\n",
    "for i = 1, 3 do\n  print(i)\nend",
};
#define NCODES (int)(sizeof CODES / sizeof *CODES)

static void test_roundtrip(void)
{
    gn_journal j;
    gn_err e = {0};
    const char *p = path_of("rt.lua");
    CHECK(gn_journal_create(&j, p, "9.9", 1234, &e) == GN_OK, "create %s", e.msg);
    for (int i = 0; i < NCODES; i++) {
        CHECK(gn_journal_begin(&j, CODES[i], &e) == GN_OK, "begin chunk %d", i + 1);
        if (i == 0) {
            size_t n;
            char *t = slurp(p, &n);
            CHECK(t && strstr(t, "-- [1] 5 bytes\nx = 1\n"), "the chunk is on disk before it runs");
            CHECK(strncmp(t, GN_JOURNAL_MAGIC2 "\n", strlen(GN_JOURNAL_MAGIC2) + 1) == 0, "format-2 first line");
            char pid[32];
            snprintf(pid, sizeof pid, "pid %ld", (long)getpid());
            CHECK(strstr(t, "seed 1234") && strstr(t, "ganglion 9.9") && strstr(t, pid), "header: version, seed, pid");
        }
        if (i == 2) continue;   /* chunk 3 never finishes (as if killed) */
        unsigned long intr[2] = {4021 * 2, 99812 * 2 + 1};
        int ok = i != 1;
        CHECK(gn_journal_end(&j, ok, intr, i == 4 ? 2 : (i == 1 ? 1 : 0),
                             ok ? NULL : "chunk 2:1: boom\nstack traceback:\n  here", &e) == GN_OK,
              "end chunk %d", i + 1);
    }
    size_t n;
    char *t = slurp(p, &n);
    CHECK(strstr(t, "-- [2] error; interrupted at poll 4021: chunk 2:1: boom\n") != NULL,
          "error trailer: interrupt poll and the message's first line");
    CHECK(strstr(t, "-- [5] ok; interrupted at polls 4021 99812+\n") != NULL, "two interrupts recorded, one in Lua code");
    gn_chunk *c;
    int framed;
    int k = gn_journal_parse(t, n, &c, &framed, &e);
    CHECK(k == NCODES && framed, "parse finds %d framed chunks (got %d, framed %d)", NCODES, k, framed);
    for (int i = 0; i < k && i < NCODES; i++)
        CHECK(same(&c[i], CODES[i]), "chunk %d round-trips byte for byte", i + 1);
    if (k == NCODES) {
        CHECK(c[0].status == GN_CHUNK_OK && c[0].nintr == 0, "chunk 1 ok");
        CHECK(c[1].status == GN_CHUNK_ERROR && c[1].nintr == 1 && c[1].intr[0] == 4021 * 2 &&
              strncmp(c[1].msg, "chunk 2:1: boom", 15) == 0, "chunk 2 error, interrupt at 4021, message");
        CHECK(c[2].status == GN_CHUNK_UNFINISHED, "chunk 3 without a trailer is unfinished");
        CHECK(c[4].nintr == 2 && c[4].intr[1] == 99812 * 2 + 1, "chunk 5 interrupts (one in Lua code: P+)");
    }
    free(c);

    /* One writer: the file exists and is locked. */
    gn_journal j2;
    CHECK(gn_journal_create(&j2, p, "9.9", 1, &e) != GN_OK && strstr(e.msg, "in use by another ganglion"),
          "a second writer is refused: %s", e.msg);
    char pid[32];
    snprintf(pid, sizeof pid, "pid %ld", (long)getpid());
    CHECK(strstr(e.msg, pid) != NULL, "the refusal names the holder's pid");
    long holder = 0;
    CHECK(gn_journal_holder(p, &holder) && holder == (long)getpid(), "holder() sees the lock (pid %ld)", holder);
    gn_journal_close(&j);
    CHECK(!gn_journal_holder(p, &holder), "the lock ends with the session");
    CHECK(gn_journal_create(&j2, p, "9.9", 1, &e) != GN_OK && strstr(e.msg, "already exists"),
          "an existing journal is never reused: %s", e.msg);
    size_t n2;
    slurp(p, &n2);
    CHECK(n2 == n, "the refused file is untouched");

    /* A hand edit breaks the lengths: split at marker lines instead. */
    char *edited = malloc(n + 16);
    char *at = strstr(t, "x = 1");
    memcpy(edited, t, (size_t)(at - t));
    strcpy(edited + (at - t), "x = 12345");
    strcat(edited, at + 5);
    k = gn_journal_parse(edited, strlen(edited), &c, &framed, &e);
    CHECK(!framed && k >= 4 && c[0].len == 9 && strncmp(c[0].code, "x = 12345", 9) == 0,
          "an edited journal falls back to marker lines (framed %d, %d chunks)", framed, k);
    free(c);
    free(edited);
}

static void test_v1(void)
{
    const char *v1 = GN_JOURNAL_MAGIC "\n-- ganglion 0.1.0, started x, seed 1\n-- [1]\nseed(1)\n"
                     "-- [2]\nx = 2\n-- [3] error\n-- error: boom\n-- y = nil + 1\n-- [4]\nprint(x)\n";
    gn_chunk *c;
    int framed;
    gn_err e = {0};
    int k = gn_journal_parse(v1, strlen(v1), &c, &framed, &e);
    CHECK(k == 4 && !framed, "a format-1 journal splits into 4 chunks (got %d)", k);
    if (k == 4) {
        CHECK(same(&c[1], "x = 2") && c[1].status == GN_CHUNK_PLAIN, "format-1 chunk text");
        CHECK(strncmp(c[2].code, "-- error: boom", 14) == 0, "format-1 failed chunk stays a comment");
        CHECK(same(&c[3], "print(x)"), "last format-1 chunk");
    }
    free(c);
}

/* A byte count that overflows (found by the fuzzer): no chunk may reach past the text. */
static void test_huge_count(void)
{
    const char *t = "-- ganglion session 2\n-- 1]\n-- [2] 99999999999999999999999999999998 bytes\n";
    const char *t2 = "-- ganglion session 2\n-- [1] 18446744073709551615 bytes\nx\n";
    const char *texts[2] = {t, t2};
    for (int i = 0; i < 2; i++) {
        gn_chunk *c = NULL;
        int framed = 0;
        gn_err e = {0};
        size_t n = strlen(texts[i]);
        int k = gn_journal_parse(texts[i], n, &c, &framed, &e);
        int inside = 1;
        for (int j = 0; j < k; j++) inside = inside && c[j].code >= texts[i] && c[j].len <= n &&
                                                 c[j].code + c[j].len <= texts[i] + n;
        CHECK(!framed && inside, "an overflowing byte count (case %d) is not framing; chunks stay inside the text", i + 1);
        free(c);
    }
}

static void test_version(void)
{
    char v[32];
    const char *j2 = GN_JOURNAL_MAGIC2 "\n-- ganglion 0.1.0, started x, seed 1, pid 2\n-- [1] 1 bytes\nx\n";
    CHECK(gn_journal_version(j2, strlen(j2), v, sizeof v) && strcmp(v, "0.1.0") == 0,
          "the version of a format-2 journal (%s)", v);
    const char *j1 = GN_JOURNAL_MAGIC "\n-- ganglion 0.2.0, started x, seed 1\n-- [1]\nx\n";
    CHECK(gn_journal_version(j1, strlen(j1), v, sizeof v) && strcmp(v, "0.2.0") == 0,
          "the version of a format-1 journal (%s)", v);
    const char *bad[] = { "-- ganglion session 2\nx = 1\n", "-- ganglion session 2\n-- ganglion 0.1.0\n",
                          "print(1)\n-- ganglion 1.0, started\n", "-- ganglion session 2\n-- ganglion , x\n",
                          "-- ganglion session 2\n-- ganglion 0.1.0" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CHECK(!gn_journal_version(bad[i], strlen(bad[i]), v, sizeof v), "no version in bad header %zu", i);
    char tiny[4];
    CHECK(!gn_journal_version(j2, strlen(j2), tiny, sizeof tiny), "a version longer than the buffer is refused");
}

static void test_names(void)
{
    gn_journal a, b;
    gn_err e = {0};
    char base[600];
    snprintf(base, sizeof base, "%s/sess", dir);
    CHECK(gn_journal_create_free(&a, base, "9.9", 1, &e) == GN_OK && strcmp(a.path + strlen(dir), "/sess.lua") == 0,
          "first session: sess.lua");
    CHECK(gn_journal_create_free(&b, base, "9.9", 1, &e) == GN_OK && strcmp(b.path + strlen(dir), "/sess-2.lua") == 0,
          "second session: sess-2.lua");
    gn_journal_close(&a);
    gn_journal_close(&b);
    /* journal(path): the session continues in a new file with everything so far. */
    const char *p = path_of("moved-from.lua"), *q = path_of("moved-to.lua");
    gn_journal j;
    gn_journal_create(&j, p, "9.9", 1, &e);
    gn_journal_begin(&j, "a = 1", &e);
    gn_journal_end(&j, 1, NULL, 0, NULL, &e);
    CHECK(gn_journal_move(&j, q, &e) == GN_OK, "move %s", e.msg);
    gn_journal_begin(&j, "b = 2", &e);
    gn_journal_end(&j, 1, NULL, 0, NULL, &e);
    gn_journal_close(&j);
    size_t n;
    char *t = slurp(q, &n);
    CHECK(t && strstr(t, "a = 1") && strstr(t, "b = 2") && strstr(t, "seed 1"), "moved journal holds all chunks");
    CHECK(gn_journal_move(&j, q, &e) != GN_OK, "move without a journal is refused");
}

/* A full disk, simulated with RLIMIT_FSIZE (writes past it fail with
 * EFBIG, as ENOSPC would): nothing partial stays, the records wait in
 * memory and land in order once there is room. */
static void test_full_disk(void)
{
    signal(SIGXFSZ, SIG_IGN);
    gn_journal j;
    gn_err e = {0};
    const char *p = path_of("full.lua");
    gn_journal_create(&j, p, "9.9", 7, &e);
    gn_journal_begin(&j, "before = 1", &e);
    gn_journal_end(&j, 1, NULL, 0, NULL, &e);
    struct stat st;
    stat(p, &st);
    off_t size0 = st.st_size;
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = (rlim_t)size0 + 20;
    setrlimit(RLIMIT_FSIZE, &lim);
    char big[200];
    memset(big, 'x', sizeof big - 1);
    big[0] = '-'; big[1] = '-'; big[sizeof big - 1] = 0;
    int rc = gn_journal_begin(&j, big, &e);
    stat(p, &st);
    CHECK(rc == GN_EIO && strstr(e.msg, "kept in memory"), "a refused write is reported: %s", e.msg);
    CHECK(st.st_size == size0, "nothing partial stays in the file (%ld vs %ld bytes)", (long)st.st_size, (long)size0);
    CHECK(gn_journal_unsaved(&j) > sizeof big, "the record waits in memory (%zu bytes)", gn_journal_unsaved(&j));
    gn_journal_end(&j, 1, NULL, 0, NULL, &e);
    setrlimit(RLIMIT_FSIZE, &old);
    CHECK(gn_journal_begin(&j, "after = 2", &e) == GN_OK && gn_journal_unsaved(&j) == 0,
          "with room again, the kept records and the new one are written");
    gn_journal_end(&j, 1, NULL, 0, NULL, &e);
    gn_journal_close(&j);
    size_t n;
    char *t = slurp(p, &n);
    gn_chunk *c;
    int framed;
    int k = gn_journal_parse(t, n, &c, &framed, &e);
    CHECK(k == 3 && framed && same(&c[1], big) && same(&c[2], "after = 2") && c[1].status == GN_CHUNK_OK,
          "the journal reads back whole, in order (%d chunks, framed %d)", k, framed);
    free(c);
}

int main(void)
{
    if (!mkdtemp(dir)) return 1;
    test_roundtrip();
    test_v1();
    test_huge_count();
    test_version();
    test_names();
    test_full_disk();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) return 1;
    CHECK_DONE();
}
