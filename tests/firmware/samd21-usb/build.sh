#!/usr/bin/env bash
# Rebuild the USB CDC-ACM test firmware (committed, so the tests need no cross compiler):
#   echo.c    + usb_dev.c + startup.c  ->  usb_echo.elf     (everything in the interrupt handler)
#   console.c + usb_dev.c + startup.c  ->  usb_console.elf  (TinyUSB's split, a CircuitPython-like console)
# usb_dev.c holds what both share (descriptors, EP0 control transfers, CDC requests); both link
# with samd21-usb.ld. Needs (Debian): gcc-arm-none-eabi binutils-arm-none-eabi
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../arm-baremetal.sh"
cd "$here"
link_elf usb_echo echo.c usb_dev.c startup.c -T samd21-usb.ld
link_elf usb_console console.c usb_dev.c startup.c -T samd21-usb.ld
