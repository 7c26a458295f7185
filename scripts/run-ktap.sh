#!/usr/bin/env bash
# Run one command that prints KTAP (a host test run, the fuzz pass, the
# mutation check), save its output, and record how it ended, so that a
# complete plan can never hide a crash, a sanitizer report at exit or a hang.
#
#   scripts/run-ktap.sh [-t seconds] [-v] <outfile> <command> [args...]
#
#   -t S   kill the command after S seconds (default 600; SIGKILL 10 s later)
#   -v     copy the output to the terminal as well
#
# stdout and stderr both go to <outfile> (a sanitizer's report is kept next
# to the results), then "# exit-status: S" and "# pass-status: 0" are
# appended (ktap-summary.py counts the file as failed when they differ), and
# after a timeout "# timed-out: S s".  Exits with the command's status.
set -uo pipefail

limit=600 verbose=
while getopts t:v opt; do
	case $opt in
	t) limit=$OPTARG ;;
	v) verbose=1 ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -lt 2 ]; then
	echo "usage: $0 [-t seconds] [-v] <outfile> <command> [args...]" >&2
	exit 2
fi
out=$1
shift
mkdir -p "$(dirname "$out")"
[ -t 0 ] || exec </dev/null

if [ -n "$verbose" ]; then
	timeout -k 10 "$limit" "$@" 2>&1 | tee "$out"
	status=${PIPESTATUS[0]}
else
	timeout -k 10 "$limit" "$@" >"$out" 2>&1
	status=$?
fi
[ -n "$(tail -c 1 "$out")" ] && echo >>"$out"
echo "# exit-status: $status" >>"$out"
echo "# pass-status: 0" >>"$out"
# timeout(1): 124 after SIGTERM, 137 when SIGKILL was needed too.
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
	echo "# timed-out: $limit s" >>"$out"
	echo "$out: TIMED OUT after $limit s: $*" >&2
elif [ "$status" -ne 0 ]; then
	echo "$out: exit status $status: $*" >&2
fi
exit "$status"
