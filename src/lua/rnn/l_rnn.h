/* l_rnn.h — the rnn userdata, shared with the bindings that add methods to
 * it (train/score in the training binding, merge/delete in the analysis one). */
#ifndef L_RNN_H
#define L_RNN_H

#include <lua.h>
#include <lauxlib.h>
#include "rnn.h"

/* Metatable of rnn userdata; its __index table holds the methods, so another
 * binding adds one with lg_rnn_addmethods. */
#define LG_RNN_MT "ganglion.rnn"
/* Metatable of the userdata that owns a converted gn_batch / workspace. */
#define LG_BATCH_MT "ganglion.rnnbatch"
#define LG_RNNWORK_MT "ganglion.rnnwork"

/* The network at idx, or a Lua error "bad argument #idx (rnn expected)". */
gn_rnn *lg_checkrnn(lua_State *L, int idx);
/* Pushes a new rnn userdata taking ownership of net (freed by __gc). */
void lg_pushrnn(lua_State *L, gn_rnn *net);
/* For a binding that holds the network across anything that can run Lua
 * (a callback, an options lookup, an allocation that runs a finaliser):
 * sets the stack to nargs values, checks the rnn at 1 and pins it with a
 * to-be-closed value pushed at nargs+1, released when the binding returns
 * or raises.  fn ("train") names the binding in lg_rnn_replace's error. */
gn_rnn *lg_usernn(lua_State *L, int nargs, const char *fn);
/* Replaces the network held by the userdata at idx (frees the old one) —
 * for operations that change n, such as merge/delete, which hold one pin
 * themselves.  While another binding holds a pin, frees net and raises
 * "fn: the network is in use by train ..." instead. */
void lg_rnn_replace(lua_State *L, int idx, gn_rnn *net, const char *fn);
/* Adds methods (name → C function) to every rnn's method table. */
void lg_rnn_addmethods(lua_State *L, const luaL_Reg *methods);

/* Converts the Lua batch at idx, {u={...}, target={...}, mask={...}} (lists
 * of B matrices: T×nin, T×nout, T×nout), into a gn_batch checked against
 * net's sizes, with errors that name the trial ("fn: batch.u[3] must be
 * 50x3, got 50x2").  need_target = 0 allows a batch with u only.  The batch
 * is owned by a userdata left on top of the stack (Lua frees it). */
gn_batch *lg_tobatch(lua_State *L, int idx, const gn_rnn *net, int need_target,
                     const char *fn);

/* A workspace for net owned by a userdata pushed on the stack.  nthreads 0
 * picks 2 on a multi-core machine when the batch has >= 2 trials and
 * n²·B·T > 2e6 (smaller jobs do not repay the thread start), else 1. */
gn_rnn_work *lg_newrnnwork(lua_State *L, const gn_rnn *net, size_t B, size_t T, int nthreads);

/* Pushes the table {W=,Win=,b=,Wout=,bout=,x0=} of matrices holding the
 * flat parameter-shaped vector p (a gradient, say). */
void lg_pushparamtable(lua_State *L, const gn_rnn *net, const double *p);

int lg_open_rnn(lua_State *L);

#endif
