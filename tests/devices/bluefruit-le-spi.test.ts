/**
 * The Bluefruit LE SPI module (nRF51822, SDEP over SPI) against the SDEP message format of the
 * Bluefruit LE SPI Friend guide: 4-byte header (type, little-endian id, length | more), at most 16
 * payload bytes; commands split with the more bit; IRQ high while a response waits; one message
 * per read transaction; error messages for bad types, ids and unknown AT commands; RST and the
 * SDEP initialise command restart it. A host written here from that description drives it.
 */
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../emulator/kernel/scheduler.js';
import { Pin, connect } from '../../emulator/kernel/signals.js';
import { SpiBus } from '../../peripherals/devices/buses.js';
import { runSeconds } from '../helpers/run-scheduler.js';
import { BLUEFRUIT_INFO, BluefruitLeSpi, SDEP } from '../../peripherals/devices/bluefruit-le-spi.js';

function rig() {
  const scheduler = new Scheduler(48e6);
  const cs = new Pin('CS', scheduler);
  const irq = new Pin('IRQ', scheduler);
  const irqIn = new Pin('host IRQ in', scheduler);
  connect(irq, irqIn);
  const reset = new Pin('RST', scheduler);
  cs.drive(1);
  reset.drive(1);
  const module = new BluefruitLeSpi({ cs, irq, reset, scheduler, bootSeconds: 0.01 });
  const bus = new SpiBus();
  bus.attach(module);
  const run = (s: number) => runSeconds(scheduler, s);
  run(0.02);
  const transaction = (bytes: number[]) => {
    cs.drive(0);
    const got = bytes.map((b) => bus.transfer(b));
    cs.drive(1);
    return got;
  };
  /** Sends one SDEP command (split into messages of 16 bytes) and reads every response message. */
  const send = (id: number, payload: Uint8Array | string, type: number = SDEP.COMMAND) => {
    const p = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
    let pos = 0;
    do {
      const n = Math.min(16, p.length - pos);
      const more = pos + n < p.length ? 0x80 : 0;
      transaction([type, id & 0xff, id >> 8, n | more, ...p.subarray(pos, pos + n)]);
      pos += n;
    } while (pos < p.length);
    const messages: number[][] = [];
    while (irqIn.level === 1 && messages.length < 32) messages.push(transaction(new Array(20).fill(0xff)));
    return messages;
  };
  const text = (messages: number[][]) => new TextDecoder().decode(Uint8Array.from(messages.flatMap((m) => m.slice(4, 4 + (m[3] & 0x1f)))));
  return { scheduler, module, irqIn, reset, transaction, send, text, run };
}

describe('Bluefruit LE SPI module (SDEP)', () => {
  it('answers AT with one response message: type 0x20, the id, length 4, "OK\\r\\n"; IRQ falls once read', () => {
    const r = rig();
    const m = r.send(SDEP.AT_WRAPPER, 'AT\n');
    expect(m).toHaveLength(1);
    expect(m[0].slice(0, 8)).toEqual([0x20, 0x00, 0x0a, 4, 0x4f, 0x4b, 0x0d, 0x0a]);
    expect(r.irqIn.level).toBe(0);
  });

  it('splits a long response over messages with the more bit (ATI: module information, then OK)', () => {
    const r = rig();
    const m = r.send(SDEP.AT_WRAPPER, 'ATI\n');
    expect(m.length).toBeGreaterThan(1);
    expect(m.slice(0, -1).every((x) => (x[3] & 0x80) !== 0 && (x[3] & 0x1f) === 16)).toBe(true);
    expect(m[m.length - 1][3] & 0x80).toBe(0);
    expect(r.text(m)).toBe(`${BLUEFRUIT_INFO.join('\r\n')}\r\nOK\r\n`);
  });

  it('joins a command split over messages (more bit) before running it', () => {
    const r = rig();
    expect(r.text(r.send(SDEP.AT_WRAPPER, 'AT+GAPDEVNAME=A rather long device name\n'))).toBe('OK\r\n');
    expect(r.module.deviceName).toBe('A rather long device name');
    expect(r.text(r.send(SDEP.AT_WRAPPER, 'AT+GAPDEVNAME\n'))).toBe('A rather long device name\r\nOK\r\n');
  });

  it('reports errors as type 0x80 messages: unknown AT command 0x8061, unknown id 0x8022, bad type 0x8021', () => {
    const r = rig();
    const err = (m: number[][]) => [m[0][0], m[0][1] | (m[0][2] << 8)];
    expect(err(r.send(SDEP.AT_WRAPPER, 'AT+NOSUCHTHING\n'))).toEqual([0x80, 0x8061]);
    expect(err(r.send(0x1234, 'x'))).toEqual([0x80, 0x8022]);
    expect(err(r.send(SDEP.AT_WRAPPER, 'AT\n', 0x40))).toEqual([0x80, 0x8021]);
  });

  it('carries BLE UART data both ways, and reports the connection', () => {
    const r = rig();
    expect(r.text(r.send(SDEP.AT_WRAPPER, 'AT+GAPGETCONN\n'))).toBe('0\r\nOK\r\n');
    r.module.central.connect();
    expect(r.text(r.send(SDEP.AT_WRAPPER, 'AT+GAPGETCONN\n'))).toBe('1\r\nOK\r\n');
    r.send(SDEP.AT_WRAPPER, 'AT+BLEUARTTX=hi\\r\\n\r\n');
    expect(new TextDecoder().decode(Uint8Array.from(r.module.central.received))).toBe('hi\r\n');
    r.module.central.send('!B11:');
    expect(r.text(r.send(SDEP.AT_WRAPPER, 'AT+BLEUARTRX\n'))).toBe('!B11:\r\nOK\r\n');
    expect(r.text(r.send(SDEP.AT_WRAPPER, 'AT+BLEUARTRX\n'))).toBe('OK\r\n');
  });

  it('ignores the bus while held in reset and while starting after RST or SDEP initialise', () => {
    const r = rig();
    r.reset.drive(0);
    expect(r.send(SDEP.AT_WRAPPER, 'AT\n')).toHaveLength(0);
    r.reset.drive(1);
    expect(r.send(SDEP.AT_WRAPPER, 'AT\n')).toHaveLength(0); // still starting
    r.run(0.02);
    expect(r.send(SDEP.AT_WRAPPER, 'AT\n')).toHaveLength(1);
    r.transaction([0x10, 0xef, 0xbe, 0]); // SDEP initialise: a restart, no response
    expect(r.irqIn.level).toBe(0);
    expect(r.send(SDEP.AT_WRAPPER, 'AT\n')).toHaveLength(0);
    r.run(0.02);
    expect(r.text(r.send(SDEP.AT_WRAPPER, 'AT\n'))).toBe('OK\r\n');
    expect(r.module.resets).toBe(3);
  });
});
