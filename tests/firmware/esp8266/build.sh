#!/usr/bin/env bash
# Builds our ESP8266 test programs (*.c) into *.elf with Debian's gcc-xtensa-lx106, linked
# against the ROM entry points (esp8266.ld), and runs the host build of each to write its
# expected output (*.expected.txt). The .elf and .expected.txt files are committed (CI has no
# Xtensa toolchain). The test turns each ELF into an esptool v1 flash image and boots it.
set -euo pipefail
cd "$(dirname "$0")"
CC=${CC:-xtensa-lx106-elf-gcc}
for src in *.c; do
  p=${src%.c}
  "$CC" -O2 -mlongcalls -ffreestanding -fno-builtin -nostdlib -Wall -Wextra -T esp8266.ld -Wl,--gc-sections vectors.S "$src" -lgcc -o "$p.elf"
  xtensa-lx106-elf-strip -g "$p.elf"
  # Programs that build for the host too get their expected output from the host build; the
  # others (hardware programs) have a hand-written expectation in the test.
  if grep -q '#ifdef HOST' "$src"; then
    gcc -O2 -DHOST -Wall -Wno-format "$src" -o "/tmp/$p.host"
    "/tmp/$p.host" > "$p.expected.txt"
  fi
  echo "built $p.elf ($(stat -c %s "$p.elf") bytes)"
done
