/* batch.h — the host for batch mode (-b, -e) and the plain line prompt:
 * text and figures go to stdout, progress to stderr. */
#ifndef BATCH_H
#define BATCH_H

#include "../base/l_host.h"

/* Fills h.  ascii: no bytes >= 0x80 in figures.  Figure width comes from
 * the terminal, else $COLUMNS, else 80. */
void gn_batch_host_init(gn_host *h, int ascii);

#endif
