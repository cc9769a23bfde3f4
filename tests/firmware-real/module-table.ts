/**
 * The per-board module status table: one entry per (board, CircuitPython module) saying whether
 * the module works on that board's unmodified CircuitPython 9.2.9 in the emulator. It is data for
 * two tests:
 *  - tests/firmware-real/modules.test.ts turns every 'works' into a code.py run on the real
 *    firmware with a check of its physical effect, and every 'absent' into a check that the
 *    build refuses the import (ImportError);
 *  - tests/boards/module-table.test.ts checks that the table in boards/README.md is
 *    `renderModuleTable()` of this data (run with UPDATE_MODULE_TABLE=1 to rewrite it).
 * Nothing here needs firmware.
 */

export type ModuleId =
  | 'digitalio'
  | 'analogio.AnalogIn'
  | 'analogio.AnalogOut'
  | 'pwmio.PWMOut'
  | 'pwmio variable_frequency'
  | 'pulseio.PulseOut'
  | 'pulseio.PulseIn'
  | 'touchio'
  | 'busio.I2C'
  | 'busio.SPI'
  | 'busio.UART'
  | 'bitbangio.I2C'
  | 'onewireio'
  | 'displayio'
  | 'audioio + audiocore'
  | 'audiobusio.PDMIn'
  | 'audiobusio.I2SOut'
  | 'neopixel_write'
  | 'countio'
  | 'rotaryio'
  | 'microcontroller'
  | 'microcontroller.reset, on_next_reset'
  | 'nvm'
  | 'rtc'
  | 'storage'
  | 'usb_hid'
  | 'usb_midi'
  | 'usb_cdc.data'
  | 'supervisor';

/** What a run checks for each module ('works'): the observable effect, for the docs. */
export const MODULE_EFFECTS: Record<ModuleId, string> = {
  digitalio: 'output level on the pad; input with pull-up reads a host-driven low and the pull-up high',
  'analogio.AnalogIn': '1/4 of 3.3 V forced on the pad reads 16384 ± 400',
  'analogio.AnalogOut': 'A0 (DAC VOUT) at 768/1023 of 3.3 V',
  'pwmio.PWMOut': '1 kHz, 25 % duty measured on the pad',
  'pwmio variable_frequency': 'frequency changed to 2.5 kHz while running, measured on the pad, duty kept',
  'pulseio.PulseOut': 'NEC code at 38 kHz decoded from an IR LED on the pad',
  'pulseio.PulseIn': "an IR receiver's NEC train decoded by code.py",
  touchio: 'a touched pad reads True, an untouched one False',
  'busio.I2C': "scan finds a LIS3DH at 0x18 on SDA/SCL; WHO_AM_I reads 0x33; every (SCL, SDA) pair on one SERCOM: a LIS3DH answers on the valid ones, ValueError('Invalid pins') on the others (sercom-pads.test.ts)",
  'busio.SPI': "JEDEC ID of a GD25Q16C on SCK/MOSI/MISO (C8 40 15); on the Gemma M0 (no MISO pad) the DotStar colour; every (SCK, MOSI[, MISO]) on one SERCOM: bytes through a MOSI→MISO loopback (or seen by the bus, write-only) on the valid ones, ValueError('Invalid pins') on the others",
  'busio.UART': "bytes both ways with a serial device on TX/RX at 9600 baud; every (TX, RX) pair on one SERCOM: bytes through a TX→RX loopback at 115200 baud on the valid ones, ValueError('Invalid pins') on the others",
  'bitbangio.I2C': 'the same LIS3DH found and read by bit-banged SDA/SCL (the parts answer on the pins too)',
  onewireio: 'reset(): a low pulse of at least 480 µs on the pad; no presence with only a 4.7 kΩ pull-up, presence when the host answers as a device (30 µs, then 200 µs low)',
  displayio: 'an ILI9341 on the SPI pins (busdisplay.BusDisplay over fourwire.FourWire, D/C D12, CS D13, 320 x 240): a scaled Group with a TileGrid shows left half red, right half blue on the panel; the rest of the family (i2cdisplaybus, paralleldisplaybus, epaperdisplay, terminalio, fontio) is in the build, not checked',
  'audioio + audiocore': 'AudioOut on A0: a RawSample at 16 kHz (DAC samples 62.5 µs apart, 1 kHz at the speaker), then a WaveFile (8 kHz, 500 Hz)',
  'audiobusio.PDMIn': "record() of a PDM microphone (the CPX's own; wired to TX/D9 elsewhere): the host's 1 kHz tone counted in the samples",
  'audiobusio.I2SOut': 'a looped 16 kHz RawSample (16-sample sine) through a MAX98357A on SCK0/FS0/SD0 (CPX MICROPHONE_CLOCK/LIGHT/A3, Metro D6/D7/D12, Feather D6/RX/D12): frames at the port\'s rate (48 MHz / 93 / 32), 50 periods in 800 frames, the sample\'s amplitude',
  neopixel_write: 'the pixel colour latched by a WS2812B chain on the pad',
  countio: 'rising edges the host makes on the pad counted',
  rotaryio: 'quadrature the host makes on two pads: +3 detents clockwise, then -2',
  microcontroller: 'cpu.frequency 48 MHz; cpu.uid = the chip serial number words; cpu.temperature from the ADC at the set die temperature',
  'microcontroller.reset, on_next_reset': 'reset() restarts from boot.py (not a soft reload); on_next_reset(RunMode.SAFE_MODE) + reset() comes up in safe mode with the firmware\'s reason, running no code (usb-cdc-reset.test.ts)',
  nvm: 'bytes written to microcontroller.nvm found in the chip flash by the host',
  rtc: 'rtc.RTC().datetime set, then 2 s later 2 s on',
  storage: 'boot.py remounts CIRCUITPY writable; a file code.py writes is read back by the host',
  usb_hid: 'a keyboard report (key A) read by the emulated USB host',
  usb_midi: 'a note-on read by the USB host as a USB-MIDI event packet',
  'usb_cdc.data': 'boot.py enables it: the USB host enumerates a second CDC-ACM port, and bytes written there come back on it, not on the console (usb-cdc-reset.test.ts)',
  supervisor: 'runtime.serial_connected True; ticks_ms advances by the time slept',
};

/**
 * Modules a reset or a USB reconfiguration would cut short in modules.test.ts's one shared run:
 * checked by their own test file instead (the value), on every board the table says 'works'.
 */
export const ELSEWHERE = {
  'usb_cdc.data': 'usb-cdc-reset.test.ts',
  'microcontroller.reset, on_next_reset': 'usb-cdc-reset.test.ts',
} as const satisfies Partial<Record<ModuleId, string>>;
export type ElsewhereId = keyof typeof ELSEWHERE;
/** The modules modules.test.ts runs itself. */
export type HereId = Exclude<ModuleId, ElsewhereId>;
export const isHere = (m: ModuleId): m is HereId => !(m in ELSEWHERE);

export type Status = 'works' | 'absent' | { partial: string } | { missing: string };

export const BOARDS = [
  'cpx',
  'metro_m0_express',
  'feather_m0_express',
  'gemma_m0',
  'trinket_m0',
  'feather_m0_basic',
  'feather_m0_adalogger',
  'feather_m0_bluefruit_le',
  'arduino_zero',
] as const;
export type BoardName = (typeof BOARDS)[number];

/** The modules every SAMD21 build of CircuitPython 9.2.9 has. */
const COMMON: Partial<Record<ModuleId, Status>> = {
  digitalio: 'works',
  'analogio.AnalogIn': 'works',
  'analogio.AnalogOut': 'works',
  'pwmio.PWMOut': 'works',
  'pwmio variable_frequency': 'works',
  touchio: 'works',
  'busio.I2C': 'works',
  'busio.SPI': 'works',
  'busio.UART': 'works',
  neopixel_write: 'works',
  rotaryio: 'works',
  microcontroller: 'works',
  'microcontroller.reset, on_next_reset': 'works',
  'usb_cdc.data': 'works',
  nvm: 'works',
  rtc: 'works',
  storage: 'works',
  usb_hid: 'works',
  usb_midi: 'works',
  supervisor: 'works',
};

/** The small builds (CIRCUITPY_FULL_BUILD=0) leave these out. */
const SMALL_BUILD: Partial<Record<ModuleId, Status>> = {
  ...COMMON,
  'pulseio.PulseOut': 'absent',
  'pulseio.PulseIn': 'absent',
  'audioio + audiocore': 'absent',
  'audiobusio.PDMIn': 'absent',
  'audiobusio.I2SOut': 'absent',
  countio: 'absent',
  'bitbangio.I2C': 'absent',
  onewireio: 'absent',
  displayio: 'absent',
};

/** The full builds without countio (metro_m0_express, feather_m0_express). */
const FULL_BUILD: Partial<Record<ModuleId, Status>> = {
  ...COMMON,
  'pulseio.PulseOut': 'works',
  'pulseio.PulseIn': 'works',
  'audioio + audiocore': 'works',
  'audiobusio.PDMIn': 'works',
  'audiobusio.I2SOut': 'works',
  countio: 'absent',
  'bitbangio.I2C': 'absent',
  onewireio: 'works',
  displayio: 'works',
};

export const MODULE_STATUS: Record<BoardName, Partial<Record<ModuleId, Status>>> = {
  cpx: { ...FULL_BUILD, countio: 'works', 'bitbangio.I2C': 'works', displayio: 'absent' },
  metro_m0_express: FULL_BUILD,
  feather_m0_express: FULL_BUILD,
  gemma_m0: SMALL_BUILD,
  trinket_m0: SMALL_BUILD,
  feather_m0_basic: SMALL_BUILD,
  feather_m0_adalogger: SMALL_BUILD,
  feather_m0_bluefruit_le: SMALL_BUILD,
  arduino_zero: SMALL_BUILD,
};

export const MODULES = Object.keys(MODULE_EFFECTS) as ModuleId[];

const BOARD_COLUMN: Record<BoardName, string> = {
  cpx: 'cpx',
  metro_m0_express: 'metro',
  feather_m0_express: 'feather express',
  gemma_m0: 'gemma',
  trinket_m0: 'trinket',
  feather_m0_basic: 'feather basic',
  feather_m0_adalogger: 'adalogger',
  feather_m0_bluefruit_le: 'bluefruit le',
  arduino_zero: 'zero',
};

function cell(s: Status | undefined): string {
  if (s === undefined) return '?';
  if (s === 'works') return 'works';
  if (s === 'absent') return '—';
  return 'partial' in s ? `partial: ${s.partial}` : `missing: ${s.missing}`;
}

/** The Markdown table boards/README.md carries between its module-table markers. */
export function renderModuleTable(): string {
  const head = `| module | ${BOARDS.map((b) => BOARD_COLUMN[b]).join(' | ')} | what the test checks |`;
  const rule = `|${'---|'.repeat(BOARDS.length + 2)}`;
  const rows = MODULES.map((m) => `| \`${m}\` | ${BOARDS.map((b) => cell(MODULE_STATUS[b][m])).join(' | ')} | ${MODULE_EFFECTS[m]} |`);
  return [head, rule, ...rows].join('\n');
}

export const TABLE_START = '<!-- module-table:start (generated from tests/firmware-real/module-table.ts) -->';
export const TABLE_END = '<!-- module-table:end -->';
