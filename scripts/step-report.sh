#!/usr/bin/env bash
# One progress line of make test for a step that has just ended:
#
#   scripts/step-report.sh <label> <start-us> <status> [<result.ktap> [<log>]]
#
# <start-us> is the step's start in microseconds ($EPOCHREALTIME without
# the dot), <status> its exit status.  With a result file, the counts come
# from it (ktap-summary.py --line, which applies the same rules as the final
# summary); without one the step's exit status decides.  A failed step names
# where its details are: the result file, or <log>.  Exits 0.
set -uo pipefail
label=$1 start=$2 status=$3 result=${4:-} log=${5:-}
now=${EPOCHREALTIME//[!0-9]/}
ms=$(( (now - start) / 1000 ))
t=$(printf '%d.%d s' $((ms / 1000)) $((ms % 1000 / 100)))
if [ -n "$result" ] && [ "$result" != - ]; then
	line=$("$(dirname "$0")/ktap-summary.py" --line "$result")
	case $line in
	ok*) printf '%-52s %s, %s\n' "$label ..." "$line" "$t" ;;
	*)   printf '%-52s %s, %s; see %s\n' "$label ..." "$line" "$t" "$result" ;;
	esac
elif [ "$status" -eq 0 ]; then
	printf '%-52s ok, %s\n' "$label ..." "$t"
else
	printf '%-52s FAILED (exit status %d), %s%s\n' "$label ..." "$status" "$t" \
		"${log:+; see $log}"
fi
exit 0
