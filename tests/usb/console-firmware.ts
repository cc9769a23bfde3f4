/**
 * Our CircuitPython-like USB console firmware (tests/firmware/samd21-usb/console.c) on the
 * emulated SAMD21 with the emulated host: its `config` patched into the image before loading,
 * its `status` read back from RAM.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseElf } from '../../firmware-runtime/images/index.js';
import { UsbHost, type UsbHostOptions } from '../../firmware-runtime/usb/index.js';
import { createSamd21 } from '../../boards/chips/samd21.js';

const elfPath = (name: string) => fileURLToPath(new URL(`../firmware/samd21-usb/${name}`, import.meta.url));

/** console.c's `struct config`, in field order. */
export interface ConsoleConfig {
  /** Until then (ms after USB was enabled) the main loop serves USB once every busyPeriodMs. */
  busyUntilMs: number;
  busyPeriodMs: number;
  /** When the program starts printing ("code.py output:"). */
  programStartMs: number;
  lines: number;
  lineIntervalMs: number;
}

const CONFIG_FIELDS: (keyof ConsoleConfig)[] = ['busyUntilMs', 'busyPeriodMs', 'programStartMs', 'lines', 'lineIntervalMs'];
const DEFAULTS: ConsoleConfig = { busyUntilMs: 0, busyPeriodMs: 20, programStartMs: 0, lines: 5, lineIntervalMs: 10 };
/** console.c's `struct status`, in field order (32-bit words after `magic`). */
const STATUS_FIELDS = ['busResets', 'setups', 'configured', 'dtr', 'runs', 'bytesDropped', 'bytesSent', 'lateAddresses', 'firstOutputMs', 'dtrMs'] as const;
export type ConsoleStatus = Record<(typeof STATUS_FIELDS)[number], number>;

/**
 * Boots `usb_console.elf` with `config`, or (`elf`) another of our USB test images as it is.
 */
export function bootConsoleFirmware(config: Partial<ConsoleConfig> = {}, hostOptions: UsbHostOptions = {}, elf = 'usb_console.elf') {
  const chip = createSamd21({ variant: 'G18A' });
  const image = parseElf(new Uint8Array(readFileSync(elfPath(elf))));
  if (elf === 'usb_console.elf') patchConfig(image, config);
  chip.loadSegments(image.segments);
  chip.powerOn();
  const usb = chip.usb;
  const host = new UsbHost(chip.scheduler, usb, hostOptions);
  const statusAt = image.symbols!.get('status')!;
  const status = (): ConsoleStatus => {
    if (chip.bus.read32(statusAt) !== 0x434f4e53) throw new Error('usb_console.elf: status magic not found (did it start?)');
    return Object.fromEntries(STATUS_FIELDS.map((f, i) => [f, chip.bus.read32(statusAt + 4 + 4 * i)])) as ConsoleStatus;
  };
  const machine = chip.machine;
  /** Runs in 1 ms slices until `done()` or `maxMs`; returns whether done() held. */
  const runUntil = (done: () => boolean, maxMs: number): boolean => {
    for (let i = 0; i < maxMs && !done(); i++) {
      const halt = machine.runFor(0.001);
      if (halt) throw new Error(`machine halted: ${halt.message}`);
    }
    return done();
  };
  /** Milliseconds since power-on. */
  const ms = () => chip.scheduler.seconds * 1000;
  return { chip, usb, host, status, runUntil, ms, machine };
}

function patchConfig(image: ReturnType<typeof parseElf>, config: Partial<ConsoleConfig>): void {
  const at = image.symbols!.get('config')!;
  const segment = image.segments.find((s) => at >= s.address && at + 24 <= s.address + s.data.length)!;
  const view = new DataView(segment.data.buffer, segment.data.byteOffset + (at - segment.address));
  if (view.getUint32(0, true) !== 0x464e4f43) throw new Error('usb_console.elf: config magic not found');
  const values = { ...DEFAULTS, ...config };
  CONFIG_FIELDS.forEach((f, i) => view.setUint32(4 + 4 * i, values[f], true));
}

/** The lines the firmware prints for one complete run of `lines` lines. */
export function completeRun(lines: number): string {
  let s = 'code.py output:\r\n';
  for (let i = 1; i <= lines; i++) s += `line ${i} of ${lines}\r\n`;
  return s + '\r\nCode done running.\r\n';
}
