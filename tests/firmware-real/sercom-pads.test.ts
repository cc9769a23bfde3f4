/**
 * busio.I2C, busio.SPI and busio.UART on every SERCOM pad mapping of every SAMD21 board, on the
 * board's unmodified CircuitPython 9.2.9 (from $CIRCUITEMU_FIRMWARE_DIR; skipped with a message
 * without it).
 *
 * The candidates are the pin combinations of the board's `board` names whose pads share a SERCOM
 * (data sheet table 7-1, peripherals/samd21/sercom-pads.ts), in every order. For each the test
 * predicts, independently of the emulator, what CircuitPython does, by its pad rules
 * (ports/atmel-samd/common-hal/busio/{I2C,SPI,UART}.c: the pin's SERCOM locations are tried
 * function C first, then D, skipping SERCOMs already enabled):
 *  - I2C: SDA on PAD0 and SCL on PAD1 of one SERCOM;
 *  - SPI: SCK on PAD1 or PAD3, MOSI where a DOPO value puts data out with that clock (27.8.1:
 *    DOPO 0 DO=PAD0/SCK=PAD1, 1 PAD2/PAD3, 2 PAD3/PAD1, 3 PAD0/PAD3), MISO on any pad of it;
 *  - UART: TX on PAD0 or PAD2 (TXPO), RX on any other pad of the same SERCOM;
 * otherwise ValueError('Invalid pins'). One boot per board constructs each candidate in one
 * code.py; before each, the host wires what the prediction says should answer on those pads
 * (a LIS3DH at 0x18 with pull-ups, an SPI MOSI->MISO loopback, a UART TX->RX loopback) to the
 * SERCOM it predicts, so bytes only come back when the firmware routed exactly those pads.
 * SPI is also tried write-only (busio.SPI(clock, MOSI=...), as for a DotStar): the bus must see
 * the bytes. CIRCUITEMU_SERCOM_LOG=1 prints every candidate with its prediction and outcome.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Samd21Board } from '../../boards/samd21-board.js';
import { connectConsole, showRun } from '../../emulator/console.js';
import { openDrive } from '../../emulator/drive.js';
import { createBoard, loadFirmware } from '../../emulator/run.js';
import { RunLoop } from '../../emulator/runner.js';
import { Pin, connect } from '../../emulator/kernel/signals.js';
import { writeDriveFile } from '../../firmware-runtime/fs/drive.js';
import { I2cBus, SpiBus, UartLink } from '../../peripherals/devices/buses.js';
import { Lis3dh } from '../../peripherals/devices/lis3dh.js';
import { sercomPadsOn } from '../../peripherals/samd21/sercom-pads.js';
import { BOARDS, type BoardName } from './module-table.js';

const dir = process.env.CIRCUITEMU_FIRMWARE_DIR;

type Kind = 'I2C' | 'SPI' | 'UART';
/** A candidate: the bus kind and its pins as [board name, pad], in the constructor's order. */
interface Combo {
  kind: Kind;
  pins: [string, string][];
  /** The SERCOM CircuitPython picks, or null: it raises ValueError('Invalid pins'). */
  sercom: number | null;
}

/**
 * SERCOMs the firmware holds before code.py runs (it skips them): CIRCUITPY's SPI flash on the
 * Express boards (mpconfigboard.h SPI_FLASH_SERCOM).
 */
const BUSY: Record<BoardName, number[]> = {
  cpx: [3],
  metro_m0_express: [5],
  feather_m0_express: [2],
  gemma_m0: [],
  trinket_m0: [],
  feather_m0_basic: [],
  feather_m0_adalogger: [],
  feather_m0_bluefruit_le: [],
  arduino_zero: [],
};

/**
 * Pads held low by a part of the board: busio.I2C on them finds no pull-up and raises
 * RuntimeError, as on the real board. The CPX's LIS3DH INT1 (PA13) is a push-pull output idling low.
 */
const HELD_LOW: Partial<Record<BoardName, string[]>> = { cpx: ['PA13'] };

/**
 * Pads left out of the I2C candidates (none now: the CPX thermistor on PA09 is a 10 kΩ/10 kΩ
 * divider of resistors on the net, which the test's 10 kΩ pull-up raises to about 2.2 V, a high,
 * as on the board).
 */
const NO_I2C: Partial<Record<BoardName, string[]>> = {};

/** The firmware a board runs, when not its own build. */
const FIRMWARE: Partial<Record<BoardName, string>> = { feather_m0_bluefruit_le: 'feather_m0_adalogger' };

/** DOPO (27.8.1): [DO pad, SCK pad] for each value. */
const DOPO: [number, number][] = [
  [0, 1],
  [2, 3],
  [3, 1],
  [0, 3],
];

function predict(kind: Kind, pads: string[], variant: 'G18A' | 'E18A', busy: number[]): number | null {
  const at = (pad: string) => sercomPadsOn(pad, variant);
  const padOf = (pad: string, n: number) => at(pad).find(([s]) => s === n)?.[1];
  if (kind === 'I2C') {
    const [sda, scl] = pads;
    for (const [n, pad] of at(sda)) if (!busy.includes(n) && pad === 0 && padOf(scl, n) === 1) return n;
    return null;
  }
  if (kind === 'SPI') {
    const [sck, mosi, miso] = pads;
    for (const [n, clock] of at(sck)) {
      if (busy.includes(n) || (clock !== 1 && clock !== 3)) continue;
      const out = padOf(mosi, n);
      const inOk = miso === undefined || padOf(miso, n) !== undefined;
      if (out !== undefined && DOPO.some(([d, c]) => d === out && c === clock) && inOk) return n;
    }
    return null;
  }
  const [tx, rx] = pads;
  for (const [n, pad] of at(tx)) {
    if (busy.includes(n) || (pad !== 0 && pad !== 2)) continue;
    const r = padOf(rx, n);
    if (r !== undefined && r !== pad) return n;
  }
  return null;
}

/** Every ordered 2- or 3-pin choice of the board's pins whose pads all carry one common SERCOM. */
function candidates(b: Samd21Board, board: BoardName): Combo[] {
  const variant = b.spec.chip.variant as 'G18A' | 'E18A';
  const seen = new Set<string>();
  const pins: [string, string][] = [];
  for (const [name, pad] of Object.entries(b.spec.pins)) {
    if (seen.has(pad) || sercomPadsOn(pad, variant).length === 0) continue;
    seen.add(pad);
    pins.push([name, pad]);
  }
  const sercoms = (pad: string) => sercomPadsOn(pad, variant).map(([n]) => n);
  const share = (...ps: [string, string][]) => sercoms(ps[0][1]).some((n) => ps.every((p) => sercoms(p[1]).includes(n)));
  const combos: Combo[] = [];
  const add = (kind: Kind, ps: [string, string][]) =>
    combos.push({ kind, pins: ps, sercom: predict(kind, ps.map((p) => p[1]), variant, BUSY[board]) });
  for (const a of pins)
    for (const c of pins) {
      if (a === c || !share(a, c)) continue;
      if (!(NO_I2C[board] ?? []).includes(a[1]) && !(NO_I2C[board] ?? []).includes(c[1])) add('I2C', [a, c]);
      add('UART', [a, c]);
      add('SPI', [a, c]); // write-only: busio.SPI(clock, MOSI=...), as for a DotStar
      for (const d of pins) if (d !== a && d !== c && share(a, c, d)) add('SPI', [a, c, d]);
    }
  return combos;
}

const CODE = `import board, busio
def say(s):
    input("@@ " + s + " ~~")
def hx(b):
    return "".join("%02x" % x for x in b) if b else "none"
prev = "start"
with open("/combos.txt") as f:
    for line in f:
        k, *names = line.split()
        say(prev)
        pins = [getattr(board, n) for n in names]
        o = None
        try:
            if k == "I2C":
                o = busio.I2C(pins[1], pins[0])
                while not o.try_lock(): pass
                found = o.scan()
                b = bytearray(1)
                o.writeto_then_readfrom(0x18, bytes([0x0F]), b)
                o.unlock()
                prev = "ok %s %s" % (",".join(hex(a) for a in found), hx(b))
            elif k == "SPI" and len(pins) == 2:
                o = busio.SPI(pins[0], MOSI=pins[1])
                while not o.try_lock(): pass
                o.configure(baudrate=1000000)
                o.write(bytes([0xA5, 0x3C, 0x0F]))
                o.unlock()
                prev = "ok written"
            elif k == "SPI":
                o = busio.SPI(pins[0], pins[1], pins[2])
                while not o.try_lock(): pass
                o.configure(baudrate=1000000)
                b = bytearray(3)
                o.write_readinto(bytes([0xA5, 0x3C, 0x0F]), b)
                o.unlock()
                prev = "ok " + hx(b)
            else:
                o = busio.UART(pins[0], pins[1], baudrate=115200, timeout=0.1)
                o.write(bytes([0xA5, 0x3C]))
                prev = "ok " + hx(o.read(2))
        except Exception as e:
            prev = "err " + repr(e)
        if o:
            o.deinit()
say(prev)
say("done")
`;

/** What code.py reports for a combo whose prediction holds. */
function expected(c: Combo, board: BoardName): string {
  if (c.sercom === null) return "err ValueError('Invalid pins',)";
  if (c.kind === 'I2C' && c.pins.some((p) => HELD_LOW[board]?.includes(p[1]))) return "err RuntimeError('No pull up found on SDA or SCL; check your wiring',)";
  if (c.kind === 'SPI') return c.pins.length === 2 ? 'ok written, the bus saw a53c0f' : 'ok a53c0f';
  return c.kind === 'I2C' ? 'ok 0x18 33' : 'ok a53c';
}

/**
 * Wires the answering part for `c` to the SERCOM it is predicted on; returns the undo, which
 * also says what a write-only SPI bus saw.
 */
function wire(b: Samd21Board, c: Combo, probe: (pad: string) => Pin): () => string {
  const pads = c.pins.map((p) => p[1]);
  const s = b.machine.scheduler;
  // busio.I2C checks for pull-ups (CIRCUITPY_REQUIRE_I2C_PULLUPS) once the pads are valid.
  if (c.kind === 'I2C') for (const pad of pads) probe(pad).setPull('up', 10_000);
  const heard: number[] = [];
  const undo = () => {
    if (c.kind === 'I2C') for (const pad of pads) probe(pad).setPull('none');
    return heard.map((x) => x.toString(16).padStart(2, '0')).join('');
  };
  if (c.sercom === null) return undo;
  const sercom = b.mcu.sercom[c.sercom];
  if (c.kind === 'I2C') {
    const bus = new I2cBus();
    bus.attach(new Lis3dh({ scheduler: s, address: 0x18, name: 'LIS3DH' }));
    sercom.attachI2c(bus, { sda: pads[0], scl: pads[1] });
  } else if (c.kind === 'SPI') {
    const bus = new SpiBus();
    const cs = new Pin('loopback CS', s);
    cs.drive(0);
    // A wire from MOSI to MISO: each bit comes back as it goes out.
    bus.attach({ name: 'MOSI-MISO loopback', cs, transfer: (mosi) => (heard.push(mosi), mosi) });
    sercom.attachSpi(bus, { sck: pads[0], mosi: pads[1], miso: pads[2] });
  } else {
    const link = new UartLink();
    link.onTransmit((byte) => link.receive(byte)); // a wire from TX to RX
    sercom.attachUart(link, { tx: pads[0], rx: pads[1] });
  }
  return undo;
}

interface Seen {
  combo: Combo;
  got: string;
}

async function runBoard(board: BoardName, image: string): Promise<Seen[]> {
  const b = createBoard(board) as Samd21Board;
  const combos = candidates(b, board);
  const { volume } = openDrive(b);
  const enc = new TextEncoder();
  writeDriveFile(volume, '/combos.txt', enc.encode(combos.map((c) => `${c.kind} ${c.pins.map((p) => p[0]).join(' ')}\n`).join('')));
  writeDriveFile(volume, '/code.py', enc.encode(CODE));
  const connection = connectConsole(b);
  const console = showRun(connection, b.machine.scheduler, { reload: true });
  loadFirmware(b, readFileSync(image), image);
  const probes = new Map<string, Pin>();
  const probe = (pad: string) => {
    let pin = probes.get(pad);
    if (!pin) {
      pin = new Pin(`host ${pad}`, b.machine.scheduler);
      connect(pin, b.mcu.pin(pad));
      probes.set(pad, pin);
    }
    return pin;
  };
  const seen: Seen[] = [];
  let undo: (() => string) | null = null;
  let reply = '';
  for (let i = -1; ; i++) {
    const loop = new RunLoop(b.machine, console, { timeoutSeconds: b.machine.scheduler.seconds + 30, expectText: ' ~~' });
    if (reply) console.write(enc.encode(reply));
    const end = await loop.run();
    const text = loop.history.text();
    if (end.kind !== 'expected') {
      const c = combos[i + 1];
      const doing = c ? `busio.${c.kind} on ${c.pins.map((p) => p.join('/')).join(' ')} (predicted SERCOM${c.sercom ?? ' none'})` : 'the end';
      throw new Error(`${board}: the run stopped (${end.kind}) at ${doing}, after:\n${text.slice(-1500)}`);
    }
    const said = /@@ (.*) ~~$/s.exec(text)?.[1] ?? '';
    if (said === 'done') break;
    const heard = undo?.() ?? '';
    undo = null;
    if (i >= 0) seen.push({ combo: combos[i], got: said === 'ok written' ? `${said}, the bus saw ${heard}` : said });
    if (i + 1 < combos.length) undo = wire(b, combos[i + 1], probe);
    reply = '\r';
  }
  return seen;
}

describe.each(BOARDS.map((board) => ({ board })))('busio on every SERCOM pad mapping: $board', ({ board }) => {
  const file = `circuitpython-${FIRMWARE[board] ?? board}.uf2`;
  const image = dir ? join(dir, file) : '';
  const present = image !== '' && existsSync(image);
  if (!present) console.warn(`[tests/firmware-real] SKIPPED busio pad mappings on ${board}: set CIRCUITEMU_FIRMWARE_DIR to a folder with ${file} (see DEVELOPERS.md)`);
  let seen: Seen[] = [];
  beforeAll(async () => {
    if (present) seen = await runBoard(board, image);
    if (process.env.CIRCUITEMU_SERCOM_LOG) for (const s of seen) console.log(s.combo.kind, s.combo.pins.map((p) => p.join("/")).join(" "), s.combo.sercom, "=>", s.got);
  }, 600_000);

  for (const kind of ['I2C', 'SPI', 'UART'] as const) {
    it.skipIf(!present)(`busio.${kind}: each valid mapping moves bytes, each invalid one raises 'Invalid pins'`, () => {
      const mine = seen.filter((s) => s.combo.kind === kind);
      expect(mine.length).toBeGreaterThan(0);
      const wrong = mine.filter((s) => s.got !== expected(s.combo, board));
      const show = (s: Seen) => `${s.combo.pins.map((p) => p.join('/')).join(' ')} (SERCOM${s.combo.sercom ?? '-'}): ${s.got}`;
      expect(wrong.map(show), `${mine.length} candidates, ${mine.filter((s) => s.combo.sercom !== null).length} valid`).toEqual([]);
    });
  }
});
