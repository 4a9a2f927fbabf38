/* fuzz_journal.c — libFuzzer harness for the journal splitter used by
 * replay (gn_journal_parse): every chunk it returns must lie inside the
 * text, with a sane status and interrupt count. */
#include <stdlib.h>
#include <string.h>
#include "journal.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char *text = malloc(size + 1);   /* NUL-terminated, as a file read would be */
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    gn_chunk *c = NULL;
    int framed = 0;
    gn_err e = {0};
    int n = gn_journal_parse(text, size, &c, &framed, &e);
    for (int k = 0; k < n; k++) {
        if (c[k].code < text || c[k].len > size || c[k].code + c[k].len > text + size) abort();
        if (c[k].nintr < 0 || c[k].nintr > GN_JOURNAL_MAXINTR) abort();
        if (c[k].status < GN_CHUNK_OK || c[k].status > GN_CHUNK_PLAIN) abort();
    }
    free(c);
    free(text);
    return 0;
}
