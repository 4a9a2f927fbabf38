/* test_styles.c — line styles that tell series apart without colour, log
 * axes, hold (series merged onto a copy), and golden renderings of one
 * figure with and without colour (tests/plot/golden; GOLDEN_UPDATE=1
 * rewrites them after a deliberate change). */
#include "check.h"
#include "plot/figure.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Braille dots (set bits) in line `row` of s. */
static int dots_in_row(const char *s, int row)
{
    for (int r = 0; r < row && s; r++) {
        s = strchr(s, '\n');
        if (s) s++;
    }
    int n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (p && *p && *p != '\n') {
        if (p[0] == 0xE2 && (p[1] == 0xA0 || p[1] == 0xA1 || p[1] == 0xA2 || p[1] == 0xA3)) {
            unsigned cp = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
            n += __builtin_popcount(cp - 0x2800);
            p += 3;
        } else p++;
    }
    return n;
}

static void golden(const char *name, const char *got)
{
    char path[256];
    snprintf(path, sizeof path, "tests/plot/golden/%s", name);
    if (getenv("GOLDEN_UPDATE")) {
        FILE *f = fopen(path, "wb");
        if (f) { fputs(got, f); fclose(f); }
    }
    FILE *f = fopen(path, "rb");
    char *want = NULL;
    size_t n = 0;
    if (f) {
        want = calloc(1, 1 << 16);
        n = fread(want, 1, (1 << 16) - 1, f);
        fclose(f);
    }
    int ok = want && n == strlen(got) && memcmp(want, got, n) == 0;
    CHECK(ok, "golden %s", name);
    if (!ok) printf("# want:\n%s\n# got:\n%s\n", want ? want : "(missing)", got);
    free(want);
}

int main(void)
{
    /* Three flat series, one per row, over 60 points: series 0 is solid,
     * 1 dashed (8 on, 4 off), 2 dotted (2 on, 4 off). */
    enum { N = 60 };
    double y[3][N];
    for (int i = 0; i < N; i++) { y[0][i] = 2; y[1][i] = 1; y[2][i] = 0; }
    gn_figure_opts o;
    gn_figure_opts_init(&o);
    o.ymin = -0.2; o.ymax = 2.2;
    gn_figure *f = gn_figure_line_new(&o);
    const char *lab[] = {"solid", "dashed", "dotted"};
    for (int s = 0; s < 3; s++) gn_figure_line_add(f, N, y[s], NULL, lab[s]);
    char *mono = gn_figure_render(f, 40, 12, 0, 0);
    char *col = gn_figure_render(f, 40, 12, 0, 1);
    /* rows: 0 legend; the data rows follow; find the rows holding dots */
    int rows[3] = {-1, -1, -1}, k = 0;
    for (int r = 1; r < 12 && k < 3; r++)
        if (dots_in_row(mono, r) > 0) rows[k++] = r;
    CHECK(k == 3, "three rows of dots without colour");
    if (k == 3) {
        int a = dots_in_row(mono, rows[0]), b = dots_in_row(mono, rows[1]), c = dots_in_row(mono, rows[2]);
        CHECK(b < a * 0.8 && b > a * 0.55, "the dashed series shows about 2/3 of its dots (%d of %d)", b, a);
        CHECK(c < b && c < a * 0.6 && c > a * 0.2, "the dotted series shows fewer still (%d of %d)", c, a);
        int ca = dots_in_row(col, rows[0]), cb = dots_in_row(col, rows[1]), cc = dots_in_row(col, rows[2]);
        CHECK(ca == cb && cb == cc, "with colour all three are solid (%d %d %d)", ca, cb, cc);
    }
    CHECK(strstr(mono, "\xe2\x94\x80 solid") && strstr(mono, "\xe2\x95\x8c dashed") && strstr(mono, "\xe2\x94\x88 dotted"),
          "the legend shows each series' line style");
    CHECK(!strchr(mono, '\033') && strchr(col, '\033'), "escapes only with colour");
    golden("styles_mono.txt", mono);
    golden("styles_color.txt", col);
    char *asc = gn_figure_render(f, 40, 12, 1, 0);
    CHECK(strstr(asc, "+ dashed") && strstr(asc, "x dotted"), "ASCII: markers in the legend");
    golden("styles_ascii.txt", asc);
    free(asc);

    /* hold: the series of one figure merged onto a copy of another */
    gn_figure *g = gn_figure_copy(f);
    gn_figure *h = gn_figure_line_new(&o);
    gn_figure_line_add(h, N, y[1], NULL, "added");
    CHECK(g && gn_figure_line_merge(g, h) == 0, "merge onto a copy");
    char *gs = gn_figure_render(g, 60, 12, 0, 0);
    CHECK(strstr(gs, "added") && strstr(gs, "solid"), "the merged figure keeps the old legend and adds the new");
    char *fs = gn_figure_render(f, 40, 12, 0, 0);
    CHECK(strcmp(fs, mono) == 0, "the original is untouched");
    free(gs); free(fs);
    gn_figure_free(g); gn_figure_free(h);
    free(mono); free(col);
    gn_figure_free(f);

    /* log axes: 1 .. 1e-3 over 4 points is a straight line; ticks at decades */
    double ly[4] = {1, 0.1, 0.01, 0.001}, lx[4] = {1, 10, 100, 1000};
    gn_figure_opts_init(&o);
    o.xlog = o.ylog = 1;
    gn_figure *lg = gn_figure_line_new(&o);
    gn_figure_line_add(lg, 4, ly, lx, NULL);
    char *ls = gn_figure_render(lg, 50, 14, 1, 0);
    CHECK(strstr(ls, "0.001+") && strstr(ls, "0.01+") && strstr(ls, "0.1+") && strstr(ls, "1000"),
          "log ticks labelled with data values");
    golden("loglog_ascii.txt", ls);
    free(ls);
    gn_figure_free(lg);
    CHECK_DONE();
}
