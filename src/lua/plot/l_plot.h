/* l_plot.h — what other bindings use of the display functions. */
#ifndef L_PLOT_H
#define L_PLOT_H

#include <lua.h>

/* Training's view: the loss (log scale) against iterations over the score
 * against wall time, from the history table at index hist (its loss,
 * score and time lists), where the host has live views (the notebook, not
 * batch mode).  final = 0: redrawn in place; final = 1: the figure left in
 * the pane, the notebook and for savefig. */
void lg_train_view(lua_State *L, int hist, const char *title, int final);

#endif
