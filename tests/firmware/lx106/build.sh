#!/usr/bin/env bash
# Rebuilds the lx106 test programs (src/*.c, src/*.S) into *.elf with Debian's
# gcc-xtensa-lx106 (CALL0 ABI, -mlongcalls). The built .elf files are committed because CI
# has no Xtensa toolchain. Usage: tests/firmware/lx106/build.sh [program...]
set -euo pipefail
cd "$(dirname "$0")"
CC=${CC:-xtensa-lx106-elf-gcc}
STRIP=${STRIP:-xtensa-lx106-elf-strip}
CFLAGS=(-O2 -mlongcalls -ffreestanding -fno-builtin -nostdlib -Wall -Wextra -Wno-unused-parameter
        -ffunction-sections -fdata-sections -Iruntime)
LDFLAGS=(-T lx106.ld -Wl,--gc-sections -Wl,-n)
RUNTIME=(runtime/crt0.S runtime/runtime.c runtime/libgcc-extra.c)
programs=("$@")
if [ ${#programs[@]} -eq 0 ]; then
  for f in src/*.c src/*.S; do [ -e "$f" ] && programs+=("$(basename "${f%.*}")"); done
fi
for p in "${programs[@]}"; do
  src=src/$p.c
  [ -e "$src" ] || src=src/$p.S
  "$CC" "${CFLAGS[@]}" "${LDFLAGS[@]}" "${RUNTIME[@]}" "$src" -lgcc -o "$p.elf"
  "$STRIP" -g "$p.elf"
  echo "built $p.elf ($(stat -c %s "$p.elf") bytes)"
done
