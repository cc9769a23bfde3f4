#!/usr/bin/env bash
# Regenerate <name>.expected.json ({stdout, exitCode}) for every ARMv6-M test
# image by running it on QEMU's nRF51 micro:bit model (a Cortex-M0) with ARM
# semihosting.  Programs that are pure portable C are also built for the host
# with gcc (+UBSan) and must print exactly the same, as a cross-check of the
# expected output itself.
#
# The cycle-timing program (timing.elf) cannot be checked on QEMU, which is
# not cycle accurate: its expected output is generated from timing.trm.txt
# (numbers from the Cortex-M0+ TRM), and QEMU only has to run it to a clean
# exit printing the same labels.
#
# Usage: tests/firmware/armv6m/make-expected.sh [name...]
# Needs: qemu-system-arm (Debian qemu-system-arm), gcc, node.
set -euo pipefail

dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$dir"

QEMU=(qemu-system-arm -M microbit -nographic -monitor none -serial none
      -semihosting-config enable=on,target=native)

# Programs whose output does not depend on the target (checked against gcc).
PORTABLE=" intmath math64 floatmath sort recursion setjmp printf malloc stdin strings "
# Programs whose expected output comes from the TRM, not from QEMU.
TRM_ONLY=" timing "

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# write_json <stdout-file> <exit-code> <json-file> [note]
write_json() {
    node -e '
        const fs = require("fs");
        const [out, code, file, note] = process.argv.slice(1);
        const bytes = fs.readFileSync(out);
        const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);  // throws unless valid UTF-8
        const o = { stdout: text, exitCode: Number(code) };
        if (note) o.note = note;
        fs.writeFileSync(file, JSON.stringify(o, null, 2) + "\n");
    ' "$@"
}

# run_qemu <elf> <stdin-file> <stdout-file>; prints the exit code
run_qemu() {
    local rc=0
    timeout 60 "${QEMU[@]}" -kernel "$1" <"$2" >"$3" 2>"$tmp/qemu.err" || rc=$?
    if [ "$rc" = 124 ]; then
        echo "make-expected: $1 timed out on QEMU" >&2
        cat "$tmp/qemu.err" >&2
        exit 1
    fi
    echo "$rc"
}

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for elf in *.elf; do names+=("${elf%.elf}"); done
fi

status=0
for name in "${names[@]}"; do
    elf="$name.elf"
    [ -f "$elf" ] || { echo "make-expected: no $elf (run tests/firmware/build.sh)" >&2; exit 1; }
    input=/dev/null
    [ -f "$name.stdin" ] && input="$name.stdin"

    rc="$(run_qemu "$elf" "$input" "$tmp/$name.out")"

    if [[ "$TRM_ONLY" == *" $name "* ]]; then
        # Expected numbers come from the TRM table; QEMU must merely run it.
        [ "$rc" = 0 ] || { echo "make-expected: $name exited $rc on QEMU" >&2; status=1; }
        node -e '
            const fs = require("fs");
            const [trm, got, out] = process.argv.slice(1);
            const rows = fs.readFileSync(trm, "utf8").split("\n")
                .filter(l => l.trim() && !l.startsWith("#"))
                .map(l => { const m = /^(.*\S)\s+(\d+)$/.exec(l);
                            if (!m) throw new Error("bad line: " + l);
                            return [m[1], m[2]]; });
            const labels = fs.readFileSync(got, "latin1").split("\n")
                .filter(l => l.includes(":")).map(l => l.slice(0, l.lastIndexOf(":")));
            const want = rows.map(r => r[0]);
            if (JSON.stringify(labels) !== JSON.stringify(want)) {
                console.error("timing labels differ between program and TRM table:\n" +
                              labels.join("\n") + "\n---\n" + want.join("\n"));
                process.exit(1);
            }
            fs.writeFileSync(out, "timing (cycles, Cortex-M0+ TRM r0p1 Table 3-1)\n" +
                             rows.map(r => r[0] + ": " + r[1]).join("\n") + "\n");
        ' "src/$name.trm.txt" "$tmp/$name.out" "$tmp/$name.trm.out"
        write_json "$tmp/$name.trm.out" 0 "$name.expected.json" \
            "Cycle counts from the ARM Cortex-M0+ Technical Reference Manual r0p1 (DDI 0484C), Table 3-1 'Cortex-M0+ instruction summary', zero wait state memory; see src/$name.trm.txt. Not checked on QEMU (not cycle accurate)."
        echo "  $name: TRM table (QEMU ran it, exit $rc)"
        continue
    fi

    write_json "$tmp/$name.out" "$rc" "$name.expected.json"
    printf '  %-20s exit %-3s %6d bytes of stdout' "$name" "$rc" "$(stat -c %s "$tmp/$name.out")"

    if [[ "$PORTABLE" == *" $name "* ]]; then
        if gcc -std=gnu11 -O1 -Wall -Wextra -fsanitize=undefined -fno-sanitize-recover=all \
               -Icommon -o "$tmp/$name.host" "src/$name.c" -lm 2>"$tmp/$name.gcc"; then
            hrc=0
            "$tmp/$name.host" <"$input" >"$tmp/$name.hout" 2>"$tmp/$name.herr" || hrc=$?
            if cmp -s "$tmp/$name.out" "$tmp/$name.hout" && [ "$hrc" = "$rc" ]; then
                printf '  host gcc: identical'
            else
                printf '  host gcc: DIFFERENT (exit %s)\n' "$hrc"
                diff "$tmp/$name.out" "$tmp/$name.hout" | head -20 || true
                cat "$tmp/$name.herr"
                status=1
            fi
        else
            printf '  host gcc: build failed\n'
            cat "$tmp/$name.gcc"
            status=1
        fi
    fi
    echo
done
exit "$status"
