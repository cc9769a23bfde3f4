#!/usr/bin/env bash
# Rebuild the USB CDC-ACM test firmware (committed, so the tests need no cross compiler):
#   echo.c    + regs.h + samd21-usb.ld  ->  usb_echo.elf     (everything in the interrupt handler)
#   console.c + regs.h + samd21-usb.ld  ->  usb_console.elf  (TinyUSB's split, a CircuitPython-like console)
# Needs (Debian): gcc-arm-none-eabi binutils-arm-none-eabi
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cc=arm-none-eabi-gcc
strip=arm-none-eabi-strip
if ! command -v "$cc" >/dev/null; then
    echo "build.sh: $cc not found (apt-get install gcc-arm-none-eabi)" >&2
    exit 1
fi
cd "$here"
mkdir -p build
build() {
    local src="$1" name="$2"
    "$cc" -mcpu=cortex-m0plus -mthumb -Os -std=gnu11 -Wall -Wextra -Werror \
          -ffreestanding -nostdlib -ffunction-sections -fdata-sections \
          "$src" -T samd21-usb.ld -Wl,--gc-sections -Wl,-z,max-page-size=16 -Wl,--no-warn-rwx-segments \
          -Wl,-Map="build/$name.map" -lgcc -o "build/$name.full.elf"
    # Keep the symbol table (the tests read `status` and patch `config`), drop debug info.
    "$strip" --strip-debug -o "$name.elf" "build/$name.full.elf"
    printf '  %-24s %7d bytes\n' "$name.elf" "$(stat -c %s "$name.elf")"
}
build echo.c usb_echo
build console.c usb_console
