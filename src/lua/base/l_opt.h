/* l_opt.h — option declarations: each object type declares its options once,
 * and one reader fills a C struct from a Lua options table. */
#ifndef L_OPT_H
#define L_OPT_H

#include <stddef.h>
#include <lua.h>

/* How an option is stored in the struct it fills. */
enum {
    LG_OPT_DOUBLE,   /* double; finite unless LG_OPT_INF is set */
    LG_OPT_INT,      /* int, a whole number */
    LG_OPT_SIZE,     /* size_t, a whole number >= 0 */
    LG_OPT_BOOL,     /* int, 0 or 1 (true/false in Lua) */
    LG_OPT_CHOICE,   /* int: index of the string in choices ("a|b|c") */
    LG_OPT_STRING,   /* const char *, NULL when absent; the string lives in the
                      * options table, so it is valid while that table is */
    LG_OPT_VALUE,    /* a matrix, a list, a number-or-vector...: declared here
                      * (so it is a known key, with help and a place in the
                      * hostile-API test) but read by the binding itself */
};

/* Flags. */
enum {
    LG_OPT_REQUIRED = 1,  /* missing: "fn: option 'x' (help) is required" */
    LG_OPT_GT = 2,        /* lower bound is strict: x > lo */
    LG_OPT_INF = 4,       /* ±Inf allowed (a double with no upper bound) */
    LG_OPT_KEEP = 8,      /* the default is what the struct holds before reading
                           * (the core's own default, e.g. gn_lif_params_default) */
    LG_OPT_FIELD = 16,    /* also a field of the object, read and set by name */
    LG_OPT_NODEF = 32,    /* the default depends on other values (the help line
                           * says how): not published as a number */
    LG_OPT_WHOLE = 64,    /* a double that must be a whole number (a seed: wider
                           * than an int, and may be negative) */
};

/* One option.  lo/hi bound numbers (use -HUGE_VAL / HUGE_VAL for none);
 * def is the default of a number, whole number or boolean (a choice's
 * default is its first choice).  offset is where the value goes in the
 * struct (offsetof), ignored for LG_OPT_VALUE. */
typedef struct {
    const char *name;
    int type, flags;
    double lo, hi, def;
    const char *choices;
    size_t offset;
    const char *help;   /* one line, shown by help() */
    const char *want;   /* NULL, or what a number must be in the words of an
                         * out-of-range error ("1..1000 lines"): the error is
                         * then "fn: option 'x' must be <want>, got v" */
} lg_opt;

/* Declaration helpers: LG_NUM("tau", struct, member, lo, hi, def, flags,
 * "help") etc.; member may be nested (p.taum). */
#define LG_NUM(name, S, m, lo, hi, def, fl, help) \
    { (name), LG_OPT_DOUBLE, (fl), (lo), (hi), (def), NULL, offsetof(S, m), (help), NULL }
#define LG_INT(name, S, m, lo, hi, def, fl, help) \
    { (name), LG_OPT_INT, (fl), (lo), (hi), (def), NULL, offsetof(S, m), (help), NULL }
#define LG_SIZE(name, S, m, lo, hi, def, fl, help) \
    { (name), LG_OPT_SIZE, (fl), (lo), (hi), (def), NULL, offsetof(S, m), (help), NULL }
#define LG_BOOL(name, S, m, def, help) \
    { (name), LG_OPT_BOOL, 0, 0, 1, (def), NULL, offsetof(S, m), (help), NULL }
#define LG_CHOICE(name, S, m, choices, help) \
    { (name), LG_OPT_CHOICE, 0, 0, 0, 0, (choices), offsetof(S, m), (help), NULL }
#define LG_STRING(name, S, m, help) \
    { (name), LG_OPT_STRING, 0, 0, 0, 0, NULL, offsetof(S, m), (help), NULL }
/* Whole numbers and numbers whose range error reads "must be <want>". */
#define LG_INTW(name, S, m, lo, hi, def, fl, want, help) \
    { (name), LG_OPT_INT, (fl), (lo), (hi), (def), NULL, offsetof(S, m), (help), (want) }
#define LG_SIZEW(name, S, m, lo, hi, def, fl, want, help) \
    { (name), LG_OPT_SIZE, (fl), (lo), (hi), (def), NULL, offsetof(S, m), (help), (want) }
#define LG_NUMW(name, S, m, lo, hi, def, fl, want, help) \
    { (name), LG_OPT_DOUBLE, (fl), (lo), (hi), (def), NULL, offsetof(S, m), (help), (want) }
#define LG_VALUE(name, fl, help) \
    { (name), LG_OPT_VALUE, (fl), 0, 0, 0, NULL, 0, (help), NULL }
#define LG_OPT_END { NULL, 0, 0, 0, 0, 0, NULL, 0, NULL, NULL }

/* Stores every default of decl into base (options without LG_OPT_KEEP). */
void lg_opt_defaults(const lg_opt *decl, void *base);
/* Reads the options table at stack index t (0 or nil: none) into base,
 * which the caller has filled with defaults (lg_opt_defaults, then the
 * core's defaults for LG_OPT_KEEP options): rejects a value that is not a
 * table ("fn: options must be a table (got string)"), unknown keys ("fn: unknown option 'x'
 * (known: ...)"), missing required ones, wrong types and values out of
 * range, each error naming fn and the option.  LG_OPT_VALUE options are
 * only checked for presence when required. */
void lg_opt_read(lua_State *L, int t, const char *fn, const lg_opt *decl, void *base);
/* Checks the value at stack index idx against o and stores it in base (for
 * __newindex setters and single options). */
void lg_opt_set(lua_State *L, int idx, const char *fn, const lg_opt *o, void *base);
/* The declaration named key, or NULL. */
const lg_opt *lg_opt_find(const lg_opt *decl, const char *key);
/* Pushes the value of option o stored in base (number, integer, boolean,
 * choice or string; nil for a NULL string). */
void lg_opt_push(lua_State *L, const lg_opt *o, const void *base);
/* Publishes decl as ganglion.options[what] = { {name=, type=, help=,
 * default=, min=, max=, choices=, required=, field=}, ... } in declaration
 * order: the list help(), Tab completion and the hostile-API test read.
 * defaults: a struct holding every default (for LG_OPT_KEEP options). */
void lg_opt_publish(lua_State *L, const char *what, const lg_opt *decl, const void *defaults);

#endif
