#!/usr/bin/env bash
# Rebuilds clock.elf (needs gcc-arm-none-eabi and libnewlib-arm-none-eabi); the .elf is committed.
set -euo pipefail
cd "$(dirname "$0")"
common=../armv6m
mkdir -p build
arm-none-eabi-gcc -mcpu=cortex-m0plus -mthumb -Os --specs=rdimon.specs -std=gnu11 -Wall -Wextra -Werror \
  -ffunction-sections -fdata-sections -I"$common/common" \
  "$common/common/startup.S" clock.c -T "$common/test-m0.ld" -Wl,--gc-sections -Wl,-z,max-page-size=16 \
  -Wl,--no-warn-rwx-segments -lm -o build/clock.full.elf
arm-none-eabi-strip --strip-debug -o clock.elf build/clock.full.elf
echo "clock.elf: $(stat -c %s clock.elf) bytes"
