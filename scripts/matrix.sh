#!/usr/bin/env bash
# The configuration matrix: boot the guest (or run the host model) once per
# row of the backend's matrix files, with that much memory, that many CPUs
# and that CPU model, and check the outcome each row expects.  Prints KTAP
# v1, one result per row; each row's console is kept in <dir>/<name>.log.
# docs/matrix.md describes the rows and what each backend supports.
#
#   scripts/matrix.sh [options] <dir> <matrix-file>...
#
#   --kernel ELF        the guest kernel
#   --host BIN          the host program (rows whose target is "host")
#   --pass N            QEMU exit status of a guest whose tests all passed
#   --nocpu N           QEMU exit status of a guest that refused the CPU
#   --machine "ARGS"    QEMU arguments of every boot (machine, exit device)
#   --target-args "BIN=ARGS"  arguments for one QEMU binary (backend.mk's
#                       QEMU_ARGS_<binary>); a row's own arguments follow
#                       them, so a row's -cpu wins
#   --jobs N            rows run at once (default 2)
#
# A row (fields separated by "|", blanks around them ignored, "#" starts a
# comment line):
#   name | target | memory MiB | CPUs | arguments | command line | expect
# target: a QEMU binary, or "host" (arguments are then environment
# assignments for the model, such as PMAPKIT_MODEL_MAXPHYADDR=32); "-" for
# no arguments or an empty command line.  expect:
#   pass             every test passes (ktap-summary.py on the row's log)
#   pass TEXT        and the console shows TEXT
#   refuse TEXT      the kernel refuses the CPU: the no-CPU exit status, TEXT shown
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kernel= host= pass= nocpu= machine= jobs=2
declare -A targs=()
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift 2 ;;
	--host) host=$2; shift 2 ;;
	--pass) pass=$2; shift 2 ;;
	--nocpu) nocpu=$2; shift 2 ;;
	--machine) machine=$2; shift 2 ;;
	--target-args) targs[${2%%=*}]=${2#*=}; shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	--) shift; break ;;
	-*) echo "matrix.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
if [ $# -lt 2 ]; then
	echo "usage: $0 [options] <dir> <matrix-file>..." >&2
	exit 2
fi
dir=$1
shift
rm -rf "$dir"
mkdir -p "$dir"

trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; echo "${s%"${s##*[![:space:]]}"}"; }

rows=()
for f in "$@"; do
	while IFS= read -r line || [ -n "$line" ]; do
		line=$(trim "$line")
		[ -z "$line" ] || [ "${line:0:1}" = "#" ] && continue
		rows+=("$line")
	done <"$f"
done

# run_row <i> <row>: writes $dir/<i>.result, "ok|not ok<TAB>description".
run_row() {
	local i=$1 row=$2 name target mem smp args cmdline expect
	IFS='|' read -r name target mem smp args cmdline expect <<<"$row"
	name=$(trim "$name") target=$(trim "$target") mem=$(trim "$mem")
	smp=$(trim "$smp") args=$(trim "$args") cmdline=$(trim "$cmdline")
	expect=$(trim "$expect")
	[ "$args" = - ] && args=
	[ "$cmdline" = - ] && cmdline=
	local kind=${expect%% *} text= log=$dir/$name.log verdict=ok why
	[ "$kind" != "$expect" ] && text=$(trim "${expect#* }")
	text=${text#\"} text=${text%\"}
	local what="$target -m $mem -smp $smp${args:+ $args}${cmdline:+ \"$cmdline\"}"
	if [ "$target" = host ]; then
		what="host model mem=$mem cpus=$smp${args:+ ($args)}${cmdline:+ $cmdline}"
		# shellcheck disable=SC2086 # args are VAR=value words for env
		"$top/scripts/run-ktap.sh" -t "${HOST_TIMEOUT:-600}" "$log" \
			env $args "$host" mem="$mem" cpus="$smp" $cmdline
	else
		# shellcheck disable=SC2086 # machine, target and row arguments are word lists
		QEMU_PASS_STATUS=$pass QEMU_MEM_MB=$mem "$top/scripts/qemu-run.sh" \
			"$target" "$kernel" "$log" $machine ${targs[$target]-} $args \
			-smp "$smp" ${cmdline:+-append "$cmdline"} >/dev/null
	fi
	local status
	status=$(sed -n 's/^# exit-status: //p' "$log")
	case $kind in
	pass)
		why=$("$top/scripts/ktap-summary.py" "$log" | tail -n 2 | head -n 1)
		why=${why#"$log: "}
		"$top/scripts/ktap-summary.py" "$log" >/dev/null || verdict="not ok"
		;;
	refuse)
		why="exit status $status (refusal: $nocpu)"
		[ "$status" = "$nocpu" ] || verdict="not ok"
		;;
	*)
		why="unknown expectation \"$expect\""
		verdict="not ok"
		;;
	esac
	if [ -n "$text" ]; then
		if grep -qF -- "$text" "$log"; then
			why="$why; printed \"$text\""
		else
			why="$why; did not print \"$text\""
			verdict="not ok"
		fi
	fi
	printf '%s\t%s: %s: %s\n' "$verdict" "$name" "$what" "$why" >"$dir/$i.result"
}

n=0
for row in "${rows[@]}"; do
	n=$((n + 1))
	run_row "$n" "$row" &
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
done
wait

echo "KTAP version 1"
echo "1..$n"
bad=0
for i in $(seq 1 "$n"); do
	if [ -f "$dir/$i.result" ]; then
		IFS=$'\t' read -r verdict desc <"$dir/$i.result"
	else
		verdict="not ok" desc="row $i wrote no result"
	fi
	[ "$verdict" = ok ] || bad=1
	echo "$verdict $i $desc"
done
exit $bad
