#!/usr/bin/env bash
# Rebuild every committed firmware test image (`npm run firmware`).
#
# Usage: tests/firmware/build.sh [target...]   (default: every target)
#   armv6m   ARMv6-M programs, built here (arm-none-eabi-gcc + newlib)
#   <dir>    any other tests/firmware/<dir>/ with its own build.sh (e.g. lx106)
#
# The built images are committed, so `npm test` never needs a cross compiler;
# run this only after changing a program, and commit the new images (and, if
# the output changed, regenerate the expected files with
# tests/firmware/armv6m/make-expected.sh).
#
# armv6m needs (Debian): gcc-arm-none-eabi binutils-arm-none-eabi libnewlib-arm-none-eabi
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# ---------------------------------------------------------------------------
# ARMv6-M (Cortex-M0+) programs for the `test-m0` board and QEMU -M microbit.
#   src/<name>.c [+ src/<name>_asm.S]  ->  <name>.elf
# ---------------------------------------------------------------------------
build_armv6m() {
    local dir="$here/armv6m"
    local cc=arm-none-eabi-gcc strip=arm-none-eabi-strip
    if ! command -v "$cc" >/dev/null; then
        echo "build.sh: $cc not found (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi)" >&2
        return 1
    fi
    local cflags=(-mcpu=cortex-m0plus -mthumb -Os --specs=rdimon.specs
                  -std=gnu11 -Wall -Wextra -Werror
                  -ffunction-sections -fdata-sections
                  -Icommon)
    local ldflags=(-T test-m0.ld -Wl,--gc-sections -Wl,-z,max-page-size=16
                   -Wl,--no-warn-rwx-segments)

    mkdir -p "$dir/build"
    # Work from the program directory with relative paths so that nothing
    # machine-specific ends up in the images (reproducible builds).
    (
        cd "$dir"
        "$cc" "${cflags[@]}" -c common/startup.S -o build/startup.o
        local src name objs
        for src in src/*.c; do
            name="$(basename "$src" .c)"
            objs=(build/startup.o)
            "$cc" "${cflags[@]}" -c "$src" -o "build/$name.o"
            objs+=("build/$name.o")
            if [ -f "src/${name}_asm.S" ]; then
                "$cc" "${cflags[@]}" -c "src/${name}_asm.S" -o "build/${name}_asm.o"
                objs+=("build/${name}_asm.o")
            fi
            "$cc" "${cflags[@]}" "${objs[@]}" "${ldflags[@]}" \
                -lm -Wl,-Map="build/$name.map" -o "build/$name.full.elf"
            "$strip" --strip-debug -o "$name.elf" "build/$name.full.elf"
            printf '  %-24s %7d bytes\n' "$name.elf" "$(stat -c %s "$name.elf")"
        done
    )
}

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(armv6m)
    for script in "$here"/*/build.sh; do
        [ -f "$script" ] && targets+=("$(basename "$(dirname "$script")")")
    done
fi

status=0
for t in "${targets[@]}"; do
    echo "$t:"
    if [ "$t" = armv6m ]; then
        # a subshell outside any `||`, so that `set -e` still stops at the first error
        set +e
        ( set -e; build_armv6m )
        [ $? -eq 0 ] || status=1
        set -e
    elif [ -f "$here/$t/build.sh" ]; then
        bash "$here/$t/build.sh" || status=1
    else
        echo "build.sh: unknown target '$t'" >&2
        status=1
    fi
done
exit "$status"
