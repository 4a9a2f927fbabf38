/* test_axis.c — nice ticks, labels, ranges, dot mapping and the character canvas. */
#include "check.h"
#include "plot/axis.h"
#include "plot/canvas.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>


/* Exact string comparison; on failure both texts are shown as comments. */
static void check_str(const char *got, const char *want, const char *what)
{
    int ok = got && strcmp(got, want) == 0;
    CHECK(ok, "%s", what);
    if (!ok) printf("# want:\n%s\n# got:\n%s\n", want, got ? got : "(null)");
}

static void test_ticks(void)
{
    double t[64], step;
    int n = gn_ticks(0, 1, 5, 0, t, 64, &step);
    CHECK(n == 6 && fabs(step - 0.2) < 1e-12, "ticks on [0,1] target 5: 6 ticks step 0.2 (got %d, %g)", n, step);
    CHECK(n == 6 && fabs(t[3] - 0.6) < 1e-12 && t[0] == 0 && fabs(t[5] - 1) < 1e-12, "ticks 0, 0.2 .. 1");

    n = gn_ticks(-3.7, 12.2, 3, 0, t, 64, &step);
    CHECK(n == 3 && step == 5 && t[0] == 0 && t[1] == 5 && t[2] == 10,
          "ticks on [-3.7, 12.2]: 0 5 10 (got %d ticks, step %g)", n, step);

    n = gn_ticks(0.5, 3.5, 10, 1, t, 64, &step);
    CHECK(n == 3 && step == 1 && t[0] == 1 && t[2] == 3, "integer ticks never step below 1 (got %d, %g)", n, step);

    n = gn_ticks(-0.30, 0.25, 5, 0, t, 64, &step);
    CHECK(n == 6 && fabs(step - 0.1) < 1e-15 && t[3] == 0, "a tick at zero is exactly 0 (got %d, %g, t[3]=%g)", n, step, t[3]);

    n = gn_ticks(2, 2, 5, 0, t, 64, &step);
    CHECK(n == 0, "empty range gives no ticks");
    n = gn_ticks(-INFINITY, 1, 5, 0, t, 64, &step);
    CHECK(n == 0, "infinite range gives no ticks");
    n = gn_ticks(1e9, 1e9 + 1e-3, 5, 0, t, 64, &step);
    CHECK(n >= 1 && n <= 10, "narrow range far from zero still ticks (%d)", n);
}

static void test_labels(void)
{
    char b[32];
    gn_fmt_tick(b, sizeof b, 0.5, 0.5);
    CHECK(strcmp(b, "0.5") == 0, "tick 0.5 step 0.5 -> '0.5' (got '%s')", b);
    gn_fmt_tick(b, sizeof b, -2, 1);
    CHECK(strcmp(b, "-2") == 0, "tick -2 -> '-2' (got '%s')", b);
    gn_fmt_tick(b, sizeof b, 0.25, 0.05);
    CHECK(strcmp(b, "0.25") == 0, "tick 0.25 step 0.05 -> '0.25' (got '%s')", b);
    gn_fmt_tick(b, sizeof b, 1.0, 0.2);
    CHECK(strcmp(b, "1.0") == 0, "tick 1 step 0.2 keeps one decimal -> '1.0' (got '%s')", b);
    gn_fmt_tick(b, sizeof b, 1.2e6, 2e5);
    CHECK(strcmp(b, "1.2e+06") == 0, "large tick in exponent form (got '%s')", b);
    gn_fmt_tick(b, sizeof b, 3e-6, 1e-6);
    CHECK(strcmp(b, "3e-06") == 0, "tiny tick in exponent form (got '%s')", b);
    gn_fmt_num(b, sizeof b, -0.0);
    CHECK(strcmp(b, "0") == 0, "no negative zero (got '%s')", b);
    gn_fmt_num(b, sizeof b, 0.012345);
    CHECK(strcmp(b, "0.0123") == 0, "3 significant digits (got '%s')", b);
}

static void test_ranges(void)
{
    double v[] = {2.385, NAN, -INFINITY, -1.25, INFINITY, 7.5};
    double lo = INFINITY, hi = -INFINITY;
    gn_range_add(&lo, &hi, v, 6);
    CHECK(lo == -1.25 && hi == 7.5, "range skips NaN and Inf: [%g, %g]", lo, hi);
    lo = 3; hi = 3;
    gn_range_finish(&lo, &hi);
    CHECK(lo == 1.5 && hi == 4.5, "constant 3 widens to [1.5, 4.5] (got [%g, %g])", lo, hi);
    lo = 0; hi = 0;
    gn_range_finish(&lo, &hi);
    CHECK(lo == -1 && hi == 1, "constant 0 widens to [-1, 1]");
    lo = INFINITY; hi = -INFINITY;
    gn_range_finish(&lo, &hi);
    CHECK(lo == 0 && hi == 1, "no data gives [0, 1]");
}

static void test_pix(void)
{
    CHECK(gn_axis_pix(0, 0, 1, 10, 0) == 0 && gn_axis_pix(1, 0, 1, 10, 0) == 9, "ends map to first and last dot");
    CHECK(gn_axis_pix(0.5, 0, 1, 11, 0) == 5, "middle maps to the middle dot");
    CHECK(gn_axis_pix(INFINITY, 0, 1, 10, 0) == 9 && gn_axis_pix(-INFINITY, 0, 1, 10, 0) == 0, "Inf clamps to the edges");
    CHECK(gn_axis_pix(NAN, 0, 1, 10, 0) == -1, "NaN maps to -1");
    CHECK(gn_axis_pix(0.999, 0, 1, 4, 1) == 3 && gn_axis_pix(0.26, 0, 1, 4, 1) == 1 && gn_axis_pix(1, 0, 1, 4, 1) == 3,
          "bins mode splits the range into equal bins");
}

static void test_canvas(void)
{
    gn_canvas c;
    CHECK(gn_canvas_init(&c, 6, 2, 0) == 0, "canvas 6x2");
    int n = gn_canvas_text(&c, 1, 0, "τ=2\x01x", 10, -1);
    CHECK(n == 5, "text writes one cell per code point, clipped at the edge (%d)", n);
    gn_area a;
    gn_area_init(&a, &c, 0, 1, 2, 1);
    gn_area_dot(&a, 0, 0);   /* bottom-left dot: braille dot 7 */
    gn_area_dot(&a, 3, 3);   /* top-right of the second cell: dot 4 */
    gn_area_dot(&a, 4, 0);   /* outside: ignored */
    char *s = gn_canvas_string(&c, 0);
    check_str(s, " τ=2 x\n\xe2\xa1\x80\xe2\xa0\x88\n", "braille dots (U+2840, U+2808) and UTF-8 text");
    free(s);
    gn_canvas_done(&c);

    CHECK(gn_canvas_init(&c, 4, 1, 1) == 0, "ascii canvas");
    gn_canvas_text(&c, 0, 0, "é€", 4, -1);
    gn_area_init(&a, &c, 2, 0, 2, 1);
    gn_area_vline(&a, 0, 0, 2);
    gn_area_dot(&a, 1, 2);
    s = gn_canvas_string(&c, 0);
    check_str(s, "??|'\n", "ascii: non-ASCII text becomes '?', sub-rows become strokes");
    free(s);
    gn_canvas_put(&c, 0, 0, 'x', 3);
    s = gn_canvas_string(&c, 1);
    check_str(s, "\x1b[0m\x1b[33mx\x1b[0m?|'\n", "colour: SGR around the coloured cell");
    free(s);
    gn_canvas_done(&c);

    CHECK(gn_canvas_init(&c, 0, -3, 0) == 0 && c.w == 1 && c.h == 1, "sizes below 1 become 1");
    s = gn_canvas_string(&c, 0);
    CHECK(strcmp(s, "\n") == 0, "blank canvas is one empty line");
    free(s);
    gn_canvas_done(&c);
    CHECK(gn_text_width("a\xff" "b") == 3, "malformed UTF-8 counts one cell per byte");
}

int main(void)
{
    test_ticks();
    test_labels();
    test_ranges();
    test_pix();
    test_canvas();
    CHECK_DONE();
}
