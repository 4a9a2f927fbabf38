/* fuzz_journal.c — libFuzzer harness for the journal splitter used by
 * replay: every chunk it returns must lie inside the text. */
#include <stdlib.h>
#include <string.h>
#include "journal.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    const char **starts = NULL;
    size_t *lens = NULL;
    gn_err e = {0};
    int n = gn_journal_split(text, &starts, &lens, &e);
    size_t tl = strlen(text);
    for (int k = 0; k < n; k++)
        if (starts[k] < text || starts[k] + lens[k] > text + tl) abort();
    free(starts);
    free(lens);
    free(text);
    return 0;
}
