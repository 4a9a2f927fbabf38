/* fuzz_rnn.c — libFuzzer harness for the network-file loader: any input must
 * give a valid network or an error; nothing is allocated for sizes the
 * input's bytes cannot back. */
#include <stdio.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>
#include "rnn.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    gsl_set_error_handler_off();
    if (size == 0) return 0;
    FILE *f = fmemopen((void *)data, size, "r");
    if (!f) return 0;
    gn_err e = {0};
    gn_rnn *net = gn_rnn_read(f, "fuzz.rnn", &e);
    if (net) {
        if (gn_rnn_validate(net, &e) != GN_OK) abort();   /* loaded means valid */
        if (net->n * net->n * 2 > size + 1) abort();        /* W backed by the input */
        gn_rnn_free(net);
    } else if (!e.msg[0]) {
        abort();
    }
    fclose(f);
    return 0;
}
