/**
 * `feather_huzzah`: Adafruit Feather HUZZAH ESP8266. An ESP8266 with 4 MiB of SPI flash, the
 * red LED on GPIO0 and the blue LED on GPIO2 (both lit when the pin is driven low), and UART0
 * as the console (the board's CP2104 USB-serial bridge).
 *
 * Firmware: a flash image as esptool writes it at offset 0 (`--firmware X.bin`): the board's
 * `binBase` is the flash window's address, so a .bin's bytes land in flash from offset 0 and the
 * ROM emulation boots the esptool image there. An ELF built for IRAM/DRAM is loaded to RAM and
 * started at its entry with the ROM's RAM state (no image in flash needed).
 */
import type { Machine } from '../emulator/kernel/machine.js';
import { SimEvent } from '../emulator/kernel/scheduler.js';
import { createEsp8266, FLASH_WINDOW_BASE, RESET_EXTERNAL, type Esp8266 } from './chips/esp8266.js';
import type { Board, BoardConsole, LoadSegment, MemoryRegion } from './types.js';
import type { AccessPoint } from '../peripherals/esp8266/wifi-air.js';

export const FEATHER_HUZZAH_SPEC = {
  name: 'feather_huzzah',
  title: 'Adafruit Feather HUZZAH ESP8266',
  flashSize: 4 << 20,
  /** LEDs: GPIO number, lit when the pin is low. */
  leds: { red: 0, blue: 2 },
  /** Pin names printed on the board -> GPIO. */
  pins: { RX: 3, TX: 1, SDA: 4, SCL: 5, MISO: 12, MOSI: 13, SCK: 14, '0': 0, '2': 2, '4': 4, '5': 5, '12': 12, '13': 13, '14': 14, '15': 15, '16': 16 },
} as const;

export interface FeatherHuzzahBoard extends Board {
  readonly chip: Esp8266;
  readonly console: BoardConsole;
  /** LED states (true = lit). */
  readonly leds: { readonly red: boolean; readonly blue: boolean };
}

/**
 * UART0 as a byte stream: TX to the machine's stdout; host input waits in a queue and moves into
 * the RX FIFO one character time (10 bits at the firmware's baud) at a time, as a USB-serial
 * bridge delivers it.
 */
function uartConsole(chip: Esp8266, machine: Machine): BoardConsole {
  const pending: number[] = [];
  const one = new Uint8Array(1);
  const out = new Uint8Array(1);
  chip.uart0.onTransmit = (byte) => {
    out[0] = byte;
    machine.stdout.write(out);
  };
  const feed: SimEvent = new SimEvent('huzzah.uart0-rx', () => {
    if (pending.length > 0 && chip.uart0.rxFree > 0) {
      one[0] = pending.shift()!;
      chip.uart0.receive(one);
    }
    if (pending.length > 0) schedule();
  });
  const schedule = () => {
    if (!feed.scheduled) chip.scheduler.scheduleIn(feed, chip.scheduler.cyclesIn(10 / (chip.uart0.baud || 115200)));
  };
  return {
    onData: (listener) => void machine.stdout.onData(listener),
    write: (bytes) => {
      for (const b of bytes) pending.push(b);
      schedule();
    },
    close: () => machine.stdin.close(),
  };
}

/** Size code of the board's 4 MiB flash in an esptool image header (byte 3, high nibble). */
const FLASH_SIZE_CODE_4MB = 4;

/**
 * `esptool.py write_flash --flash_size detect` (as MicroPython's and Adafruit's instructions
 * flash the board) rewrites the size nibble of an image header written at offset 0 to the
 * detected chip's size; the boot ROM then reports that size to firmware (flashchip.chip_size).
 * The header's checksum does not cover it.
 */
function flashedAsEsptoolWould(flash: Uint8Array): void {
  if (flash[0] === 0xe9) flash[3] = (FLASH_SIZE_CODE_4MB << 4) | (flash[3]! & 0x0f);
}

export interface FeatherHuzzahOptions {
  /**
   * A wire from GPIO16 to RST, which timed deep sleep needs to wake the chip (Adafruit's and
   * MicroPython's deep-sleep guides add it; the bare board does not have it). Default true.
   */
  gpio16ToReset?: boolean;
  /**
   * The WiFi access points in range (default none): each beacons on its channel, so a scan
   * finds it (peripherals/esp8266/wdev-rx.ts says what is and is not modelled). Also settable
   * later through `chip.wdevRx.accessPoints`.
   */
  wifi?: { accessPoints?: readonly AccessPoint[] };
}

export function createFeatherHuzzah(options: FeatherHuzzahOptions = {}): FeatherHuzzahBoard {
  const chip = createEsp8266({ flashSize: FEATHER_HUZZAH_SPEC.flashSize });
  if (options.gpio16ToReset ?? true) chip.onDeepSleepWake = () => chip.systemReset(RESET_EXTERNAL);
  chip.wdevRx.accessPoints = options.wifi?.accessPoints ?? [];
  const machine = chip.machine;
  const console = uartConsole(chip, machine);
  const regions: MemoryRegion[] = [
    { name: 'flash', base: FLASH_WINDOW_BASE, size: FEATHER_HUZZAH_SPEC.flashSize },
    { name: 'dram', base: 0x3ffe8000, size: 0x18000 },
    { name: 'iram', base: 0x40100000, size: 0x8000 },
  ];
  const lit = (gpio: number) => (chip.gpio.enabled & (1 << gpio)) !== 0 && (chip.gpio.out & (1 << gpio)) === 0;
  return {
    name: FEATHER_HUZZAH_SPEC.name,
    architecture: 'Xtensa',
    machine,
    chip,
    regions,
    console,
    binBase: FLASH_WINDOW_BASE,
    leds: {
      get red() {
        return lit(FEATHER_HUZZAH_SPEC.leds.red);
      },
      get blue() {
        return lit(FEATHER_HUZZAH_SPEC.leds.blue);
      },
    },
    load(segments: LoadSegment[], entry?: number): void {
      chip.flash.fill(0xff);
      const ram: LoadSegment[] = [];
      for (const seg of segments) {
        const offset = seg.address - FLASH_WINDOW_BASE;
        if (offset >= 0 && offset + seg.data.length <= chip.flash.length) chip.flash.set(seg.data, offset);
        else ram.push(seg);
      }
      flashedAsEsptoolWould(chip.flash);
      chip.powerOn();
      if (ram.length > 0) {
        // An ELF for RAM: loaded as the ROM would load an image, then started at its entry.
        for (const seg of ram) machine.bus.writeBlock(seg.address, seg.data);
        chip.hle.prepareRam(chip.core, entry ?? 0);
      }
    },
  };
}
