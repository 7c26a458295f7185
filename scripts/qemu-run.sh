#!/usr/bin/env bash
# Boot a test kernel in QEMU (TCG), show its serial console and save it.
#
#   scripts/qemu-run.sh <qemu-binary> <kernel.elf> <outfile> [extra qemu args...]
#
# Environment (the Makefile sets these from backend.mk and .config):
#   QEMU_PASS_STATUS  QEMU exit status that means "pass" (required)
#   QEMU_MEM_MB       guest memory in MiB (-m); QEMU's default when unset
#   QEMU_TIMEOUT      seconds before QEMU is killed (default 300)
#
# The serial console goes to the terminal and to <outfile>; then one line
# "<qemu-binary>: exit status S, T s" is printed and "# exit-status: S",
# "# pass-status: P" and "# boot-time: T s" (and after a timeout "# timed-out:
# T s", after Ctrl-C "# interrupted") are appended to <outfile> (KTAP
# comments, read by ktap-summary.py, so results of several backends can be
# summed).  Exits 130 after Ctrl-C.
# Exits 0 iff S equals QEMU_PASS_STATUS.
set -uo pipefail

if [ $# -lt 3 ]; then
	echo "usage: $0 <qemu-binary> <kernel.elf> <outfile> [extra qemu args...]" >&2
	exit 2
fi
qemu=$1 kernel=$2 out=$3
shift 3
pass=${QEMU_PASS_STATUS:?QEMU_PASS_STATUS must be set}
limit=${QEMU_TIMEOUT:-300}

if [ ! -f "$kernel" ]; then
	echo "$0: no kernel image $kernel" >&2
	exit 2
fi
mkdir -p "$(dirname "$out")"
# Interactive (make run): keep the terminal as the serial input.
# Otherwise never let QEMU read whatever stdin happens to be.
[ -t 0 ] || exec </dev/null

start=${EPOCHREALTIME//[!0-9]/}
# Ctrl-C reaches QEMU, which exits with status 0 and says "terminating on
# signal 2" on stderr (the shell takes no notice of it): watch for that.
interrupted=
errf=$(mktemp)
trap 'rm -f "$errf"' EXIT
# --foreground: QEMU may read the terminal without being stopped by SIGTTIN.
timeout --foreground -k 10 "$limit" \
	"$qemu" -kernel "$kernel" ${QEMU_MEM_MB:+-m "$QEMU_MEM_MB"} \
	-display none -monitor none -serial stdio -nic none -no-reboot \
	"$@" 2>"$errf" | tee "$out"
status=${PIPESTATUS[0]}
cat "$errf" >&2
grep -q 'terminating on signal 2\b' "$errf" && interrupted=1
end=${EPOCHREALTIME//[!0-9]/}

ms=$(( (end - start) / 1000 ))
# The guest may not have ended its last line.
[ -n "$(tail -c 1 "$out")" ] && echo >>"$out"
echo "# exit-status: $status" >>"$out"
echo "# pass-status: $pass" >>"$out"
printf '# boot-time: %d.%d s\n' $((ms / 1000)) $((ms % 1000 / 100)) >>"$out"
if [ -n "$interrupted" ]; then
	echo "# interrupted" >>"$out"
	printf '%s: INTERRUPTED (Ctrl-C) after %d.%d s\n' "$qemu" $((ms / 1000)) $((ms % 1000 / 100))
	exit 130
fi

if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
	echo "# timed-out: $limit s" >>"$out"
	echo "$qemu: TIMED OUT after $limit s" >&2
fi
printf '%s: exit status %d, %d.%d s\n' "$qemu" "$status" $((ms / 1000)) $((ms % 1000 / 100))
[ "$status" -eq "$pass" ]
