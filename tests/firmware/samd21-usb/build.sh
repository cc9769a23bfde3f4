#!/usr/bin/env bash
# Rebuild the USB CDC-ACM echo test firmware (committed, so the tests need no cross compiler).
#   echo.c + regs.h + samd21-usb.ld  ->  usb_echo.elf
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
"$cc" -mcpu=cortex-m0plus -mthumb -Os -std=gnu11 -Wall -Wextra -Werror \
      -ffreestanding -nostdlib -ffunction-sections -fdata-sections \
      echo.c -T samd21-usb.ld -Wl,--gc-sections -Wl,-z,max-page-size=16 -Wl,--no-warn-rwx-segments \
      -Wl,-Map=build/usb_echo.map -lgcc -o build/usb_echo.full.elf
# Keep the symbol table (the test reads `status`), drop debug info.
"$strip" --strip-debug -o usb_echo.elf build/usb_echo.full.elf
printf '  %-24s %7d bytes\n' usb_echo.elf "$(stat -c %s usb_echo.elf)"
