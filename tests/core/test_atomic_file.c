/* test_atomic_file.c — the one writer every file goes through: the old
 * file survives any failure, links and special files are refused, the
 * mode follows the umask, no temporary is left behind. */
#include "check.h"
#include "atomic_file.h"
#include "journal.h"
#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static char dir[] = "/tmp/gn_atomicXXXXXX";

static const char *at(const char *name) { return check_path(dir, name); }

static const char *content(const char *path)
{
    static char buf[4096];
    FILE *f = fopen(path, "r");
    if (!f) return "(missing)";
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

/* Entries of the folder besides . and .. (temporaries would show here). */
static int entries(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(d);
    return n;
}

int main(void)
{
    if (!mkdtemp(dir)) return 1;
    gn_err e = {0};
    char p[600];
    snprintf(p, sizeof p, "%s", at("data.csv"));
    CHECK(gn_atomic_write(p, "old\n", 4, &e) == GN_OK && strcmp(content(p), "old\n") == 0, "writes a new file");
    CHECK(gn_atomic_write(p, "new content\n", 12, &e) == GN_OK && strcmp(content(p), "new content\n") == 0,
          "replaces a regular file");
    CHECK(entries() == 1, "no temporary left behind");

    /* The mode follows the umask, as fopen's would (not a forced 0600). */
    mode_t old = umask(027);
    gn_atomic_write(at("m.txt"), "x", 1, &e);
    umask(old);
    struct stat st;
    stat(at("m.txt"), &st);
    CHECK((st.st_mode & 0777) == 0640, "mode 0640 under umask 027 (got %o)", st.st_mode & 0777);

    /* A symbolic link is refused; neither it nor its target changes. */
    gn_atomic_write(at("target"), "target\n", 7, &e);
    if (symlink(at("target"), at("link")) == 0) {
        CHECK(gn_atomic_write(at("link"), "evil", 4, &e) == GN_EIO && strstr(e.msg, "symbolic link"),
              "a symlink at the target is refused: %s", e.msg);
        CHECK(lstat(at("link"), &st) == 0 && S_ISLNK(st.st_mode) && strcmp(content(at("target")), "target\n") == 0,
              "the link and its target are untouched");
    }
    /* A FIFO (as a device node would be) is refused, not opened. */
    if (mkfifo(at("fifo"), 0644) == 0)
        CHECK(gn_atomic_write(at("fifo"), "x", 1, &e) == GN_EIO && strstr(e.msg, "not a regular file"),
              "a FIFO at the target is refused: %s", e.msg);
    if (mknod(at("dev"), S_IFCHR | 0666, makedev(1, 3)) == 0)
        CHECK(gn_atomic_write(at("dev"), "x", 1, &e) == GN_EIO && strstr(e.msg, "device"),
              "a device node at the target is refused: %s", e.msg);
    else
        SKIP("device node at the target: mknod needs root");
    mkdir(at("sub"), 0755);
    CHECK(gn_atomic_write(at("sub"), "x", 1, &e) == GN_EIO && strstr(e.msg, "folder"), "a folder is refused");
    CHECK(gn_atomic_write(at("nodir/x"), "x", 1, &e) == GN_EIO, "a missing folder is an error: %s", e.msg);

    /* A failed write (file-size limit, as a full disk) leaves the old file. */
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit lim, saved;
    getrlimit(RLIMIT_FSIZE, &saved);
    lim = saved;
    lim.rlim_cur = 64;
    setrlimit(RLIMIT_FSIZE, &lim);
    char big[4096];
    memset(big, 'y', sizeof big);
    int rc = gn_atomic_write(p, big, sizeof big, &e);
    setrlimit(RLIMIT_FSIZE, &saved);
    CHECK(rc == GN_EIO && strstr(e.msg, "old file is untouched"), "a short write fails: %s", e.msg);
    CHECK(strcmp(content(p), "new content\n") == 0, "the old file is untouched");
    int before = entries();
    gn_atomic a;
    CHECK(gn_atomic_open(&a, p, &e) == GN_OK, "open %s", e.msg);
    if (a.f) fputs("half", a.f);
    gn_atomic_abort(&a);
    CHECK(entries() == before && strcmp(content(p), "new content\n") == 0, "abort removes the temporary");

    /* The journal of a running session is never replaced. */
    gn_journal j;
    gn_journal_create(&j, at("live.lua"), "9.9", 1, &e);
    CHECK(gn_atomic_write(at("live.lua"), "x", 1, &e) == GN_EIO && strstr(e.msg, "journal of a running"),
          "a live journal is refused: %s", e.msg);
    gn_journal_close(&j);

    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) return 1;
    CHECK_DONE();
}
