#!/usr/bin/env bash
# Rebuilds the benchmark image (needs Debian's gcc-arm-none-eabi). The .bin is committed.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p build
arm-none-eabi-gcc -mcpu=cortex-m0plus -mthumb -O2 -ffreestanding -nostdlib -fno-builtin \
  -T bench.ld -Wl,--gc-sections -o build/bench.elf bench.c -lgcc
arm-none-eabi-objcopy -O binary build/bench.elf bench.bin
echo "bench.bin: $(stat -c %s bench.bin) bytes"
