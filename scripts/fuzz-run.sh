#!/usr/bin/env bash
# Run the libFuzzer harness for a bounded time and report it as KTAP v1:
#   scripts/fuzz-run.sh <fuzzer-binary> <seconds> <corpus-dir>
# The corpus directory persists between runs (new inputs are kept there).
# Exits 0 iff the fuzzer found nothing.
set -uo pipefail
bin=$1
secs=$2
corpus=$3
mkdir -p "$corpus"
log=$(dirname "$corpus")/fuzz.log
start=$(date +%s)
"$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=30 -rss_limit_mb=4096 \
	-artifact_prefix="$(dirname "$corpus")/" "$corpus" >"$log" 2>&1
status=$?
elapsed=$(( $(date +%s) - start ))
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1)
echo "KTAP version 1"
echo "1..1"
if [ $status -eq 0 ]; then
	echo "# fuzz: ${execs:-?} executions in ${elapsed} s, ${cov:-cov: ?}, corpus $(ls "$corpus" | wc -l) inputs"
	echo "ok 1 fuzz_random_operations"
else
	grep -E 'DIVERGENCE|random:|ERROR|runtime error|Test unit written' "$log" | head -n 40 | sed 's/^/# /'
	echo "# fuzz: failed (exit $status) after ${execs:-?} executions in ${elapsed} s; log: $log"
	echo "not ok 1 fuzz_random_operations"
fi
exit $(( status != 0 ))
