/* scrollback.c — the REPL pane's text: a capped ring of lines fed as a byte stream. */
#include "tui_int.h"

#include <stdlib.h>
#include <string.h>

/* Lines longer than this are broken, so one giant line cannot make every
 * redraw walk megabytes. */
#define LINE_MAX_BYTES 16384

enum { ESC_NONE, ESC_SEEN, ESC_CSI, ESC_OSC };

void tui_scrollback_init(tui_scrollback *s, size_t cap, int ascii)
{
    memset(s, 0, sizeof *s);
    s->cap = cap < 16 ? 16 : cap;
    s->lines = calloc(s->cap, sizeof *s->lines);
    s->pcap = 256;
    s->part = malloc(s->pcap);
    s->part[0] = 0;
    s->ascii = ascii;
}

void tui_scrollback_free(tui_scrollback *s)
{
    if (s->lines)
        for (size_t i = 0; i < s->cap; i++) free(s->lines[i]);
    free(s->lines);
    free(s->part);
    memset(s, 0, sizeof *s);
}

static void put(tui_scrollback *s, char c)
{
    if (s->plen + 2 > s->pcap) {
        size_t nc = s->pcap * 2;
        char *np = realloc(s->part, nc);
        if (!np) return;   /* out of memory: drop the byte, keep going */
        s->part = np;
        s->pcap = nc;
    }
    s->part[s->plen++] = c;
    s->part[s->plen] = 0;
}

static void finish_line(tui_scrollback *s)
{
    char *line = malloc(s->plen + 1);
    if (!line) return;
    memcpy(line, s->part, s->plen + 1);
    size_t slot;
    if (s->count < s->cap) {
        slot = (s->head + s->count) % s->cap;
        s->count++;
    } else {
        slot = s->head;   /* the ring is full: the oldest line goes */
        free(s->lines[slot]);
        s->head = (s->head + 1) % s->cap;
    }
    s->lines[slot] = line;
    s->plen = 0;
    s->part[0] = 0;
}

size_t tui_scrollback_append(tui_scrollback *s, const char *p, size_t n)
{
    size_t done = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        switch (s->esc) {
        case ESC_SEEN:
            s->esc = c == '[' ? ESC_CSI : c == ']' ? ESC_OSC : ESC_NONE;
            continue;
        case ESC_CSI:
            if (c >= 0x40 && c <= 0x7e) s->esc = ESC_NONE;
            continue;
        case ESC_OSC:   /* ends with BEL or ESC \ */
            if (c == 7) s->esc = ESC_NONE;
            else if (c == 27) s->esc = ESC_SEEN;
            continue;
        default:
            break;
        }
        if (s->cr) {
            s->cr = 0;
            /* "\r" alone rewinds the line (progress counters); "\r\n" is a newline. */
            if (c != '\n') { s->plen = 0; s->part[0] = 0; }
        }
        if (s->plen >= LINE_MAX_BYTES && c != '\n' && (c < 0x80 || c >= 0xc0)) {
            finish_line(s);   /* break before a character, never inside one */
            done++;
        }
        if (c == '\n') {
            finish_line(s);
            done++;
        } else if (c == '\r') {
            s->cr = 1;
        } else if (c == 27) {
            s->esc = ESC_SEEN;
        } else if (c == '\t') {
            do put(s, ' '); while (s->plen % 8);
        } else if (c == '\b') {
            if (s->plen) s->part[--s->plen] = 0;
        } else if (c < 0x20 || c == 0x7f) {
            /* other control bytes would move the terminal's cursor: drop */
        } else if (c >= 0x80 && s->ascii) {
            if (c >= 0xc0) put(s, '?');   /* one '?' per UTF-8 character */
        } else {
            put(s, (char)c);
        }
    }
    return done;
}

size_t tui_scrollback_count(const tui_scrollback *s)
{
    return s->count + (s->plen > 0);
}

const char *tui_scrollback_line(const tui_scrollback *s, size_t i)
{
    if (i < s->count) return s->lines[(s->head + i) % s->cap];
    if (i == s->count && s->plen > 0) return s->part;
    return "";
}
