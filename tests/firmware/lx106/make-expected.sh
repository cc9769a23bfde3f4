#!/usr/bin/env bash
# Regenerates <program>.expected.json ({"stdout", "exitCode"}) for every lx106 test program by
# running it on QEMU:  qemu-system-xtensa -M sim -cpu lx106 -nographic -monitor none -semihosting
#                      -device loader,file=PROG.elf,cpu-num=0
# (`-kernel PROG.elf` does not work here: the sim machine then starts at its reset vector 0x50000000,
# in empty sysrom0, instead of the ELF entry.)
# Pure-C programs (HOST_CHECKED below) are also built for the host with -DHOST and must print
# the same and exit with the same status. Usage: tests/firmware/lx106/make-expected.sh [program...]
set -euo pipefail
cd "$(dirname "$0")"
QEMU=${QEMU:-qemu-system-xtensa}
HOSTCC=${HOSTCC:-gcc}
HOST_CHECKED=" math sort recursion printf bench "
programs=("$@")
if [ ${#programs[@]} -eq 0 ]; then
  for f in *.elf; do programs+=("${f%.elf}"); done
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for p in "${programs[@]}"; do
  set +e
  timeout 120 "$QEMU" -M sim -cpu lx106 -nographic -monitor none -semihosting \
    -device loader,file="$p.elf",cpu-num=0 >"$tmp/$p.out" 2>"$tmp/$p.err"
  status=$?
  set -e
  if [ $status -eq 124 ]; then echo "$p: QEMU timed out" >&2; exit 1; fi
  if [[ "$HOST_CHECKED" == *" $p "* ]]; then
    "$HOSTCC" -O2 -DHOST -Iruntime -o "$tmp/$p.host" "src/$p.c"
    set +e
    "$tmp/$p.host" >"$tmp/$p.hostout"
    hstatus=$?
    set -e
    if ! cmp -s "$tmp/$p.out" "$tmp/$p.hostout" || [ $status -ne $hstatus ]; then
      echo "$p: QEMU and the host build disagree (status $status vs $hstatus)" >&2
      diff "$tmp/$p.out" "$tmp/$p.hostout" >&2 || true
      exit 1
    fi
  fi
  python3 - "$tmp/$p.out" "$status" "$p.expected.json" <<'PY'
import json, sys
out = open(sys.argv[1], 'rb').read().decode('utf-8')
json.dump({'stdout': out, 'exitCode': int(sys.argv[2])}, open(sys.argv[3], 'w'), indent=2)
open(sys.argv[3], 'a').write('\n')
PY
  note=""
  if [[ "$HOST_CHECKED" == *" $p "* ]]; then note=", matches the host build"; fi
  echo "$p: exit $status, $(wc -c <"$tmp/$p.out") bytes of output$note"
done
