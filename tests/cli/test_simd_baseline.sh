#!/bin/sh
# test_simd_baseline.sh — the default build runs on any x86-64: the baseline
# builds of the *_simd.c kernels contain no AVX instructions, and the
# numerical checks pass with dispatch forced to them (GANGLION_SIMD=baseline).
G=${GANGLION:-./ganglion}
B=${TESTBIN:-build/tests}
OBJ=$(dirname "$B")/src/core   # build/src/core/<module>/ next to build/tests
ok() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; fi; }

if command -v objdump > /dev/null && ls "$OBJ"/*/*_simd.o > /dev/null 2>&1; then
    for o in "$OBJ"/*/*_simd.o; do
        n=$(objdump -d "$o" | grep -cE '%[yz]mm[0-9]')
        [ "$n" = 0 ] ; ok $? "baseline object $(basename "$o") uses no AVX registers ($n instructions)"
    done
    for o in "$OBJ"/*/*_simd_avx2.o; do
        n=$(objdump -d "$o" | grep -cE '%ymm[0-9]')
        # ASan's instrumentation can keep a loop from vectorising: only the
        # plain build must show AVX2 in its AVX2 objects.
        if nm "$o" 2>/dev/null | grep -q __asan_; then
            echo "skip - AVX2 object $(basename "$o"): a sanitizer build ($n AVX2 instructions)"
            continue
        fi
        [ "$n" -gt 0 ] ; ok $? "AVX2 object $(basename "$o") does use AVX2 ($n instructions)"
    done
else
    echo "skip - objdump or the objects missing"
fi

for t in test_cpu test_lif test_rnn_act test_rnn test_rnn_torch test_fixedpoints test_merge test_mat test_mat_k512; do
    [ -x "$B/core/$t" ] || continue
    out=$(GANGLION_SIMD=baseline "$B/core/$t" 2>&1); st=$?
    bad=$(printf '%s\n' "$out" | grep -c '^not ok')
    good=$(printf '%s\n' "$out" | grep -c '^ok')
    [ $st = 0 ] && [ "$bad" = 0 ] && [ "$good" -gt 0 ] ; ok $? "baseline dispatch: $t passes ($good checks, $bad failures)"
done
for t in tests/lua/test_lif.lua tests/lua/test_rnn.lua; do
    out=$(GANGLION_SIMD=baseline timeout 600 "$G" -b "$t" 2>&1); st=$?
    bad=$(printf '%s\n' "$out" | grep -c '^not ok')
    good=$(printf '%s\n' "$out" | grep -c '^ok')
    [ $st = 0 ] && [ "$bad" = 0 ] && [ "$good" -gt 0 ] ; ok $? "baseline dispatch: $t passes ($good checks, $bad failures)"
done

# The LIF kernels are bit-identical across dispatch levels (fma() in the
# baseline matches the AVX2/AVX-512 fused multiply-adds; connectivity and
# Poisson draws come from the same integer streams): a seeded network with
# recurrence (half NMDA), Poisson inputs and a current gives the same spikes
# under every level.  Two runs that differ without seed() differ because each
# session starts from its own seed (1903998 vs 1903956 spikes was that), not
# because of the kernels.
D=$(mktemp -d)
cat > "$D/lif.lua" <<'L'
seed(42)
local pop = lif{n = 3000, inputs = 200, p = 0.1, w = 0.0004, f_nmda_rec = 0.5, p_in = 0.2, w_in = 0.003}
local r = pop:run{T = 400, rates = 30, I = 0.08, record = false}
local sp, h = r.spikes, 0
local n = sp.count or #sp
if sp.times then
  local t, i = sp:times(), sp:neurons()
  for k = 1, t:rows() do h = (h * 31 + math.floor(t:get(k, 1) * 10) * 7 + i:get(k, 1)) % 2 ^ 40 end
else
  for k = 1, #sp do h = (h * 31 + math.floor(sp[k].t * 10) * 7 + sp[k].i) % 2 ^ 40 end
end
io.write(string.format("%d spikes %d synapses hash %.0f\n", n, pop.synapses, h))
L
for lvl in baseline avx2 ""; do
    GANGLION_SIMD=$lvl timeout 300 "$G" -b "$D/lif.lua" 2>/dev/null | grep spikes > "$D/out_${lvl:-default}"
done
[ -s "$D/out_default" ] && cmp -s "$D/out_baseline" "$D/out_default" && cmp -s "$D/out_avx2" "$D/out_default"
ok $? "seeded LIF network: identical spikes at every dispatch level ($(cat "$D/out_default"))"
rm -rf "$D"
