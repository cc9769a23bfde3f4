/**
 * Every CircuitPython module of tests/firmware-real/module-table.ts on every SAMD21 board, on the
 * board's unmodified CircuitPython 9.2.9 (from $CIRCUITEMU_FIRMWARE_DIR; skipped with a message
 * without it). One boot per board runs a code.py made of one snippet per module; each 'works'
 * entry of the table is a test that the snippet ran and that its physical effect was seen by the
 * parts or the host (pad levels, measured waveforms, part state, USB reports), each 'absent' entry
 * a test that the build refuses the import.
 *
 * The code.py talks to the test in lines "@@ <kind> <module> ... ~~" printed as input() prompts:
 * the firmware waits for the test's Enter after each, so the test acts on the board (drives a
 * pad, touches a pad, starts a USB read) or measures it at exactly that point of the program.
 * CIRCUITEMU_MODULES=rotaryio,countio runs only those modules (when chasing one). The modules of
 * module-table.ts's ELSEWHERE (a reset, a USB reconfiguration) are checked by their own test file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Samd21Board, Samd21PartSpec, TouchPads } from '../../boards/samd21-board.js';
import { connectConsole, showRun } from '../../emulator/console.js';
import { openDrive } from '../../emulator/drive.js';
import { createBoard, loadFirmware } from '../../emulator/run.js';
import { RunLoop } from '../../emulator/runner.js';
import { SimEvent } from '../../emulator/kernel/scheduler.js';
import { Pin, connect } from '../../emulator/kernel/signals.js';
import { readDriveText, writeDriveFile } from '../../firmware-runtime/fs/drive.js';
import type { UsbHost } from '../../firmware-runtime/usb/index.js';
import type { Ws2812bChain } from '../../peripherals/devices/ws2812b.js';
import type { Apa102Chain } from '../../peripherals/devices/apa102.js';
import type { Speaker } from '../../peripherals/devices/speaker.js';
import type { PdmMicrophone } from '../../peripherals/devices/pdm-microphone.js';
import type { Ili9341 } from '../../peripherals/devices/ili9341.js';
import type { I2sAmplifier } from '../../peripherals/devices/i2s-amplifier.js';
import type { UsbUartBridge } from '../../peripherals/devices/usb-uart-bridge.js';
import { necDecode, necEncode, type IrLed, type IrReceiver } from '../../peripherals/devices/infrared.js';
import { DEFAULT_SERIAL } from '../../peripherals/samd21/memory-map.js';
import { BOARDS, MODULES, MODULE_STATUS, isHere, type BoardName, type HereId as ModuleId } from './module-table.js';

const dir = process.env.CIRCUITEMU_FIRMWARE_DIR;

/** A board pin: CircuitPython's name for it and the chip pad. */
type P = readonly [name: string, pad: string];

/** Which pads each module uses on a board (chosen so that the parts wired for one do not disturb another). */
interface Plan {
  board: BoardName;
  /** The CircuitPython build it runs, when not its own. */
  firmware?: string;
  out: P;
  in: P;
  adc: P;
  pwm: P;
  /** A pad for a user-wired WS2812B chain; absent: the board's own NeoPixel ('pixel' or 'pixels'). */
  neopixel: P | { part: string };
  /** A PTC pad; `wired`: a touch-pads part is added for it (boards without their own). */
  touch: P & { wired?: boolean };
  encoder: readonly [P, P];
  i2c: { sercom: number; sda: string; scl: string };
  /** A GD25Q16C on busio.SPI(board.SCK, board.MOSI, board.MISO), or 'dotstar' (Gemma M0: no MISO). */
  spi: { sercom: number; sck: string; mosi: string; miso: string; cs: P } | 'dotstar';
  uart: { sercom: number; tx: string; rx: string };
  /** Full builds: IR LED and receiver pads ('builtin' on the CPX), a speaker on A0. */
  irOut?: P | 'builtin';
  irIn?: P | 'builtin';
  /** PDM microphone clock (I2S SCK0) and data (I2S SD0) pads: 'builtin' on the CPX. */
  mic?: { clock: P; data: P } | 'builtin';
  count?: P;
  /** Full builds: an ILI9341 display on the SPI pins, with its chip select and D/C pads. */
  display?: { cs: P; dc: P };
  /** Full builds: audiobusio.I2SOut's pins (SCK0, FS0, SD0), an I2S amplifier on the data pad. */
  i2s?: { bitClock: P; wordSelect: P; data: P };
}

const FEATHER: Omit<Plan, 'board' | 'neopixel'> = {
  out: ['D5', 'PA15'],
  in: ['D6', 'PA20'],
  adc: ['A1', 'PB08'],
  pwm: ['D9', 'PA07'],
  touch: ['A3', 'PA04'],
  encoder: [
    ['D10', 'PA18'],
    ['D11', 'PA16'],
  ],
  i2c: { sercom: 3, sda: 'PA22', scl: 'PA23' },
  spi: { sercom: 4, sck: 'PB11', mosi: 'PB10', miso: 'PA12', cs: ['A5', 'PB02'] },
  uart: { sercom: 0, tx: 'PA10', rx: 'PA11' },
};
const FEATHER_SPI_D2: Plan['spi'] = { sercom: 4, sck: 'PB11', mosi: 'PB10', miso: 'PA12', cs: ['D2', 'PA14'] };
const FEATHER_WIRED = { ...FEATHER, touch: { ...(['A3', 'PA04'] as const), wired: true } as Plan['touch'] } as const;
const FULL = {
  irOut: ['A4', 'PA05'] as P,
  irIn: ['A2', 'PB09'] as P,
  mic: { clock: ['TX', 'PA10'] as P, data: ['D9', 'PA07'] as P },
  display: { cs: ['D13', 'PA17'] as P, dc: ['D12', 'PA19'] as P },
};

const PLANS: Record<BoardName, Plan> = {
  cpx: {
    board: 'cpx',
    // SCK0 is the microphone's clock pad, FS0 the light sensor's (board.LIGHT), SD0 is A3.
    i2s: { bitClock: ['MICROPHONE_CLOCK', 'PA10'], wordSelect: ['LIGHT', 'PA11'], data: ['A3', 'PA07'] },
    out: ['A6', 'PB09'],
    in: ['A7', 'PB08'],
    adc: ['A3', 'PA07'],
    pwm: ['A2', 'PA06'],
    neopixel: { part: 'pixels' },
    touch: ['A1', 'PA05'],
    // Not A4/A5: they are SCL/SDA, where the I2C parts listen to the pins too (a quadrature
    // pattern on them makes START conditions and clocks, and the LIS3DH would answer).
    encoder: [
      ['A6', 'PB09'],
      ['A7', 'PB08'],
    ],
    i2c: { sercom: 5, sda: 'PB02', scl: 'PB03' },
    spi: { sercom: 0, sck: 'PA05', mosi: 'PA07', miso: 'PA06', cs: ['A6', 'PB09'] },
    uart: { sercom: 4, tx: 'PB08', rx: 'PB09' },
    irOut: 'builtin',
    irIn: 'builtin',
    mic: 'builtin',
    count: ['A7', 'PB08'],
  },
  metro_m0_express: {
    board: 'metro_m0_express', ...FEATHER_WIRED, spi: FEATHER_SPI_D2, neopixel: { part: 'pixel' }, ...FULL,
    i2s: { bitClock: ['D6', 'PA20'], wordSelect: ['D7', 'PA21'], data: ['D12', 'PA19'] },
  },
  feather_m0_express: {
    board: 'feather_m0_express', ...FEATHER_WIRED, neopixel: { part: 'pixel' }, ...FULL,
    // The Feather's only FS0 pad is RX (PA11).
    i2s: { bitClock: ['D6', 'PA20'], wordSelect: ['RX', 'PA11'], data: ['D12', 'PA19'] },
  },
  feather_m0_basic: { board: 'feather_m0_basic', ...FEATHER_WIRED, neopixel: ['D12', 'PA19'] },
  feather_m0_adalogger: { board: 'feather_m0_adalogger', ...FEATHER_WIRED, neopixel: ['D12', 'PA19'] },
  feather_m0_bluefruit_le: { board: 'feather_m0_bluefruit_le', firmware: 'feather_m0_adalogger', ...FEATHER_WIRED, neopixel: ['D12', 'PA19'] },
  arduino_zero: { board: 'arduino_zero', ...FEATHER_WIRED, spi: FEATHER_SPI_D2, neopixel: ['D12', 'PA19'] },
  gemma_m0: {
    board: 'gemma_m0',
    out: ['A2', 'PA04'],
    in: ['A1', 'PA05'],
    adc: ['A1', 'PA05'],
    pwm: ['A2', 'PA04'],
    neopixel: ['A2', 'PA04'],
    touch: ['A0', 'PA02'],
    encoder: [
      ['A1', 'PA05'],
      ['A2', 'PA04'],
    ],
    i2c: { sercom: 0, sda: 'PA04', scl: 'PA05' },
    spi: 'dotstar',
    uart: { sercom: 0, tx: 'PA04', rx: 'PA05' },
  },
  trinket_m0: {
    board: 'trinket_m0',
    out: ['D4', 'PA06'],
    in: ['D3', 'PA07'],
    adc: ['A1', 'PA09'],
    pwm: ['D4', 'PA06'],
    neopixel: ['D4', 'PA06'],
    touch: ['A3', 'PA07'],
    encoder: [
      ['D2', 'PA09'],
      ['D3', 'PA07'],
    ],
    i2c: { sercom: 0, sda: 'PA08', scl: 'PA09' },
    spi: { sercom: 0, sck: 'PA07', mosi: 'PA06', miso: 'PA09', cs: ['D0', 'PA08'] },
    uart: { sercom: 0, tx: 'PA06', rx: 'PA07' },
  },
};

/** The parts each module needs that the board does not carry. */
function userParts(p: Plan, modules: ModuleId[]): Samd21PartSpec[] {
  const parts: Samd21PartSpec[] = [];
  const has = (m: ModuleId) => modules.includes(m);
  if (has('busio.I2C')) parts.push({ id: 'imu', type: 'lis3dh', i2c: { ...p.i2c, pullUpOhms: 10_000 }, address: 0x18, int1: 'PA03' });
  if (has('busio.SPI') && p.spi !== 'dotstar') {
    parts.push({ id: 'spiFlash', type: 'spi-flash', part: 'GD25Q16C', spi: { sercom: p.spi.sercom, sck: p.spi.sck, mosi: p.spi.mosi, miso: p.spi.miso }, cs: p.spi.cs[1] });
  }
  if (has('busio.UART')) parts.push({ id: 'serial', type: 'usb-uart-bridge', sercom: p.uart.sercom, tx: p.uart.tx, rx: p.uart.rx, baud: 9600 });
  if (has('neopixel_write') && Array.isArray(p.neopixel)) parts.push({ id: 'strip', type: 'neopixels', din: (p.neopixel as P)[1], count: 1 });
  if (has('touchio') && p.touch.wired) parts.push({ id: 'userTouch', type: 'touch-pads', pads: { [p.touch[0]]: p.touch[1] } });
  if (has('pulseio.PulseOut') && Array.isArray(p.irOut)) parts.push({ id: 'irLed', type: 'ir-led', anode: (p.irOut as P)[1] });
  if (has('pulseio.PulseIn') && Array.isArray(p.irIn)) parts.push({ id: 'irReceiver', type: 'ir-receiver', out: (p.irIn as P)[1] });
  if (has('audioio + audiocore') && p.board !== 'cpx') parts.push({ id: 'speaker', type: 'speaker', input: 'PA02' });
  if (has('audiobusio.I2SOut') && p.i2s) parts.push({ id: 'amplifier', type: 'i2s-amplifier', din: p.i2s.data[1] });
  if (has('displayio') && p.display && p.spi !== 'dotstar') {
    parts.push({ id: 'tft', type: 'ili9341', spi: { sercom: p.spi.sercom, sck: p.spi.sck, mosi: p.spi.mosi, miso: p.spi.miso }, cs: p.display.cs[1], dc: p.display.dc[1] });
  }
  if (has('audiobusio.PDMIn') && p.mic && p.mic !== 'builtin') parts.push({ id: 'microphone', type: 'pdm-microphone', clk: p.mic.clock[1], data: p.mic.data[1] });
  return parts;
}

/** What the test can do to and see of the running board. */
interface Ctx {
  b: Samd21Board;
  plan: Plan;
  usb: UsbHost;
  /** A host-side wire on a pad (a lab supply or a probe), made on first use. */
  probe(pad: string): Pin;
  /** USB transfers started at a wait point, awaited after the module's result. */
  pending: Promise<unknown>[];
  /** Values the wait points measured, for the final check. */
  seen: Record<string, unknown>;
}

interface ModuleCase {
  /** Python: the body of `def test():` (4-space indented by the harness); returns what to report. */
  code: (p: Plan) => string[];
  /** Host actions at `wait("tag")` points of the code. */
  at?: Record<string, (c: Ctx) => void>;
  /** Checks of the reported result and the board, after the module's run. */
  check: (c: Ctx, result: string) => void | Promise<void>;
}

/** Duty (0..1) and frequency (Hz) of the square wave on a pad over `seconds` of simulated time. */
function measure(c: Ctx, pad: string, seconds: number): { duty: number; hz: number } {
  const net = c.b.mcu.pin(pad).net;
  const s = c.b.machine.scheduler;
  // Whole periods only: from the first rising edge to the last one.
  let rises = 0;
  let firstRise = -1;
  let lastRise = -1;
  let high = 0;
  let highAtLastRise = 0;
  let since = s.cycles;
  let level = net.level;
  const off = net.onEdge((_n, l, cycle) => {
    if (level === 1 && firstRise >= 0) high += cycle - since;
    since = cycle;
    level = l;
    if (l === 1) {
      rises++;
      if (firstRise < 0) firstRise = cycle;
      lastRise = cycle;
      highAtLastRise = high;
    }
  });
  c.b.machine.runFor(seconds);
  off();
  if (rises < 2) return { duty: net.level, hz: 0 };
  return { duty: highAtLastRise / (lastRise - firstRise), hz: ((rises - 1) * s.frequency) / (lastRise - firstRise) };
}

/**
 * The frequency pwmio (or audioio's sample timer) really makes when asked for `hz`: it counts
 * GCLK0 (TCC/TC at prescaler 1 for these frequencies) up to TOP = 48 MHz / hz - 1
 * (common-hal/pwmio/PWMOut.c, audio_dma.c assume 48 MHz),
 * and GCLK0 is the DFLL: 48 MHz exactly in USB clock recovery (crystal-less boards), 1464 x
 * 32768 Hz = 47.972352 MHz when locked to the 32 kHz crystal.
 */
function pwmHz(c: Ctx, hz: number): number {
  return c.b.machine.scheduler.frequency / Math.round(48e6 / hz);
}

/** Schedules `levels` (0 = pad pulled to GND by the host, 1 = released) on pads, `stepUs` apart. */
function playLevels(c: Ctx, pads: string[], steps: (0 | 1)[][], stepUs: number): void {
  const s = c.b.machine.scheduler;
  const pins = pads.map((pad) => c.probe(pad));
  steps.forEach((levels, i) => {
    const ev = new SimEvent(`levels ${i}`, () => levels.forEach((l, j) => pins[j].drive(l === 0 ? 0 : null)));
    s.scheduleIn(ev, s.cyclesIn(((i + 1) * stepUs) / 1e6));
  });
}

const lis3dhWho = (p: Plan) => [
  `import busio`,
  `i2c = busio.I2C(board.SCL, board.SDA)`,
  `while not i2c.try_lock(): pass`,
  `found = i2c.scan()`,
  `buf = bytearray(1)`,
  `i2c.writeto_then_readfrom(0x18, bytes([0x0F]), buf)`,
  `i2c.unlock(); i2c.deinit()`,
  `return "%s %02x" % ([hex(a) for a in found], buf[0])`,
];

const CASES: Record<ModuleId, ModuleCase> = {
  digitalio: {
    code: (p) => [
      `import digitalio`,
      `o = digitalio.DigitalInOut(board.${p.out[0]}); o.switch_to_output(True)`,
      `wait("out-high")`,
      `o.value = False`,
      `wait("out-low")`,
      `o.deinit()`,
      `i = digitalio.DigitalInOut(board.${p.in[0]}); i.switch_to_input(pull=digitalio.Pull.UP)`,
      `wait("drive-low")`,
      `low = i.value`,
      `wait("release")`,
      `high = i.value`,
      `i.deinit()`,
      `return "%s %s" % (low, high)`,
    ],
    at: {
      'out-high': (c) => (c.seen.high = c.b.mcu.pin(c.plan.out[1]).level),
      'out-low': (c) => (c.seen.low = c.b.mcu.pin(c.plan.out[1]).level),
      'drive-low': (c) => c.probe(c.plan.in[1]).drive(0),
      release: (c) => c.probe(c.plan.in[1]).drive(null),
    },
    check: (c, r) => {
      expect([c.seen.high, c.seen.low]).toEqual([1, 0]);
      expect(r).toBe('False True');
    },
  },
  'analogio.AnalogIn': {
    code: (p) => [`import analogio`, `wait("set")`, `a = analogio.AnalogIn(board.${p.adc[0]})`, `v = a.value`, `a.deinit()`, `wait("unset")`, `return v`],
    at: { set: (c) => c.probe(c.plan.adc[1]).forceVoltage(3.3 / 4), unset: (c) => c.probe(c.plan.adc[1]).forceVoltage(null) },
    // 1/4 of the 3.3 V reference on a 16-bit scale, within the ADC's gain and offset error.
    check: (_c, r) => expect(Math.abs(Number(r) - 16384)).toBeLessThan(400),
  },
  'analogio.AnalogOut': {
    code: () => [`import analogio`, `d = analogio.AnalogOut(board.A0)`, `d.value = 49152`, `wait("dac")`, `d.deinit()`, `return "set"`],
    // 49152 >> 6 = 768 of 1023 at VDDANA 3.3 V on VOUT (PA02).
    at: { dac: (c) => (c.seen.volts = c.b.mcu.pin('PA02').voltage) },
    check: (c) => expect(c.seen.volts as number).toBeCloseTo((768 / 1023) * 3.3, 3),
  },
  'pwmio.PWMOut': {
    code: (p) => [`import pwmio`, `w = pwmio.PWMOut(board.${p.pwm[0]}, frequency=1000, duty_cycle=16384)`, `wait("pwm")`, `w.deinit()`, `return "set"`],
    at: { pwm: (c) => (c.seen.m = measure(c, c.plan.pwm[1], 0.02)) },
    check: (c) => {
      const m = c.seen.m as { duty: number; hz: number };
      expect(m.hz).toBeCloseTo(pwmHz(c, 1000), 1);
      expect(m.duty).toBeCloseTo(0.25, 2);
    },
  },
  'pwmio variable_frequency': {
    code: (p) => [
      `import pwmio`,
      `w = pwmio.PWMOut(board.${p.pwm[0]}, frequency=1000, duty_cycle=16384, variable_frequency=True)`,
      `w.frequency = 2500`,
      `wait("pwm")`,
      `f = w.frequency`,
      `w.deinit()`,
      `return f`,
    ],
    at: { pwm: (c) => (c.seen.m = measure(c, c.plan.pwm[1], 0.02)) },
    check: (c, r) => {
      const m = c.seen.m as { duty: number; hz: number };
      expect(m.hz).toBeCloseTo(pwmHz(c, 2500), 1);
      expect(r).toBe('2500'); // what the firmware computes, from its 48 MHz assumption
      expect(m.duty).toBeCloseTo(0.25, 2);
    },
  },
  'pulseio.PulseOut': {
    code: (p) => [
      `import pulseio, array`,
      `pulses = [9000, 4500]`,
      `for byte in (0x10, 0xEF, 0x22, 0xDD):`,
      `    for i in range(8):`,
      `        pulses += [562, 1687 if byte >> i & 1 else 562]`,
      `out = pulseio.PulseOut(board.${p.irOut === 'builtin' ? 'REMOTEOUT' : (p.irOut as P)[0]}, frequency=38000, duty_cycle=2 ** 15)`,
      `out.send(array.array("H", pulses + [562]))`,
      `out.deinit()`,
      `return "sent"`,
    ],
    check: (c) => {
      const led = c.b.parts.irLed as IrLed;
      c.b.machine.runFor(0.05); // the LED closes a train after a quiet gap
      expect(led.trains.length).toBeGreaterThan(0);
      expect(necDecode(led.trains[led.trains.length - 1])).toEqual({ address: 0x10, command: 0x22 });
      expect(Math.abs(led.carrierHz - 38_000)).toBeLessThan(500);
    },
  },
  'pulseio.PulseIn': {
    code: (p) => [
      `import pulseio, time`,
      `pin_in = pulseio.PulseIn(board.${p.irIn === 'builtin' ? 'REMOTEIN' : (p.irIn as P)[0]}, maxlen=100, idle_state=True)`,
      `wait("send")`,
      `start = time.monotonic()`,
      `while len(pin_in) < 67 and time.monotonic() - start < 2:`,
      `    pass`,
      `got = [pin_in[i] for i in range(len(pin_in))]`,
      `pin_in.deinit()`,
      `bits = [1 if got[3 + 2 * i] > 1000 else 0 for i in range(32)] if len(got) >= 67 else []`,
      `value = sum(b << i for i, b in enumerate(bits))`,
      `return "%d %d %d" % (len(got), value & 0xFF, value >> 16 & 0xFF)`,
    ],
    at: { send: (c) => (c.b.parts.irReceiver as IrReceiver).receive(necEncode(0x07, 0x45)) },
    check: (_c, r) => expect(r).toBe('67 7 69'),
  },
  touchio: {
    code: (p) => [
      `import touchio`,
      `t = touchio.TouchIn(board.${p.touch[0]})`,
      `before = t.value`,
      `wait("touch")`,
      `during = t.value`,
      `wait("untouch")`,
      `after = t.value`,
      `t.deinit()`,
      `return "%s %s %s" % (before, during, after)`,
    ],
    at: {
      touch: (c) => touchPads(c).touch(c.plan.touch[0], 1),
      untouch: (c) => touchPads(c).touch(c.plan.touch[0], 0),
    },
    check: (_c, r) => expect(r).toBe('False True False'),
  },
  'busio.I2C': {
    code: lis3dhWho,
    check: (_c, r) => expect(r).toBe("['0x18'] 33"),
  },
  'busio.SPI': {
    code: (p) =>
      p.spi === 'dotstar'
        ? [
            `import busio`,
            `spi = busio.SPI(board.DOTSTAR_CLOCK, MOSI=board.DOTSTAR_DATA)`,
            `while not spi.try_lock(): pass`,
            `spi.configure(baudrate=1000000)`,
            `spi.write(bytes([0, 0, 0, 0, 0xE5, 0x30, 0x20, 0x10, 0xFF, 0xFF, 0xFF, 0xFF]))`,
            `spi.unlock(); spi.deinit()`,
            `return "written"`,
          ]
        : [
            `import busio, digitalio`,
            `cs = digitalio.DigitalInOut(board.${p.spi.cs[0]}); cs.switch_to_output(True)`,
            `spi = busio.SPI(board.SCK, board.MOSI, board.MISO)`,
            `while not spi.try_lock(): pass`,
            `spi.configure(baudrate=4000000)`,
            `buf = bytearray(3)`,
            `cs.value = False`,
            `spi.write(bytes([0x9F]))`,
            `spi.readinto(buf)`,
            `cs.value = True`,
            `spi.unlock(); spi.deinit(); cs.deinit()`,
            `return " ".join("%02X" % x for x in buf)`,
          ],
    check: (c, r) => {
      if (c.plan.spi !== 'dotstar') return expect(r).toBe('C8 40 15');
      // The DotStar latched the frame: brightness 5, blue 0x30, green 0x20, red 0x10.
      expect((c.b.parts.dotstar as Apa102Chain).pixel(0)).toEqual({ r: 0x10, g: 0x20, b: 0x30, brightness: 5 });
    },
  },
  'busio.UART': {
    code: () => [
      `import busio`,
      `u = busio.UART(board.TX, board.RX, baudrate=9600, timeout=1)`,
      `u.write(b"to host\\r\\n")`,
      `wait("answer")`,
      `got = u.read(4)`,
      `u.deinit()`,
      `return got`,
    ],
    at: {
      answer: (c) => (c.b.parts.serial as UsbUartBridge).write(new TextEncoder().encode('pong')),
    },
    check: (c, r) => {
      expect((c.b.parts.serial as UsbUartBridge).text()).toBe('to host\r\n');
      expect(r).toBe("b'pong'");
    },
  },
  'bitbangio.I2C': {
    code: (p) => lis3dhWho(p).map((l) => l.replace('import busio', 'import bitbangio').replace('busio.I2C(', 'bitbangio.I2C(')),
    check: (_c, r) => expect(r).toBe("['0x18'] 33"),
  },
  onewireio: {
    code: (p) => [
      `import onewireio`,
      `wait("pull-up")`,
      `ow = onewireio.OneWire(board.${p.in[0]})`,
      `alone = ow.reset()`,
      `wait("device")`,
      `present = ow.reset()`,
      `ow.deinit()`,
      `wait("remove")`,
      `return "%s %s" % (alone, present)`,
    ],
    at: {
      'pull-up': (c) => {
        const pin = c.probe(c.plan.in[1]);
        pin.setPull('up', 4700);
        // Record the reset pulses: the longest low time on the pad.
        const s = c.b.machine.scheduler;
        let fell = 0;
        c.seen.longestLow = 0;
        c.seen.off = pin.net.onEdge((_n, level, cycle) => {
          if (level === 0) fell = cycle;
          else c.seen.longestLow = Math.max(c.seen.longestLow as number, (cycle - fell) / s.frequency);
        });
      },
      device: (c) => {
        // A 1-Wire device answers a reset pulse (>= 480 µs low) with a presence pulse: it waits
        // 15-60 µs after the line rises, then holds it low for 60-240 µs (DS18B20 data sheet);
        // this one 30 µs, then 200 µs. (The firmware samples "70 µs" later by a delay loop that
        // runs 11 cycles an iteration here: about 160 µs; see boards/README.md.)
        const pin = c.probe(c.plan.in[1]);
        const s = c.b.machine.scheduler;
        const pull = new SimEvent('presence start', () => pin.drive(0));
        const release = new SimEvent('presence end', () => pin.drive(null));
        let fell = 0;
        c.seen.offDevice = pin.net.onEdge((_n, level, cycle) => {
          if (level === 0) fell = cycle;
          else if (pin.driven === null && (cycle - fell) / s.frequency >= 400e-6 && !pull.scheduled) {
            s.scheduleIn(pull, s.cyclesIn(30e-6));
            s.scheduleIn(release, s.cyclesIn(230e-6));
          }
        });
      },
      remove: (c) => {
        (c.seen.off as () => void)();
        (c.seen.offDevice as () => void)();
        c.probe(c.plan.in[1]).setPull('none');
      },
    },
    check: (c, r) => {
      // reset() is True when no device answered (shared-module/onewireio/OneWire.c).
      expect(c.seen.longestLow as number).toBeGreaterThanOrEqual(480e-6);
      expect(r).toBe('True False');
    },
  },
  'audioio + audiocore': {
    code: (p) => [
      `import audioio, audiocore, array, math, time`,
      ...(p.board === 'cpx' ? [`import digitalio`, `en = digitalio.DigitalInOut(board.SPEAKER_ENABLE); en.switch_to_output(True)`] : []),
      `s = array.array("H", [int(32768 + 30000 * math.sin(2 * math.pi * i / 16)) for i in range(16)])`,
      `a = audioio.AudioOut(board.A0)`,
      `a.play(audiocore.RawSample(s, sample_rate=16000), loop=True)`,
      `time.sleep(0.01)`,
      `wait("listen")`,
      `playing = a.playing`,
      `a.stop()`,
      `f = open("/tone.wav", "rb")`,
      `a.play(audiocore.WaveFile(f))`,
      `time.sleep(0.01)`,
      `wait("wave")`,
      `a.stop(); f.close(); a.deinit()`,
      ...(p.board === 'cpx' ? [`en.deinit()`] : []),
      `return playing`,
    ],
    at: { listen: (c) => (c.seen.raw = listen(c)), wave: (c) => (c.seen.wave = listen(c)) },
    check: (c, r) => {
      expect(r).toBe('True');
      // RawSample at 16 kHz: one DAC conversion each 62.5 µs (0.05 s: 800 samples), 16 a period: 1 kHz.
      // The sample clock is GCLK0 / (48 MHz / rate), as for pwmio (pwmHz): exact on crystal-less boards.
      const raw = c.seen.raw as Heard;
      expect(raw.n).toBeGreaterThan(780);
      expect(raw.spacing).toBeCloseTo(1 / pwmHz(c, 16_000), 9);
      expect(Math.abs(raw.hz - pwmHz(c, 16_000) / 16)).toBeLessThan(2);
      // WaveFile (/tone.wav: 8 kHz, 16-bit mono, 500 Hz): 125 µs apart, 500 Hz.
      const wave = c.seen.wave as Heard;
      expect(wave.n).toBeGreaterThan(380);
      expect(wave.spacing).toBeCloseTo(1 / pwmHz(c, 8_000), 9);
      expect(Math.abs(wave.hz - pwmHz(c, 8_000) / 16)).toBeLessThan(2);
    },
  },
  'audiobusio.PDMIn': {
    code: (p) => [
      `import audiobusio, array`,
      p.mic === 'builtin'
        ? `m = audiobusio.PDMIn(board.MICROPHONE_CLOCK, board.MICROPHONE_DATA, sample_rate=16000, bit_depth=16)`
        : `m = audiobusio.PDMIn(board.${p.mic!.clock[0]}, board.${p.mic!.data[0]}, sample_rate=16000, bit_depth=16)`,
      `b = array.array("H", [0] * 640)`,
      `m.record(b, len(b))`,
      `mid = sum(b[320:]) // 320`,
      `ups = sum(1 for i in range(320, 639) if b[i] < mid <= b[i + 1])`,
      `m.deinit()`,
      `return "%d %d" % (max(b[320:]) - min(b[320:]), ups)`,
    ],
    at: {},
    check: (_c, r) => {
      // The host's 1 kHz tone: 20 rising crossings in the last 320 samples (20 ms), a wide swing.
      const [swing, ups] = r.split(' ').map(Number);
      expect(swing).toBeGreaterThan(4000);
      expect(Math.abs(ups - 20)).toBeLessThanOrEqual(1);
    },
  },
  neopixel_write: {
    code: (p) => [
      `import neopixel_write, digitalio, time`,
      `pin = digitalio.DigitalInOut(board.${Array.isArray(p.neopixel) ? (p.neopixel as P)[0] : 'NEOPIXEL'})`,
      `pin.direction = digitalio.Direction.OUTPUT`,
      // The pad may have idled high (I2C, UART on small boards): a low > 50 µs resets the chain first.
      `time.sleep(0.001)`,
      `neopixel_write.neopixel_write(pin, bytearray([0x10, 0x20, 0x30]))`,
      // ... and after the frame, to latch it before deinit releases the pad (to the I2C pull-up on Gemma).
      `time.sleep(0.001)`,
      `pin.deinit()`,
      `return "set"`,
    ],
    check: (c) => {
      const part = Array.isArray(c.plan.neopixel) ? 'strip' : (c.plan.neopixel as { part: string }).part;
      // GRB on the wire: 0x10 green, 0x20 red, 0x30 blue.
      const chain = c.b.parts[part] as Ws2812bChain;
      expect(chain.rgb()[0], `${chain.errors} timing errors, the last: ${chain.lastError}`).toBe(0x201030);
    },
  },
  'audiobusio.I2SOut': {
    // A 16-sample sine at 16 kHz (1 kHz) looped: mono 16-bit, so the port sets 16-bit compact slots with MONO.
    code: (p) => [
      `import audiobusio, audiocore, array, math`,
      `s = array.array("h", [int(20000 * math.sin(2 * math.pi * i / 16)) for i in range(16)])`,
      `a = audiobusio.I2SOut(board.${p.i2s!.bitClock[0]}, board.${p.i2s!.wordSelect[0]}, board.${p.i2s!.data[0]})`,
      `a.play(audiocore.RawSample(s, sample_rate=16000), loop=True)`,
      `wait("playing")`,
      `a.stop()`,
      `a.deinit()`,
      `return "played"`,
    ],
    at: {
      playing: (c) => {
        c.b.machine.runFor(0.06);
        c.seen.i2s = (c.b.parts.amplifier as I2sAmplifier).recent(800);
      },
    },
    check: (c, r) => {
      expect(r).toBe('played');
      const { times, values } = c.seen.i2s as { times: number[]; values: number[] };
      expect(times.length).toBe(800);
      // The port's clock: GCLK = 48 MHz / 93 (48 MHz / (32 bits x 16 kHz), truncated), a frame = 32 SCK.
      const rate = (times.length - 1) / (times[times.length - 1]! - times[0]!);
      expect(rate / (c.b.machine.scheduler.frequency / 93 / 32)).toBeCloseTo(1, 3);
      // 800 frames hold 50 periods of 16 frames: 49 or 50 rising zero crossings by where the window
      // starts, exactly 16 frames apart.
      const rises = values.flatMap((v, i) => (i > 0 && values[i - 1]! < 0 && v >= 0 ? [i] : []));
      expect(rises.length).toBeGreaterThanOrEqual(49);
      expect((rises[rises.length - 1]! - rises[0]!) / (rises.length - 1)).toBe(16);
      expect(Math.max(...values)).toBeCloseTo(20000 / 32768, 2);
    },
  },
  displayio: {
    // A 320 x 240 landscape ILI9341 (its init sequence inline: SWRESET, SLPOUT, 16-bit pixels,
    // MADCTL MV | BGR, DISPON), then a scaled Group: the left half red, the right blue.
    code: (p) => [
      `import displayio, fourwire, busdisplay, busio`,
      `displayio.release_displays()`,
      `spi = busio.SPI(board.SCK, MOSI=board.MOSI, MISO=board.MISO)`,
      `bus = fourwire.FourWire(spi, command=board.${p.display!.dc[0]}, chip_select=board.${p.display!.cs[0]}, baudrate=12000000)`,
      `d = busdisplay.BusDisplay(bus, b"\\x01\\x80\\x78\\x11\\x80\\x78\\x3a\\x01\\x55\\x36\\x01\\x28\\x29\\x80\\x14", width=320, height=240, auto_refresh=False)`,
      // A 4 x 3 bitmap scaled 80 times (the SAMD21's heap has no room for a full-size one).
      `g = displayio.Group(scale=80)`,
      `pal = displayio.Palette(2)`,
      `pal[0] = 0xFF0000`,
      `pal[1] = 0x0000FF`,
      `bmp = displayio.Bitmap(4, 3, 2)`,
      `for y in range(3):`,
      `    bmp[2, y] = 1`,
      `    bmp[3, y] = 1`,
      `g.append(displayio.TileGrid(bmp, pixel_shader=pal))`,
      `d.root_group = g`,
      `d.refresh()`,
      `displayio.release_displays()`,
      `return "drawn"`,
    ],
    check: (c, r) => {
      expect(r).toBe('drawn');
      const tft = c.b.parts.tft as Ili9341;
      expect([tft.sleeping, tft.displayOn, tft.colmod, tft.madctl]).toEqual([false, true, 0x55, 0x28]);
      const at = (x: number, y: number) => tft.addressedPixel(x, y).toString(16).padStart(6, '0');
      expect([at(0, 0), at(159, 239), at(160, 0), at(319, 239)]).toEqual(['ff0000', 'ff0000', '0000ff', '0000ff']);
      expect(tft.pixelsWritten).toBeGreaterThanOrEqual(320 * 240);
    },
  },
  countio: {
    code: (p) => [`import countio`, `k = countio.Counter(board.${p.count![0]}, pull=digitalio.Pull.UP)`, `wait("pulses")`, `n = k.count`, `k.deinit()`, `return n`],
    at: {
      pulses: (c) => {
        const steps: (0 | 1)[][] = [];
        for (let i = 0; i < 25; i++) steps.push([0], [1]);
        playLevels(c, [c.plan.count![1]], steps, 200);
        c.b.machine.runFor(0.012);
      },
    },
    check: (_c, r) => expect(r).toBe('25'),
  },
  rotaryio: {
    code: (p) => [
      `import rotaryio`,
      `e = rotaryio.IncrementalEncoder(board.${p.encoder[0][0]}, board.${p.encoder[1][0]})`,
      `wait("cw")`,
      `cw = e.position`,
      `wait("ccw")`,
      `ccw = e.position`,
      `e.deinit()`,
      `return "%d %d" % (cw, ccw)`,
    ],
    at: {
      // One detent clockwise in CircuitPython's table (shared-module/rotaryio): (A,B) 11 -> 01 -> 00 -> 10 -> 11.
      cw: (c) => turn(c, CW, 3),
      ccw: (c) => turn(c, [...CW].reverse().slice(1).concat([[1, 1]]), 5),
    },
    check: (_c, r) => expect(r).toBe('3 -2'),
  },
  microcontroller: {
    code: () => [`import microcontroller`, `c = microcontroller.cpu`, `return "%d %s %.1f" % (c.frequency, "".join("%02x" % x for x in c.uid), c.temperature)`],
    check: (_c, r) => {
      const [hz, uid, t] = r.split(' ');
      expect(Number(hz)).toBe(48_000_000);
      // The four serial number words (data sheet 10.3.3), each little-endian.
      expect(uid).toBe(DEFAULT_SERIAL.map((w) => [0, 8, 16, 24].map((s) => ((w >>> s) & 0xff).toString(16).padStart(2, '0')).join('')).join(''));
      expect(Math.abs(Number(t) - DIE_CELSIUS)).toBeLessThan(1.5);
    },
  },
  nvm: {
    code: () => [`import microcontroller`, `microcontroller.nvm[0:8] = b"emu-nvm!"`, `return bytes(microcontroller.nvm[0:8])`],
    check: (c, r) => {
      expect(r).toBe("b'emu-nvm!'");
      // CIRCUITPY_INTERNAL_NVM_START_ADDR = FLASH_SIZE - 256 (ports/atmel-samd/mpconfigport.h).
      expect(new TextDecoder().decode(c.b.mcu.flash.u8.subarray(0x40000 - 256, 0x40000 - 248))).toBe('emu-nvm!');
    },
  },
  rtc: {
    code: () => [
      `import rtc, time`,
      `r = rtc.RTC()`,
      `r.datetime = time.struct_time((2026, 12, 3, 17, 0, 0, 3, -1, -1))`,
      `time.sleep(2)`,
      `d = r.datetime`,
      `return "%d-%02d-%02d %02d:%02d:%02d" % d[:6]`,
    ],
    check: (_c, r) => expect(r).toBe('2026-12-03 17:00:02'),
  },
  storage: {
    code: () => [
      `import storage`,
      `with open("/from_code.txt", "w") as f:`,
      `    f.write("written on " + board.board_id)`,
      `return storage.getmount("/").readonly`,
    ],
    check: (c, r) => {
      expect(r).toBe('False');
      // Checked at the end of the run (an internal-flash page write may still run now).
      c.seen.storage = true;
    },
  },
  usb_hid: {
    code: () => [
      `import usb_hid`,
      `kbd = [d for d in usb_hid.devices if d.usage_page == 1 and d.usage == 6][0]`,
      `wait("read")`,
      `kbd.send_report(bytes([0, 0, 4, 0, 0, 0, 0, 0]))`,
      `kbd.send_report(bytes(8))`,
      `return "sent"`,
    ],
    at: {
      read: (c) => {
        const hid = c.usb.hid[0];
        c.pending.push(hid.readReport().then((r) => (c.seen.report = [...r])));
      },
    },
    // Report ID 1 (CircuitPython's keyboard), no modifiers, key 4 ('a').
    check: (c) => expect(c.seen.report).toEqual([1, 0, 0, 4, 0, 0, 0, 0, 0]),
  },
  usb_midi: {
    code: () => [`import usb_midi`, `wait("read")`, `usb_midi.ports[1].write(bytes([0x90, 60, 100]))`, `return "sent"`],
    at: { read: (c) => c.pending.push(c.usb.midi[0].receive().then((r) => (c.seen.midi = [...r]))) },
    // Cable 0, code index 9 (note-on), then the three MIDI bytes (USB MIDI 1.0, 4).
    check: (c) => expect((c.seen.midi as number[]).slice(0, 4)).toEqual([0x09, 0x90, 60, 100]),
  },
  supervisor: {
    code: () => [`import supervisor, time`, `t0 = supervisor.ticks_ms()`, `time.sleep(0.5)`, `dt = supervisor.ticks_ms() - t0`, `return "%s %d" % (supervisor.runtime.serial_connected, dt)`],
    check: (_c, r) => {
      const [connected, dt] = r.split(' ');
      expect(connected).toBe('True');
      expect(Math.abs(Number(dt) - 500)).toBeLessThanOrEqual(2);
    },
  },
};

const DIE_CELSIUS = 31.5;

interface Heard {
  n: number;
  spacing: number;
  hz: number;
}

/** 50 ms of what the speaker hears: sample count, spacing (s) and pitch (Hz). */
function listen(c: Ctx): Heard {
  const spk = c.b.parts.speaker as Speaker;
  spk.clear();
  c.b.machine.runFor(0.05);
  const { seconds } = spk.samples();
  return { n: seconds.length, spacing: (seconds[seconds.length - 1] - seconds[0]) / (seconds.length - 1), hz: spk.estimateFrequency() };
}

/** A RIFF/WAVE file: 16-bit mono PCM at `rate`, a sine of `hz` for `seconds` (the format audiocore.WaveFile reads). */
function waveFile(rate: number, hz: number, seconds: number): Uint8Array {
  const n = Math.round(rate * seconds);
  const out = new Uint8Array(44 + 2 * n);
  const v = new DataView(out.buffer);
  const ascii = (o: number, t: string) => [...t].forEach((ch, i) => v.setUint8(o + i, ch.charCodeAt(0)));
  ascii(0, 'RIFF');
  v.setUint32(4, 36 + 2 * n, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true); // PCM
  v.setUint16(22, 1, true); // mono
  v.setUint32(24, rate, true);
  v.setUint32(28, rate * 2, true);
  v.setUint16(32, 2, true);
  v.setUint16(34, 16, true);
  ascii(36, 'data');
  v.setUint32(40, 2 * n, true);
  for (let i = 0; i < n; i++) v.setInt16(44 + 2 * i, Math.round(20000 * Math.sin((2 * Math.PI * hz * i) / rate)), true);
  return out;
}
const CW: (0 | 1)[][] = [
  [0, 1],
  [0, 0],
  [1, 0],
  [1, 1],
];

function turn(c: Ctx, detent: (0 | 1)[][], detents: number): void {
  const steps: (0 | 1)[][] = [];
  for (let i = 0; i < detents; i++) steps.push(...detent);
  playLevels(c, c.plan.encoder.map((e) => e[1]), steps, 500);
  c.b.machine.runFor((steps.length + 2) * 500e-6);
}

function touchPads(c: Ctx): TouchPads {
  return (c.b.parts.userTouch ?? c.b.parts.touch) as TouchPads;
}

/**
 * The drive of a board: code.py (the harness) and one small module file per module, imported one
 * at a time and dropped after its run (all of them in one code.py do not compile in 32 KiB of RAM).
 */
function driveFiles(p: Plan, modules: ModuleId[]): Record<string, string> {
  const files: Record<string, string> = {
    '/code.py': [
      'import gc, sys',
      'def say(*a):',
      '    input("@@ " + " ".join(str(x) for x in a) + " ~~")',
      'def run(name, file):',
      '    try:',
      '        say("ok", name, __import__(file).test(lambda tag: say("wait", name, tag)))',
      '    except Exception as e:',
      '        say("err", name, repr(e))',
      '    sys.modules.pop(file, None)',
      '    gc.collect()',
      ...modules.map((_m, i) => `run(${i}, "mod_${i}")`),
      'say("done", "all")',
      '',
    ].join('\n'),
  };
  modules.forEach((m, i) => {
    const body = MODULE_STATUS[p.board][m] === 'absent' ? [`import ${m.split(/[ .]/)[0]}`, `return "imported"`] : CASES[m].code(p);
    files[`/mod_${i}.py`] = ['import board, digitalio', 'def test(wait):', ...body.map((l) => `    ${l}`), ''].join('\n');
  });
  return files;
}

interface Outcome {
  result?: string;
  error?: string;
  hostError?: unknown;
}

/** Boots the board's firmware with the modules' code.py and plays the protocol; one outcome per module. */
async function runBoard(p: Plan, modules: ModuleId[], image: string): Promise<Map<ModuleId, Outcome>> {
  const testable = modules.filter((m) => MODULE_STATUS[p.board][m] === 'works');
  const b = createBoard(p.board, { parts: userParts(p, testable) }) as Samd21Board;
  b.mcu.adc.dieTemperature = DIE_CELSIUS;
  (b.parts.microphone as PdmMicrophone | undefined)?.setLevel(0.5, 1000);
  const { volume } = openDrive(b);
  writeDriveFile(volume, '/boot.py', new TextEncoder().encode('import storage\nstorage.remount("/", readonly=False)\n'));
  if (testable.includes('audioio + audiocore')) writeDriveFile(volume, '/tone.wav', waveFile(8000, 500, 0.3));
  for (const [path, text] of Object.entries(driveFiles(p, modules))) writeDriveFile(volume, path, new TextEncoder().encode(text));
  const connection = connectConsole(b);
  const console = showRun(connection, b.machine.scheduler, { reload: true });
  loadFirmware(b, readFileSync(image), image);
  const probes = new Map<string, Pin>();
  const ctx: Ctx = {
    b,
    plan: p,
    usb: connection.usbHost!,
    probe(pad) {
      let pin = probes.get(pad);
      if (!pin) {
        pin = new Pin(`host ${pad}`, b.machine.scheduler);
        connect(pin, b.mcu.pin(pad));
        probes.set(pad, pin);
      }
      return pin;
    },
    pending: [],
    seen: {},
  };
  const outcomes = new Map<ModuleId, Outcome>();
  let reply = '';
  for (;;) {
    const loop = new RunLoop(b.machine, console, { timeoutSeconds: b.machine.scheduler.seconds + 30, expectText: ' ~~' });
    if (reply) console.write(new TextEncoder().encode(reply));
    const end = await loop.run();
    const text = loop.history.text();
    if (end.kind !== 'expected') throw new Error(`${p.board}: the run stopped (${end.kind}) after:\n${text.slice(-1500)}`);
    const [kind, index, ...rest] = (/@@ (.*) ~~$/s.exec(text)?.[1] ?? '').split(' ');
    const module = modules[Number(index)];
    reply = '\r';
    if (kind === 'done') break;
    const outcome = outcomes.get(module) ?? {};
    outcomes.set(module, outcome);
    try {
      if (kind === 'wait') CASES[module].at![rest[0]](ctx);
      else if (kind === 'err') outcome.error = rest.join(' ');
      else if (kind === 'ok') {
        outcome.result = rest.join(' ');
        if (MODULE_STATUS[p.board][module] === 'works') {
          // Let USB transfers started at a wait point complete (the host polls every frame).
          for (let i = 0; i < 50 && ctx.pending.length; i++) b.machine.runFor(0.001);
          await Promise.all(ctx.pending.splice(0));
          await CASES[module].check(ctx, outcome.result);
        }
      }
    } catch (e) {
      outcome.hostError ??= e;
    }
  }
  if (ctx.seen.storage) {
    const o = outcomes.get('storage')!;
    try {
      b.machine.runFor(0.05);
      expect(readDriveText(openDrive(b, { format: false }).volume, '/from_code.txt')).toBe(`written on ${p.firmware ?? (p.board === 'cpx' ? 'circuitplayground_express' : p.board)}`);
    } catch (e) {
      o.hostError ??= e;
    }
  }
  return outcomes;
}

describe.each(BOARDS.map((board) => ({ board })))('CircuitPython modules on $board', ({ board }) => {
  const p = PLANS[board];
  const image = dir ? join(dir, `circuitpython-${p.firmware ?? board}.uf2`) : '';
  const present = image !== '' && existsSync(image);
  const file = `circuitpython-${p.firmware ?? board}.uf2`;
  if (!present) console.warn(`[tests/firmware-real] SKIPPED modules on ${board}: set CIRCUITEMU_FIRMWARE_DIR to a folder with ${file} (see DEVELOPERS.md)`);
  const only = process.env.CIRCUITEMU_MODULES?.split(',');
  const modules = MODULES.filter(isHere).filter((m) => {
    const s = MODULE_STATUS[board][m];
    return (s === 'works' || s === 'absent') && (!only || only.includes(m));
  });
  let outcomes: Map<ModuleId, Outcome>;
  beforeAll(async () => {
    if (present) outcomes = await runBoard(p, modules, image);
  }, 300_000);

  it.skipIf(!present).each(modules)('%s', (m) => {
    const o = outcomes.get(m);
    expect(o, `${m}: code.py never reported it`).toBeDefined();
    if (MODULE_STATUS[board][m] === 'absent') {
      expect(o!.error, `${m} is absent from this build, but it imported`).toMatch(/^ImportError/);
      return;
    }
    expect(o!.error, `${m} raised on the firmware`).toBeUndefined();
    if (o!.hostError) throw o!.hostError;
  });
});
