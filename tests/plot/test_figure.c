/* test_figure.c — figures rendered as text: exact small plots, resampling, NaN/Inf, and the size contract. */
#include "check.h"
#include "plot/figure.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


static void check_str(const char *got, const char *want, const char *what)
{
    int ok = got && strcmp(got, want) == 0;
    CHECK(ok, "%s", what);
    if (!ok) printf("# want:\n%s\n# got:\n%s\n", want, got ? got : "(null)");
}

static void check_render(const gn_figure *f, int w, int h, int ascii, const char *want, const char *what)
{
    char *s = gn_figure_render(f, w, h, ascii, 0);
    check_str(s, want, what);
    free(s);
}

/* Line `row` (0-based) of s, copied into out. */
static void line_of(const char *s, int row, char *out, size_t n)
{
    for (int r = 0; r < row && s; r++) {
        s = strchr(s, '\n');
        if (s) s++;
    }
    size_t k = 0;
    while (s && *s && *s != '\n' && k + 1 < n) out[k++] = *s++;
    out[k] = 0;
}

/* Decodes the code point at cell `col` of a line without escapes. */
static uint32_t cell_at(const char *line, int col)
{
    const unsigned char *p = (const unsigned char *)line;
    for (int c = 0; *p; c++) {
        uint32_t cp;
        int n;
        if (*p < 0x80) { cp = *p; n = 1; }
        else if ((*p & 0xE0) == 0xC0) { cp = *p & 0x1F; n = 2; }
        else if ((*p & 0xF0) == 0xE0) { cp = *p & 0x0F; n = 3; }
        else { cp = *p & 0x07; n = 4; }
        for (int i = 1; i < n; i++) cp = (cp << 6) | (p[i] & 0x3F);
        if (c == col) return cp;
        p += n;
    }
    return ' ';
}

/* The size contract: exactly h lines each ending in '\n', none wider than
 * w cells once SGR escapes are skipped; no byte >= 0x80 in ASCII mode; no
 * escape byte without colour. Returns 0 when it holds, else prints why. */
static int contract(const char *s, int w, int h, int ascii, int color)
{
    int lines = 0, cells = 0;
    if (!s) { printf("# NULL render\n"); return 1; }
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\n') {
            if (cells > w) { printf("# line %d has %d cells > %d\n", lines, cells, w); return 1; }
            lines++;
            cells = 0;
            continue;
        }
        if (*p == 0x1b) {
            if (!color) { printf("# escape without colour\n"); return 1; }
            if (p[1] != '[') { printf("# bad escape\n"); return 1; }
            p += 2;
            while (*p && *p != 'm') {
                if (!((*p >= '0' && *p <= '9') || *p == ';')) { printf("# bad SGR\n"); return 1; }
                p++;
            }
            if (!*p) return 1;
            continue;
        }
        if (*p >= 0x80 && ascii) { printf("# byte 0x%02x in ascii mode\n", *p); return 1; }
        if ((*p & 0xC0) != 0x80) cells++;
        if (*p < 0x20) { printf("# control byte 0x%02x\n", *p); return 1; }
    }
    if (s[0] && s[strlen(s) - 1] != '\n') { printf("# last line not terminated\n"); return 1; }
    if (lines != h) { printf("# %d lines, want %d\n", lines, h); return 1; }
    return 0;
}

static void test_exact_line(void)
{
    double y[4] = {0, 1, 2, 3};
    gn_figure *f = gn_figure_line(1, 4, y, NULL, NULL, NULL);
    /* x = 1..4 over 9 cells (18 dots), y = 0..3 over one row (4 dots):
     * points at dots (0,0) (6,1) (11,2) (17,3) joined by Bresenham lines;
     * ticks at x = 2 (dot 6, cell 3) and 4 (dot 17, cell 8). */
    check_render(f, 10, 3, 0,
                 "│⣀⡠⠤⠤⠔⠒⠒⠉⠉\n"
                 "└───┬────┬\n"
                 "    2    4\n",
                 "10x3 braille line plot, hand-checked");
    /* ASCII: 9 columns × 3 sub-rows: points (0,0) (3,1) (5,1) (8,2). */
    check_render(f, 10, 3, 1,
                 "|..-----''\n"
                 "+---+----+\n"
                 "    2    4\n",
                 "10x3 ASCII line plot, hand-checked");
    gn_figure_free(f);

    /* A constant series is drawn through the middle of a widened range. */
    double c[3] = {2.5, 2.5, 2.5};
    f = gn_figure_line(1, 3, c, NULL, NULL, NULL);
    check_render(f, 8, 3, 1,
                 "|-------\n"
                 "++--+--+\n"
                 " 1  2  3\n",
                 "constant data: a flat line in the middle row");
    gn_figure_free(f);
}

/* Data spanning 1..9 on six plot rows: a 1-2-5 step of 5 would put a single
 * tick (5) on the axis; finer steps are taken so the labels show the span. */
static void test_two_yticks(void)
{
    double y[2] = {1, 9};
    gn_figure *f = gn_figure_line(1, 2, y, NULL, NULL, NULL);
    char *s = gn_figure_render(f, 30, 8, 1, 0), line[64];
    int labels = 0;
    for (int r = 0; r < 6; r++) {
        line_of(s, r, line, sizeof line);
        if (line[0] >= '0' && line[0] <= '9') labels++;
    }
    CHECK(labels >= 2, "1..9 on six rows has at least two y tick labels (got %d)", labels);
    if (labels < 2) printf("# got:\n%s\n", s);
    free(s);
    gn_figure_free(f);
}

static void test_exact_bars(void)
{
    double v[3] = {3, -1, 2};
    const char *lab[3] = {"a", "bb", "c"};
    gn_figure *f = gn_figure_bars(3, v, lab, NULL);
    /* Range [-1, 3] over 14 cells: zero at cell 3.5 -> 4; 3 ends at 14,
     * -1 starts at 0, 2 ends at 10.5 -> 11. */
    check_render(f, 20, 3, 1,
                 " a     ########## 3\n"
                 "bb ####           -1\n"
                 " c     #######    2\n",
                 "ASCII bar chart with a negative value, hand-checked");
    check_render(f, 20, 3, 0,
                 " a     ██████████ 3\n"
                 "bb ████           -1\n"
                 " c     ██████▌    2\n",
                 "UTF-8 bar chart: eighth blocks give 2 = 6.5 cells");
    gn_figure_free(f);
}

static void test_exact_raster(void)
{
    double t[5] = {1, 5, 9, 2, 7.5};
    size_t id[5] = {0, 0, 0, 2, 1};
    gn_figure *f = gn_figure_raster(5, t, id, 3, 10, NULL);
    /* 3 neurons in 4 rows (neuron 1 at the bottom), time [0,10] in 14
     * columns: t -> floor(t/10*14). */
    check_render(f, 16, 6, 1,
                 "3+  |\n"
                 "2+          |\n"
                 " |\n"
                 "1+ |     |    |\n"
                 " ++------+-----+\n"
                 "  0      5    10\n",
                 "ASCII raster of 5 spikes, hand-checked");
    gn_figure_free(f);

    /* 1000 neurons in 8 rows: binned, the last neuron still shows. */
    double t2[2] = {0.5, 0.5};
    size_t i2[2] = {999, 0};
    f = gn_figure_raster(2, t2, i2, 1000, 1, NULL);
    char *s = gn_figure_render(f, 30, 10, 1, 0);
    char top[64], bot[64];
    line_of(s, 0, top, sizeof top);
    line_of(s, 7, bot, sizeof bot);
    CHECK(strchr(top + 5, '|') && strchr(bot + 5, '|'), "binned raster keeps neuron 1000 (top) and 1 (bottom)");
    free(s);
    gn_figure_free(f);
}

static void test_exact_heatmap(void)
{
    double m[4] = {0, 1, 2, 3};
    gn_figure *f = gn_figure_heatmap(2, 2, m, NULL);
    /* Ramp " .:-=+*#%@": 0 -> ' ', 1 -> '-', 2 -> '*', 3 -> '@'; row 1 on
     * top; 3 image rows for 2 matrix rows; colour bar max 3, min 0. */
    check_render(f, 16, 5, 1,
                 "1+     ----- @ 3\n"
                 " |     ----- +\n"
                 "2+*****@@@@@   0\n"
                 " +--+----+--\n"
                 "    1    2\n",
                 "ASCII heatmap of a 2x2 matrix, hand-checked");
    char *s = gn_figure_render(f, 16, 5, 0, 1);
    CHECK(s && strstr(s, "\xe2\x96\x80") && strstr(s, "\x1b[4"), "colour heatmap uses half blocks with fg and bg colours");
    free(s);
    gn_figure_free(f);

    /* A fixed colour scale [0, 6]: 1 -> '.', 2 -> '-' (level 3), 3 -> '+'
     * (level 5); the bar's labels are the limits. */
    gn_figure_opts o;
    gn_figure_opts_init(&o);
    o.zmin = 0;
    o.zmax = 6;
    f = gn_figure_heatmap(2, 2, m, &o);
    check_render(f, 16, 5, 1,
                 "1+     ..... @ 6\n"
                 " |     ..... +\n"
                 "2+-----+++++   0\n"
                 " +--+----+--\n"
                 "    1    2\n",
                 "heatmap with zmin=0, zmax=6");
    gn_figure_free(f);
}

/* A single sample among many must reach its row whatever the width. */
static void test_resampling(void)
{
    size_t n = 100000;
    double *y = calloc(n, sizeof *y);
    y[54321] = 1;
    gn_figure *f = gn_figure_line(1, n, y, NULL, NULL, NULL);
    for (int ascii = 0; ascii <= 1; ascii++)
        for (int w = 12; w <= 100; w += 22) {
            char *s = gn_figure_render(f, w, 8, ascii, 0);
            char top[512];
            line_of(s, 0, top, sizeof top);
            /* Data columns start after the y labels; find any mark there. */
            int found = 0;
            for (int c = 1; c < w; c++) {
                uint32_t cp = cell_at(top, c);
                if (cp != ' ' && cp != 0x2502 && cp != '|' && cp != 0x2524 && cp != '+' &&
                    !(cp >= '0' && cp <= '9') && cp != '.') found = 1;
                if (ascii && cp == '|' && c > 4) found = 1;
            }
            CHECK(found, "one spike in 100000 samples reaches the top row (width %d, ascii %d)", w, ascii);
            free(s);
        }
    gn_figure_free(f);

    /* The minimum is kept too: a single dip. */
    for (size_t i = 0; i < n; i++) y[i] = 1;
    y[77777] = -1;
    f = gn_figure_line(1, n, y, NULL, NULL, NULL);
    char *s = gn_figure_render(f, 40, 8, 0, 0);
    char row[512];
    line_of(s, 5, row, sizeof row);   /* the last data row */
    int found = 0;
    for (int c = 5; c < 40; c++) {
        uint32_t cp = cell_at(row, c);
        if (cp > 0x2800 && cp <= 0x28FF) found = 1;
    }
    CHECK(found, "one dip in 100000 samples reaches the bottom row");
    free(s);
    gn_figure_free(f);
    free(y);
}

static void test_nan_inf(void)
{
    /* NaN breaks the line: with x = 1..5 over 9 columns, x = 3 is column
     * 4; nothing may be drawn between columns 2 (x=2) and 6 (x=4). */
    double y[5] = {1, 1, NAN, 1, 1};
    gn_figure *f = gn_figure_line(1, 5, y, NULL, NULL, NULL);
    char *s = gn_figure_render(f, 10, 3, 1, 0);
    char row[64];
    line_of(s, 0, row, sizeof row);
    CHECK(strcmp(row, "|---   ---") == 0, "NaN leaves a gap (got '%s')", row);
    free(s);
    gn_figure_free(f);

    /* +Inf is clipped to the top edge and does not stretch the range. */
    double z[3] = {0, INFINITY, 1};
    f = gn_figure_line(1, 3, z, NULL, NULL, NULL);
    s = gn_figure_render(f, 20, 8, 1, 0);
    CHECK(s && strncmp(s, "1.0+", 4) == 0 && strstr(s, "  0+") && !strstr(s, "inf"), "Inf is drawn at the edge, range from finite data");
    free(s);
    gn_figure_free(f);

    /* Fixed limits clip: points outside are not piled up on the edges. */
    double lin[100];
    for (int i = 0; i < 100; i++) lin[i] = i + 1;
    gn_figure_opts o;
    gn_figure_opts_init(&o);
    o.xmin = 40; o.xmax = 60; o.ymin = 40; o.ymax = 60;
    f = gn_figure_line(1, 100, lin, NULL, NULL, &o);
    s = gn_figure_render(f, 24, 6, 1, 0);
    int piled = 0;
    for (int r = 0; r < 4; r++) {
        char row[64];
        line_of(s, r, row, sizeof row);
        const char *bar = strchr(row, '|');   /* the y axis */
        if (bar && strchr(bar + 1, '|')) piled = 1;
    }
    CHECK(!piled, "xmin/xmax/ymin/ymax clip the data instead of piling it on the edges");
    free(s);
    gn_figure_free(f);

    /* All-NaN data still renders (the binding refuses it earlier). */
    double nn[2] = {NAN, NAN};
    f = gn_figure_line(1, 2, nn, NULL, NULL, NULL);
    s = gn_figure_render(f, 20, 5, 0, 0);
    CHECK(contract(s, 20, 5, 0, 0) == 0, "all-NaN series renders empty axes");
    free(s);
    gn_figure_free(f);
}

static void test_legend_phase_frames(void)
{
    gn_figure_opts o;
    gn_figure_opts_init(&o);
    o.title = "two";
    o.ylabel = "rate";
    double y[6] = {0, 1, 2, 2, 1, 0};
    const char *lab[2] = {"up", "down"};
    gn_figure *f = gn_figure_line(2, 3, y, NULL, lab, &o);
    char *s = gn_figure_render(f, 40, 10, 1, 0);
    char l0[128], l1[128];
    line_of(s, 0, l0, sizeof l0);
    line_of(s, 1, l1, sizeof l1);
    CHECK(strstr(l0, "two") != NULL, "title on the first line");
    CHECK(strncmp(l1, "rate", 4) == 0 && strstr(l1, "- up") && strstr(l1, "+ down"),
          "ylabel and legend on the second line ('%s')", l1);
    CHECK(strchr(s + strlen(l0) + strlen(l1) + 2, '+') != NULL, "second series drawn with its marker");
    free(s);
    s = gn_figure_render(f, 40, 10, 0, 1);
    CHECK(strstr(s, "\x1b[36m") && strstr(s, "\x1b[33m"), "colour: series in cyan and yellow");
    free(s);
    CHECK(strcmp(gn_figure_title(f), "two") == 0 && gn_figure_get_kind(f) == GN_FIG_LINE, "title and kind accessors");
    gn_figure_free(f);

    double px[4] = {0, 1, 1, 0}, py[4] = {0, 0, 1, 1};
    f = gn_figure_phase(4, px, py, NULL);
    double ex[2] = {0, 1}, ey[2] = {0, 1};
    CHECK(gn_figure_phase_add(f, 2, ex, ey, "diag") == 0, "phase: extra line added");
    s = gn_figure_render(f, 30, 12, 1, 0);
    CHECK(strchr(s, 'o') && strchr(s, '*') && strstr(s, "diag"), "phase: start 'o', end '*', legend");
    CHECK(contract(s, 30, 12, 1, 0) == 0, "phase: size contract");
    free(s);
    gn_figure_free(f);

    double a[10 * 3];
    for (int k = 0; k < 10; k++)
        for (int i = 0; i < 3; i++) a[k * 3 + i] = k * i;
    f = gn_figure_frames(10, 3, a, NULL);
    CHECK(gn_figure_frame_count(f) == 10, "frames: count");
    gn_figure_set_frame(f, 99);
    CHECK(gn_figure_frame(f) == 9, "frames: set_frame clamps to the last");
    gn_figure_set_frame(f, 2);
    s = gn_figure_render(f, 40, 10, 1, 0);
    char last[128];
    line_of(s, 9, last, sizeof last);
    CHECK(strncmp(last, "step 3/10 ", 10) == 0 && strchr(last, '|'), "frames: time cursor on the last line ('%s')", last);
    free(s);
    gn_figure_free(f);

    double tr[8] = {0, 0, 1, 0, 1, 1, 0, 1};
    f = gn_figure_frames(4, 2, tr, NULL);
    gn_figure_set_frame(f, 1);
    s = gn_figure_render(f, 30, 10, 1, 0);
    CHECK(strchr(s, 'o') && strchr(s, '*') && strstr(s, "step 2/4"), "frames of 2 units: trajectory so far");
    free(s);
    gn_figure_free(f);
}

static void test_contract(void)
{
    static const int ws[] = {1, 2, 3, 5, 8, 10, 13, 20, 33, 80, 200};
    static const int hs[] = {1, 2, 3, 4, 5, 7, 10, 24, 60};
    gn_figure_opts o;
    gn_figure_opts_init(&o);
    o.title = "τ-rate — a title longer than a narrow pane";
    o.xlabel = "time (ms)";
    o.ylabel = "µV";
    double y[300], x[300], m[20 * 30], t[50];
    size_t id[50];
    const char *lab[3] = {"α", "beta", NULL};
    for (int i = 0; i < 300; i++) { y[i] = sin(i * 0.1) * 1e4; x[i] = cos(i * 0.07); }
    y[7] = NAN; y[8] = INFINITY;
    for (int i = 0; i < 600; i++) m[i] = i % 7 - 3.2;
    m[5] = NAN;
    for (int k = 0; k < 50; k++) { t[k] = k * 1.7; id[k] = (size_t)(k * 13 % 40); }
    gn_figure *figs[] = {
        gn_figure_line(3, 100, y, NULL, lab, &o),
        gn_figure_raster(50, t, id, 40, 100, &o),
        gn_figure_heatmap(20, 30, m, &o),
        gn_figure_phase(300, x, y, &o),
        gn_figure_bars(3, y + 10, lab, &o),
        gn_figure_bars(300, y, NULL, &o),
        gn_figure_frames(20, 30, m, &o),
        gn_figure_frames(150, 2, y, &o),
    };
    static const char *names[] = {"line", "raster", "heatmap", "phase", "bars", "many bars", "frames", "2-D frames"};
    for (size_t k = 0; k < sizeof figs / sizeof *figs; k++) {
        int bad = 0, tried = 0;
        for (size_t a = 0; a < sizeof ws / sizeof *ws; a++)
            for (size_t b = 0; b < sizeof hs / sizeof *hs; b++)
                for (int mode = 0; mode < 4; mode++) {
                    int ascii = mode & 1, color = mode >> 1;
                    char *s = gn_figure_render(figs[k], ws[a], hs[b], ascii, color);
                    if (contract(s, ws[a], hs[b], ascii, color)) {
                        if (bad < 3) printf("# %s at %dx%d ascii=%d color=%d\n", names[k], ws[a], hs[b], ascii, color);
                        bad++;
                    }
                    tried++;
                    free(s);
                }
        CHECK(bad == 0, "%s: %d renders keep the size contract (1x1 to 200x60, ascii, colour)", names[k], tried);
        int dh = gn_figure_default_height(figs[k], 80);
        CHECK(dh >= 5 && dh <= 40, "%s: default height %d is sensible", names[k], dh);
        gn_figure_free(figs[k]);
    }
    /* Degenerate sizes are treated as 1x1. */
    double one = 1;
    gn_figure *f = gn_figure_line(1, 1, &one, NULL, NULL, NULL);
    char *s = gn_figure_render(f, 0, -5, 0, 0);
    CHECK(contract(s, 1, 1, 0, 0) == 0, "width/height below 1 render as 1x1");
    free(s);
    gn_figure_free(f);

    o.height = 9;
    f = gn_figure_line(1, 1, &one, NULL, NULL, &o);
    CHECK(gn_figure_default_height(f, 80) == 9, "opts.height sets the batch height");
    gn_figure_free(f);
}

static void test_construct(void)
{
    CHECK(gn_figure_phase(3, NULL, NULL, NULL) == NULL, "phase without data is refused");
    CHECK(gn_figure_raster(2, NULL, NULL, 0, 0, NULL) == NULL, "raster without data is refused");
    gn_figure *f = gn_figure_raster(0, NULL, NULL, 0, 0, NULL);
    CHECK(f != NULL, "empty raster is allowed");
    char *s = gn_figure_render(f, 20, 6, 0, 0);
    CHECK(contract(s, 20, 6, 0, 0) == 0, "empty raster renders");
    free(s);
    gn_figure_free(f);
    gn_figure_free(NULL);
    f = gn_figure_line_new(NULL);
    s = gn_figure_render(f, 20, 6, 1, 0);
    CHECK(contract(s, 20, 6, 1, 0) == 0, "line figure with no series renders");
    free(s);
    double v[2] = {1, 2};
    CHECK(gn_figure_line_add(f, 2, v, v, "x=y") == 0 && gn_figure_line_add(f, 2, NULL, NULL, NULL) == -1,
          "line_add copies data and refuses NULL y");
    v[1] = 100;   /* the figure owns a copy */
    s = gn_figure_render(f, 20, 6, 1, 0);
    CHECK(!strstr(s, "100"), "figure keeps its own copy of the data");
    free(s);
    gn_figure_free(f);
}

int main(void)
{
    test_exact_line();
    test_two_yticks();
    test_exact_bars();
    test_exact_raster();
    test_exact_heatmap();
    test_resampling();
    test_nan_inf();
    test_legend_phase_frames();
    test_contract();
    test_construct();
    CHECK_DONE();
}
