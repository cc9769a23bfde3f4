#!/usr/bin/env bash
# Rebuild the SAMD21 test firmware images (committed, so the tests need no cross compiler).
#   src/system.c  ->  system_osc32k.elf  (OSC32K reference, crystal-less boards like the CPX)
#                 ->  system_xosc32k.elf (-DUSE_XOSC32K: 32 kHz crystal, Feather/Metro M0 Express)
#                 ->  system_usbcrm.elf  (-DUSE_USBCRM: DFLL48M in USB clock recovery, like CircuitPython on the CPX)
#   src/reset.c   ->  reset.elf          (RCAUSE after power-on, AIRCR.SYSRESETREQ and WDT resets)
#   src/periph_*.c + src/periph_common.c (clocks as CircuitPython on the CPX, result block in
#   src/periph.h), run on the cpx board by tests/samd21/firmware-periph.test.ts:
#                 ->  periph_flash.elf   (SERCOM3 SPI + DMAC: GD25Q16C ID, DMA read, erase, program)
#                 ->  periph_analog.elf  (ADC light sensor / thermistor, DAC on PA02, PTC pad A1)
#                 ->  periph_timer.elf   (TCC2 PWM on PA17, TC3 overflow interrupt)
#                 ->  periph_i2c.elf     (SERCOM1 I2C: LIS3DH WHO_AM_I and OUT_X/Y/Z)
#                 ->  periph_usart.elf   (SERCOM4 USART on PB08/PB09: transmit, receive, echo)
#                 ->  periph_nvm.elf     (NVMCTRL row erase / page write stall the CPU: tests/samd21/nvm-stall.test.ts)
#                 ->  periph_edbg.elf    (Arduino Zero: echo on the EDBG port, SERCOM5: tests/emulator/console-edbg.test.ts)
#                 ->  periph_ac.elf      (AC: continuous, window, single-shot, events to TC3; PA04 swept by the test)
#                 ->  periph_display.elf (SERCOM0 SPI to an ILI9341 on A1-A4: reset, pixel format, MADCTL, a full frame, RAMWRC)
#   src/nvm_cache.c  ->  nvm_cache.elf    (NVM cache: loops timed with SysTick for each CTRLB
#                                          CACHEDIS / READMODE: tests/samd21/nvm-cache.test.ts)
#   src/gclk_main.c  ->  gclk_main.elf    (GCLK generator 0 = GCLK_MAIN disabled: the CPU stops;
#                                          tests/samd21/gclk-main.test.ts)
#   src/eic_remux.c  ->  eic_remux.elf    (EIC: re-muxing a pad and a floating pad are no edges, a pull
#                                          that moves the pad is: tests/samd21/eic-remux.test.ts)
#   src/button_led.c -> button_led.elf (LED follows button A, A1 square wave: tests/scenario scenarios)
#                 ->  periph_pinmux.elf  (SERCOM3 SPI / SERCOM1 I2C with pins unmuxed, wrong DOPO,
#                                         wrong function: nothing reaches the parts;
#                                         run by tests/samd21-periph/sercom-pins-firmware.test.ts)
# Needs (Debian): gcc-arm-none-eabi binutils-arm-none-eabi
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../arm-baremetal.sh"
cd "$here"
build() {
    local name="$1" src="$2"; shift 2
    local extra=()
    case "$src" in periph_*) extra=(src/periph_common.c) ;; esac
    link_elf "$name" -Icommon "$@" common/startup.c "${extra[@]}" "src/$src.c" -T common/samd21.ld
}
echo "samd21:"
build system_osc32k system
build system_xosc32k system -DUSE_XOSC32K
build system_usbcrm system -DUSE_USBCRM
build reset reset
build nvm_cache nvm_cache
build button_led button_led
build gclk_main gclk_main
build eic_remux eic_remux
for p in periph_flash periph_analog periph_timer periph_i2c periph_usart periph_pinmux periph_nvm periph_edbg periph_ac periph_display; do
    if [ -f "src/$p.c" ]; then build "$p" "$p"; fi
done
