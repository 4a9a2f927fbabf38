/* test_mem.c — the memory account: live large allocations counted and
 * released, from several threads at once, and the budget built on them
 * (GANGLION_MEM_LIMIT for live bytes plus the request; the kernel's figure
 * less what is promised but not yet resident). */
#include "check.h"
#include "gn.h"
#include "mat.h"
#include "rnn.h"
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MiB ((size_t)1 << 20)

/* Each thread counts and releases blocks of 3 MiB + its index (all above the
 * threshold) and keeps `keep` of them counted at the end. */
typedef struct {
    int id, rounds, keep;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    size_t sz = 3 * MiB + (size_t)w->id;
    for (int i = 0; i < w->rounds; i++) {
        gn_mem_count(sz);
        gn_mem_count(sz);
        gn_mem_uncount(sz);
        gn_mem_uncount(sz);
    }
    for (int i = 0; i < w->keep; i++) gn_mem_count(sz);
    return NULL;
}

int main(void)
{
    gn_err e = {0};
    unsetenv("GANGLION_MEM_LIMIT");
    CHECK(gn_mem_live() == 0, "nothing is live at start (%zu)", gn_mem_live());

    /* the threshold: below it nothing is counted, at it the exact size */
    gn_mem_count(GN_MEM_TRACK_MIN - 1);
    CHECK(gn_mem_live() == 0, "a block under GN_MEM_TRACK_MIN is not counted");
    gn_mem_uncount(GN_MEM_TRACK_MIN - 1);
    CHECK(gn_mem_live() == 0, "nor released");
    gn_mem_count(GN_MEM_TRACK_MIN);
    CHECK(gn_mem_live() == GN_MEM_TRACK_MIN, "a block of GN_MEM_TRACK_MIN is counted");
    gn_mem_uncount(GN_MEM_TRACK_MIN);
    CHECK(gn_mem_live() == 0, "and released");

    /* raw blocks carry their size */
    double *small = gn_mem_alloc(1000 * sizeof(double), 1);
    CHECK(small && small[0] == 0 && small[999] == 0 && gn_mem_live() == 0,
          "a small zeroed block: zeros, not counted");
    CHECK(((uintptr_t)small % _Alignof(max_align_t)) == 0, "blocks keep malloc's alignment");
    size_t big = 5 * MiB + 8;
    double *blk = gn_mem_alloc(big, 1);
    CHECK(blk && gn_mem_live() == big, "a 5 MiB block is counted to the byte (%zu)", gn_mem_live());
    size_t zeros = 0;
    for (size_t i = 0; i < big / sizeof(double); i++) zeros += blk[i] == 0;
    CHECK(zeros == big / sizeof(double), "zero=1 gives zeros");
    double *raw = gn_mem_alloc(2 * MiB, 0);
    CHECK(raw && gn_mem_live() == big + 2 * MiB, "two blocks add up");
    gn_mem_free(blk);
    CHECK(gn_mem_live() == 2 * MiB, "freeing one releases its size, given by the block");
    gn_mem_free(raw);
    gn_mem_free(small);
    gn_mem_free(NULL);
    CHECK(gn_mem_live() == 0, "all freed: 0 live");

    /* matrices */
    gsl_matrix *m = gn_mat_alloc(1000, 300, 1);   /* 2.4 MB */
    CHECK(m && m->size1 == 1000 && m->size2 == 300 && m->tda == 300 && m->owner == GN_MAT_COUNTED,
          "gn_mat_alloc gives a 1000x300 matrix that owns its storage");
    CHECK(gn_mem_live() == 1000 * 300 * sizeof(double), "its storage is counted (%zu)", gn_mem_live());
    CHECK(gsl_matrix_get(m, 999, 299) == 0 && gsl_matrix_get(m, 0, 0) == 0, "zeroed");
    gsl_matrix *v = gn_mat_alloc(10, 10, 0);
    CHECK(v && gn_mem_live() == 1000 * 300 * sizeof(double), "a 10x10 matrix is not counted");
    gsl_matrix *empty = gn_mat_alloc(0, 7, 1);
    CHECK(empty && empty->size1 == 0 && empty->size2 == 7 && empty->data, "a 0x7 matrix has storage");
    gsl_matrix *plain = gsl_matrix_alloc(1000, 300);
    gn_mat_free(plain);   /* GSL's own: freed, the account untouched */
    CHECK(gn_mem_live() == 1000 * 300 * sizeof(double), "gn_mat_free of a GSL matrix leaves the account");
    gn_mat_free(m);
    gn_mat_free(v);
    gn_mat_free(empty);
    gn_mat_free(NULL);
    CHECK(gn_mem_live() == 0, "gn_mat_free releases a counted matrix");

    /* a network's parameters are counted while it lives */
    gn_rnn *net = gn_rnn_alloc(600, 3, 2, &e);
    CHECK(net && gn_mem_live() == 600 * 600 * sizeof(double), "rnn n=600: W counted (%zu)", gn_mem_live());
    gn_rnn_free(net);
    CHECK(gn_mem_live() == 0, "released with the network");

    /* threads: counts from 4 threads at once balance exactly */
    pthread_t th[4];
    worker w[4];
    size_t want = 0;
    for (int i = 0; i < 4; i++) {
        w[i] = (worker){ .id = i, .rounds = 20000, .keep = i + 1 };
        want += (size_t)(i + 1) * (3 * MiB + (size_t)i);
        pthread_create(&th[i], NULL, work, &w[i]);
    }
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    CHECK(gn_mem_live() == want, "4 threads x 80000 updates: live is the kept bytes exactly (%zu vs %zu)",
          gn_mem_live(), want);
    for (int i = 0; i < 4; i++)
        for (int k = 0; k <= i; k++) gn_mem_uncount(3 * MiB + (size_t)i);
    CHECK(gn_mem_live() == 0, "all released: 0");

    /* GANGLION_MEM_LIMIT bounds the live bytes plus the request */
    setenv("GANGLION_MEM_LIMIT", "1G", 1);
    CHECK(gn_mem_budget() == (size_t)1 << 30, "nothing live: the budget is the whole limit");
    gn_mem_count(600 * MiB);   /* as if 600 MiB of arrays were live */
    CHECK(gn_mem_budget() == ((size_t)1 << 30) - 600 * MiB, "600 MiB live: the budget is the rest");
    CHECK(gn_check_bytes(400.0 * MiB, "a 400 MiB thing", &e) == GN_OK, "400 MiB more fits");
    CHECK(gn_check_bytes(500.0 * MiB, "a 500 MiB thing", &e) == GN_ENOMEM, "500 MiB more does not");
    CHECK(strstr(e.msg, "a 500 MiB thing needs 0.488 GiB") && strstr(e.msg, "allows 1 GiB") &&
          strstr(e.msg, "live arrays hold 0.586 GiB") && strstr(e.msg, "0.414 GiB left"),
          "the refusal gives the need, the limit, the live bytes and what is left: %s", e.msg);
    CHECK(gn_check_size(9000, 9000, &e) == GN_ENOMEM && strstr(e.msg, "9000x9000"),
          "gn_check_size sees the live bytes too: %s", e.msg);
    gn_mem_uncount(600 * MiB);
    CHECK(gn_check_bytes(500.0 * MiB, "x", &e) == GN_OK, "once released, 500 MiB fits again");
    gn_mem_count(2048 * MiB);
    CHECK(gn_mem_budget() == 0, "more live than the limit: the budget is 0, not negative");
    gn_mem_uncount(2048 * MiB);
    unsetenv("GANGLION_MEM_LIMIT");

    /* Default budget: bytes promised but not resident are taken off what
     * the kernel reports, so a second huge matrix is refused before the
     * first is written.  A phantom 1 TiB promise leaves nothing. */
    size_t b0 = gn_mem_budget();
    CHECK(b0 > 64 * MiB && b0 < SIZE_MAX, "the default budget is the kernel's figure (%zu)", b0);
    gn_mem_count((size_t)1 << 40);
    CHECK(gn_mem_budget() == 0, "1 TiB promised, not resident: nothing left");
    CHECK(gn_check_bytes(100.0 * MiB, "a 100 MiB thing", &e) == GN_ENOMEM && strstr(e.msg, "needs 0.0977 GiB") &&
          strstr(e.msg, "0 GiB available") && strstr(e.msg, "1024 GiB of live arrays") &&
          strstr(e.msg, "GANGLION_MEM_LIMIT"),
          "the refusal names the live bytes not yet in memory: %s", e.msg);
    gn_mem_uncount((size_t)1 << 40);
    CHECK(gn_check_bytes(100.0 * MiB, "x", &e) == GN_OK, "released: 100 MiB fits again");

    /* No double counting: pages written are already missing from the
     * kernel's figure, so a counted block once written lowers the budget by
     * its size, not twice (a margin of 128 MiB covers other processes). */
    size_t blksz = 256 * MiB;
    b0 = gn_mem_budget();
    unsigned char *t = gn_mem_alloc(blksz, 0);
    CHECK(t != NULL, "256 MiB allocated");
    if (t) {
        memset(t, 1, blksz);
        size_t b1 = gn_mem_budget();
        CHECK((double)b1 > (double)b0 - 384.0 * MiB,
              "a written 256 MiB block lowers the budget once, not twice (%.0f MiB lower)",
              ((double)b0 - (double)b1) / MiB);
        gn_mem_free(t);
    }
    CHECK(gn_mem_live() == 0, "all freed at the end");
    CHECK_DONE();
}
