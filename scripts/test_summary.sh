#!/usr/bin/env bash
# Reads a `swift test` log and prints one line, "N passed, N failed", over XCTest and Swift Testing together.
log=$1
xc_total=$(grep -E "^Test Suite 'All tests' (passed|failed)" -A1 "$log" | grep -oE 'Executed [0-9]+ tests?' | tail -1 | grep -oE '[0-9]+')
xc_failed=$(grep -E "^Test Suite 'All tests' (passed|failed)" -A1 "$log" | grep -oE 'with [0-9]+ failures?' | tail -1 | grep -oE '[0-9]+')
xc_total=${xc_total:-0}; xc_failed=${xc_failed:-0}
st_line=$(grep -E 'Test run with [0-9]+ tests?' "$log" | tail -1)
st_total=$(echo "$st_line" | grep -oE 'with [0-9]+ tests?' | grep -oE '[0-9]+')
st_failed=$(echo "$st_line" | grep -oE '[0-9]+ issues?' | grep -oE '[0-9]+')
st_total=${st_total:-0}
if echo "$st_line" | grep -q 'failed'; then st_failed=${st_failed:-1}; else st_failed=0; fi
failed=$((xc_failed + st_failed))
passed=$((xc_total - xc_failed + st_total - st_failed))
if [ "$((xc_total + st_total))" = 0 ]; then failed=$((failed + 1)); fi
echo "$passed passed, $failed failed"
