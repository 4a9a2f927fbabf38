/* child.c — a long library call in a forked child that Ctrl-C can kill (see
 * child.h).  Why a process and not a thread: a thread cannot be stopped
 * inside LAPACK or GSL without leaving their locks and buffers in an
 * unknown state, and one left to finish in the background would keep a
 * core and its memory busy long after the user was told it stopped; a
 * killed process takes everything it allocated with it.  OpenBLAS shuts
 * its thread pool down before a fork (its pthread_atfork handler) and
 * restarts it on demand, so the child computes exactly what the parent
 * would.  The price of a fork is copying the page tables (milliseconds per
 * GB resident) and a copy-on-write fault per page the parent writes while
 * the child lives: small against a call of 2^31 flops or more. */
#include "child.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define CHILD_MIN_FLOPS ((double)(1u << 31))

double gn_child_min_flops(void)
{
    const char *env = getenv("GANGLION_LAPACK_CHILD");
    if (env && *env) {
        char *end;
        double v = strtod(env, &end);
        if (*end == 0 && v >= 0) return v;
    }
    return CHILD_MIN_FLOPS;
}

int gn_child_wanted(const gn_cancel *cancel, double flops)
{
    return cancel && flops >= gn_child_min_flops();
}

int gn_child_run(void (*fn)(void *), void *arg, const gn_region *out, size_t nout, const gn_cancel *cancel,
                 const char *what, gn_err *err)
{
    if (!cancel) {
        fn(arg);
        return GN_OK;
    }
    if (gn_cancel_check(cancel)) return gn_fail(err, GN_EINTR, "%s: interrupted", what);
    size_t total = 0;
    for (size_t i = 0; i < nout; i++) total += out[i].bytes;
    char *back = NULL;
    if (total) {
        void *m = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) { fn(arg); return GN_OK; }   /* no mapping: run here */
        back = m;
    }
    pid_t pid = fork();
    if (pid < 0) {   /* no process to spare: run here, uninterruptible */
        if (back) munmap(back, total);
        fn(arg);
        return GN_OK;
    }
    if (pid == 0) {
        /* The child inherits the parent's unflushed stdio buffers: were they
         * ever flushed (valgrind's exit path does), the parent's output
         * would appear twice.  Nothing the child does is for a terminal. */
        int nul = open("/dev/null", O_WRONLY);
        if (nul >= 0) { dup2(nul, 1); dup2(nul, 2); }
        fn(arg);
        size_t off = 0;
        for (size_t i = 0; i < nout; i++) {
            if (out[i].bytes) memcpy(back + off, out[i].p, out[i].bytes);
            off += out[i].bytes;
        }
        _exit(0);
    }
    int ws = 0, killed = 0, lost = 0;
    for (;;) {
        pid_t r = waitpid(pid, &ws, WNOHANG);
        if (r == pid) break;
        if (r < 0) { lost = 1; break; }
        if (cancel->stop && *cancel->stop) {
            kill(pid, SIGKILL);
            while (waitpid(pid, &ws, 0) < 0) {}
            killed = 1;
            break;
        }
        struct timespec t = {0, 2000000};   /* 2 ms */
        nanosleep(&t, NULL);
    }
    int rc = GN_OK;
    if (gn_cancel_check(cancel) || killed) rc = gn_fail(err, GN_EINTR, "%s: interrupted", what);
    else if (lost) rc = gn_fail(err, GN_ENUM, "%s: lost the worker process", what);
    else if (WIFSIGNALED(ws))
        rc = gn_fail(err, GN_ENOMEM, "%s: the worker process was killed by signal %d (out of memory?)", what,
                     WTERMSIG(ws));
    else if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
        rc = gn_fail(err, GN_ENUM, "%s: the worker process failed", what);
    if (rc == GN_OK) {
        size_t off = 0;
        for (size_t i = 0; i < nout; i++) {
            if (out[i].bytes) memcpy(out[i].p, back + off, out[i].bytes);
            off += out[i].bytes;
        }
    }
    if (back) munmap(back, total);
    return rc;
}
