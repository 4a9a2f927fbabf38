/* atomic_file.c — write aside, fsync, rename (see atomic_file.h). */
#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal.h"

/* The process's umask, read without changing it where Linux allows. */
static mode_t current_umask(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (f) {
        char line[256];
        unsigned m;
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "Umask: %o", &m) == 1) {
                fclose(f);
                return (mode_t)m;
            }
        fclose(f);
    }
    mode_t m = umask(022);
    umask(m);
    return m;
}

int gn_atomic_check_target(const char *path, gn_err *err)
{
    if (!path || !*path) return gn_fail(err, GN_EINVAL, "empty file name");
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT) return GN_OK;
        return gn_fail(err, GN_EIO, "cannot write '%s': %s", path, strerror(errno));
    }
    if (S_ISLNK(st.st_mode))
        return gn_fail(err, GN_EIO, "'%s' is a symbolic link; ganglion does not write through links "
                       "(remove it or give the real path)", path);
    if (S_ISDIR(st.st_mode)) return gn_fail(err, GN_EIO, "'%s' is a folder", path);
    if (!S_ISREG(st.st_mode))
        return gn_fail(err, GN_EIO, "'%s' is not a regular file (a device, pipe or socket); not replaced", path);
    long pid = 0;
    if (gn_journal_holder(path, &pid))
        return gn_fail(err, GN_EIO, "'%s' is the journal of a running ganglion session (pid %ld); "
                       "it already holds every chunk and is never overwritten", path, pid);
    return GN_OK;
}

int gn_atomic_open(gn_atomic *a, const char *path, gn_err *err)
{
    memset(a, 0, sizeof *a);
    int rc = gn_atomic_check_target(path, err);
    if (rc) return rc;
    size_t n = strlen(path);
    char *d = strdup(path), *b = strdup(path);
    a->path = strdup(path);
    a->tmp = malloc(n + 32);
    if (!d || !b || !a->path || !a->tmp) {
        free(d); free(b); free(a->path); free(a->tmp);
        return gn_fail(err, GN_ENOMEM, "out of memory writing '%s'", path);
    }
    /* A hidden, unpredictable name in the target's folder: rename() is then
     * atomic, and mkstemp's O_EXCL refuses anything planted there. */
    snprintf(a->tmp, n + 32, "%s/.%s.XXXXXX", dirname(d), basename(b));
    free(d);
    free(b);
    int fd = mkstemp(a->tmp);
    if (fd < 0) {
        int e = errno;
        free(a->path); free(a->tmp);
        return gn_fail(err, GN_EIO, "cannot write '%s': %s", path, strerror(e));
    }
    fchmod(fd, 0666 & ~current_umask());
    a->f = fdopen(fd, "w");
    if (!a->f) {
        close(fd);
        gn_atomic_abort(a);
        return gn_fail(err, GN_ENOMEM, "cannot write '%s': out of memory", path);
    }
    return GN_OK;
}

void gn_atomic_abort(gn_atomic *a)
{
    if (a->f) fclose(a->f);
    if (a->tmp) unlink(a->tmp);
    free(a->tmp);
    free(a->path);
    memset(a, 0, sizeof *a);
}

/* After the rename, the folder's entry must reach the disk too. */
static void sync_dir(const char *path)
{
    char *d = strdup(path);
    if (!d) return;
    int fd = open(dirname(d), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(d);
}

int gn_atomic_commit(gn_atomic *a, gn_err *err)
{
    int bad = ferror(a->f) || fflush(a->f) != 0;
    int e = bad ? errno : 0;
    if (!bad && fsync(fileno(a->f)) != 0) { bad = 1; e = errno; }
    if (fclose(a->f) != 0 && !bad) { bad = 1; e = errno; }
    a->f = NULL;
    if (bad) {
        int rc = gn_fail(err, GN_EIO, "cannot write '%s': %s; the old file is untouched", a->path,
                         strerror(e ? e : EIO));
        gn_atomic_abort(a);
        return rc;
    }
    /* The target may have been replaced by a link while we wrote. */
    int rc = gn_atomic_check_target(a->path, err);
    if (rc) {
        gn_atomic_abort(a);
        return rc;
    }
    if (rename(a->tmp, a->path) != 0) {
        rc = gn_fail(err, GN_EIO, "cannot write '%s': %s", a->path, strerror(errno));
        gn_atomic_abort(a);
        return rc;
    }
    sync_dir(a->path);
    free(a->tmp);
    free(a->path);
    memset(a, 0, sizeof *a);
    return GN_OK;
}

int gn_atomic_write(const char *path, const void *data, size_t n, gn_err *err)
{
    gn_atomic a;
    int rc = gn_atomic_open(&a, path, err);
    if (rc) return rc;
    if (n && fwrite(data, 1, n, a.f) != n) {
        rc = gn_fail(err, GN_EIO, "cannot write '%s': %s; the old file is untouched", path, strerror(errno));
        gn_atomic_abort(&a);
        return rc;
    }
    return gn_atomic_commit(&a, err);
}
