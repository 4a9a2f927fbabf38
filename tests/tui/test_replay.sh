#!/bin/sh
# test_replay.sh — `ganglion FILE.lua` shows each chunk as if typed, then
# gives the prompt; --step waits for a key between chunks.
. "$(dirname "$0")/lib.sh"
cat > "$TMP/script.lua" <<'EOS'
x = 6
y = 7
for i = 1, 2 do
  print("loop " .. i)
end
print("product " .. x * y)
EOS
start "$TMP/script.lua"
if wait_for '^product 42$' 5 && screen | grep -q '^>> end$' && screen | grep -q '^loop 2$'; then
    ok "a script replays chunk by chunk, shown as typed"
else bad "a script replays chunk by chunk, shown as typed"; fi
typeln 'x + y'
expect '^13$' "the prompt follows the replay, with its state"
T kill-server; sleep 0.3

launch --step "$TMP/script.lua"
expect 'step: a key runs the next chunk' "--step shows that a key runs the next chunk" 10
if screen | grep -q '^> y = 7$'; then bad "--step waits before the second chunk"; else ok "--step waits before the second chunk"; fi
T send-keys Space
expect '^> y = 7$' "a key runs the next chunk"
for k in 1 2 3 4 5 6; do T send-keys Space; sleep 0.3; done
expect '^product 42$' "all chunks run, one key each"
finish
