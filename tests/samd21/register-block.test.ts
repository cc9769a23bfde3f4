/**
 * The chip-neutral register block (peripherals/register-block.ts) beyond the SAMD21 foundation
 * suite: the ESP8266 interrupt style beside the SAMD21 one, and the diagnostic sink for reserved
 * offsets, unimplemented registers and unmodelled peripheral slots (emulator/kernel/diagnostics.ts).
 */
import { describe, expect, it } from 'vitest';
import { Diagnostics, type DiagnosticEvent } from '../../emulator/kernel/diagnostics.js';
import { RawInterruptRegisters, RegisterBlock, UnimplementedDevice, type Register } from '../../peripherals/register-block.js';
import { PERIPHERALS } from '../../peripherals/samd21/memory-map.js';
import { SERCOM_REG } from '../../peripherals/samd21/sercom-registers.js';
import { PORT_REG } from '../../peripherals/samd21/port.js';
import { chip, r8, r32, w8, w32 } from './helpers.js';

/**
 * A made-up ESP8266-style block: the UART's interrupt registers at their offsets (ESP8266
 * Technical Reference, UART register list: INT_RAW 0x04, INT_ST 0x08, INT_ENA 0x0C, INT_CLR 0x10)
 * and one plain register.
 */
class EspStyle extends RegisterBlock {
  readonly int: RawInterruptRegisters;
  readonly CONF0: Register;
  line = false;
  edges = 0;
  constructor() {
    super('ESPDEMO', 0x80);
    this.int = new RawInterruptRegisters(this, { INT_RAW: 0x04, INT_ST: 0x08, INT_ENA: 0x0c, INT_CLR: 0x10 }, 4, 0x1ff, (l) => {
      this.line = l;
      this.edges++;
    });
    this.CONF0 = this.reg({ name: 'CONF0', offset: 0x20, size: 4, reset: 0x1c });
  }
}

describe('RawInterruptRegisters (ESP8266 INT_RAW / INT_ST / INT_ENA / INT_CLR)', () => {
  it('INT_ST = INT_RAW & INT_ENA and the line follows INT_ST', () => {
    const d = new EspStyle();
    d.int.set(0x103);
    expect(d.read(0x04, 4)).toBe(0x103); // raw flags show whatever the enables
    expect(d.read(0x08, 4)).toBe(0);
    expect(d.line).toBe(false);
    d.write(0x0c, 4, 0x102);
    expect(d.read(0x0c, 4)).toBe(0x102);
    expect(d.read(0x08, 4)).toBe(0x102);
    expect(d.line).toBe(true);
    d.write(0x0c, 4, 0x001);
    expect(d.read(0x08, 4)).toBe(0x001);
    expect(d.line).toBe(true);
    d.write(0x0c, 4, 0);
    expect(d.line).toBe(false);
  });

  it('writing 1s to INT_CLR clears those raw flags; INT_CLR reads 0; INT_RAW and INT_ST ignore writes', () => {
    const d = new EspStyle();
    d.write(0x0c, 4, 0x1ff);
    d.int.set(0x0f);
    d.write(0x10, 4, 0x05);
    expect(d.read(0x04, 4)).toBe(0x0a);
    expect(d.read(0x10, 4)).toBe(0);
    d.write(0x04, 4, 0x1ff);
    d.write(0x08, 4, 0);
    expect(d.read(0x04, 4)).toBe(0x0a);
    expect(d.line).toBe(true);
    d.write(0x10, 1, 0x0a); // a byte write clears the same way
    expect(d.read(0x04, 4)).toBe(0);
    expect(d.line).toBe(false);
  });

  it('raises only flags that exist, reports only line changes, and resets low', () => {
    const d = new EspStyle();
    d.write(0x0c, 4, 0xffffffff);
    expect(d.read(0x0c, 4)).toBe(0x1ff);
    d.int.set(0xfffffe00);
    expect(d.int.flags()).toBe(0);
    d.int.set(1);
    d.int.set(2);
    d.int.assign(1, false);
    expect(d.edges).toBe(1);
    d.int.reset();
    expect(d.line).toBe(false);
    expect(d.int.flags()).toBe(0);
    expect(d.int.enabled()).toBe(0);
  });
});

class Sparse extends RegisterBlock {
  readonly A: Register;
  readonly U: Register;
  written: number[] = [];
  constructor() {
    super('SPARSE', 0x40);
    this.A = this.reg({ name: 'A', offset: 0x00, size: 1, reset: 0x5a });
    this.U = this.reg({ name: 'U', offset: 0x04, size: 4, reset: 0x100, unimplemented: true, write: (v) => this.written.push(v) });
  }
}

describe('Diagnostics', () => {
  it('counts accesses to reserved offsets per block and offset, reads 0 and ignores writes as before', () => {
    const d = new Sparse();
    const sink = new Diagnostics();
    expect(d.read(0x10, 4)).toBe(0); // no sink yet: not counted
    d.diagnostics = sink;
    expect(d.read(0x10, 4)).toBe(0);
    d.write(0x10, 4, 0x12345678);
    d.write(0x10, 4, 1);
    expect(d.read(0x3c, 2)).toBe(0);
    expect(sink.counts()).toEqual([
      { kind: 'guest-error', block: 'SPARSE', offset: 0x10, reads: 1, writes: 2 },
      { kind: 'guest-error', block: 'SPARSE', offset: 0x3c, reads: 1, writes: 0 },
    ]);
    expect(sink.total('guest-error')).toBe(4);
    expect(sink.total('unimplemented')).toBe(0);
  });

  it('does not count accesses that reach a declared register, even a partial byte-lane one', () => {
    const d = new Sparse();
    const sink = new Diagnostics();
    d.diagnostics = sink;
    expect(d.read(0x00, 1)).toBe(0x5a);
    expect(d.read(0x00, 4)).toBe(0x5a); // A plus three reserved bytes: an ordinary lane access
    d.write(0x00, 2, 0xffa5);
    expect(d.A.value).toBe(0xa5);
    expect(sink.total()).toBe(0);
  });

  it('counts every access to a register declared unimplemented, which still behaves as declared', () => {
    const d = new Sparse();
    const sink = new Diagnostics();
    d.diagnostics = sink;
    expect(d.read(0x04, 4)).toBe(0x100);
    d.write(0x04, 4, 0xabcd);
    expect(d.U.value).toBe(0xabcd);
    expect(d.written).toEqual([0xabcd]);
    expect(d.read(0x05, 1)).toBe(0xab); // byte lane: counted at the register's offset
    expect(sink.counts()).toEqual([{ kind: 'unimplemented', block: 'SPARSE', offset: 0x04, reads: 2, writes: 1 }]);
  });

  it('logs the first access of each kind, block, offset and direction, with a readable message', () => {
    const d = new Sparse();
    const sink = new Diagnostics();
    d.diagnostics = sink;
    const events: DiagnosticEvent[] = [];
    const remove = sink.onLog((e) => events.push(e));
    for (let i = 0; i < 100; i++) d.read(0x20, 2); // a polling loop logs once
    d.write(0x20, 2, 0x0001);
    d.write(0x04, 4, 7);
    expect(events.map((e) => e.message)).toEqual([
      'guest error: read (16-bit) of reserved SPARSE+0x20',
      'guest error: write of 0x0001 (16-bit) to reserved SPARSE+0x20',
      'unimplemented: write of 0x00000007 (32-bit) to unimplemented SPARSE+0x4',
    ]);
    expect(sink.counts()[0].reads).toBe(100);
    remove();
    d.write(0x24, 1, 0);
    expect(events.length).toBe(3);
    sink.clear();
    expect(sink.counts()).toEqual([]);
  });

  it('an unimplemented device reads 0, ignores writes and counts every access', () => {
    const dev = new UnimplementedDevice('MTB');
    const sink = new Diagnostics();
    dev.diagnostics = sink;
    dev.write(0x04, 4, 0xffffffff);
    expect(dev.read(0x04, 4)).toBe(0);
    expect(sink.counts()).toEqual([{ kind: 'unimplemented', block: 'MTB', offset: 0x04, reads: 1, writes: 1 }]);
  });

  it('on a whole SAMD21, a sink attached to every block counts unmodelled slots and reserved offsets, not register traffic', () => {
    const s = chip();
    const sink = s.diagnostics; // the chip attaches one sink to every block
    const pac1 = PERIPHERALS.find((p) => p.name === 'PAC1')!.base;
    const sercom0 = PERIPHERALS.find((p) => p.name === 'SERCOM0')!.base;
    const port = PERIPHERALS.find((p) => p.name === 'PORT')!.base;
    const pm = PERIPHERALS.find((p) => p.name === 'PM')!.base;
    w32(s, pm + 0x20, r32(s, pm + 0x20) | (1 << 2)); // PM APBCMASK.SERCOM0: its bus clock on
    expect(r32(s, pac1 + 0x08)).toBe(0); // PAC1 WPSET: not modelled
    w32(s, pac1 + 0x04, 0x2); // PAC1 WPCLR
    // SERCOM0 + 0x20 lies between SYNCBUSY (0x1C, 32-bit) and ADDR (0x24): reserved in every mode
    expect(SERCOM_REG.SYNCBUSY + 4).toBe(0x20);
    expect(SERCOM_REG.ADDR).toBe(0x24);
    expect(r8(s, sercom0 + 0x20)).toBe(0);
    w8(s, sercom0 + 0x20, 0xff);
    expect(r8(s, sercom0 + 0x20)).toBe(0);
    w32(s, port + PORT_REG.DIRSET, 1 << 17); // declared registers: not counted
    expect(r32(s, port + PORT_REG.DIR)).toBe(1 << 17);
    expect(sink.counts()).toEqual([
      { kind: 'guest-error', block: 'SERCOM0', offset: 0x20, reads: 2, writes: 1 },
      { kind: 'unimplemented', block: 'PAC1', offset: 0x08, reads: 1, writes: 0 },
      { kind: 'unimplemented', block: 'PAC1', offset: 0x04, reads: 0, writes: 1 },
    ]);
    expect(s.bus.error).toBe(false); // the SAMD21 does not fault on either
  });
});
