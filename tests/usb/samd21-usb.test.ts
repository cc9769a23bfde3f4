/**
 * The SAMD21 USB device controller driven through its registers the way TinyUSB's dcd_samd.c
 * does, with the host side played directly through UsbDevicePort.
 */
import { describe, expect, it } from 'vitest';
import { RAM_BASE } from '../../peripherals/samd21/memory-map.js';
import {
  USB_CTRLA,
  USB_DADD,
  USB_DESC,
  USB_EPINT,
  USB_EPSTATUS,
  USB_FSMSTATE,
  USB_INT,
  USB_PCKSIZE,
  USB_REG,
  USB_STATUS_BK,
  USB_SYNCBUSY,
  usbCrc16,
} from '../../peripherals/samd21/usb.js';
import { createRig, USB_BASE, type Rig } from './rig.js';

const DESC = RAM_BASE + 0x1000;
const BUF0 = RAM_BASE + 0x2000;
const BUF1 = RAM_BASE + 0x2400;
const SETUP = RAM_BASE + 0x2800;

const r8 = (rig: Rig, off: number) => rig.bus.read8(USB_BASE + off);
const w8 = (rig: Rig, off: number, v: number) => rig.bus.write8(USB_BASE + off, v);
const r16 = (rig: Rig, off: number) => rig.bus.read16(USB_BASE + off);
const w16 = (rig: Rig, off: number, v: number) => rig.bus.write16(USB_BASE + off, v);
const ep = (n: number, reg: number) => USB_REG.ENDPOINT + n * USB_REG.ENDPOINT_STRIDE + reg;
const bank = (n: number, b: number) => DESC + n * 32 + b * 16;
const sizeCode = (n: number) => [8, 16, 32, 64, 128, 256, 512, 1023].indexOf(n);

function pcksize(fields: { size: number; byteCount?: number; multi?: number; autoZlp?: boolean }): number {
  return (
    ((sizeCode(fields.size) << 28) | ((fields.multi ?? 0) << 14) | (fields.byteCount ?? 0) | (fields.autoZlp ? USB_PCKSIZE.AUTO_ZLP : 0)) >>>
    0
  );
}

/** dcd_init as TinyUSB does it, with the SYNCBUSY waits observed step by step. */
function dcdInit(rig: Rig): { sawSwrst: boolean; swrstCycles: number } {
  w8(rig, USB_REG.CTRLA, USB_CTRLA.SWRST);
  const sawSwrst = (r8(rig, USB_REG.SYNCBUSY) & USB_SYNCBUSY.SWRST) !== 0;
  const start = rig.scheduler.cycles;
  let guard = 0;
  while (r8(rig, USB_REG.SYNCBUSY) & USB_SYNCBUSY.SWRST) {
    rig.run(4);
    if (++guard > 10000) throw new Error('SWRST never completed');
  }
  const swrstCycles = rig.scheduler.cycles - start;
  rig.bus.write32(USB_BASE + USB_REG.DESCADD, DESC);
  w16(rig, USB_REG.CTRLB, 0);
  w8(rig, USB_REG.CTRLA, USB_CTRLA.ENABLE | USB_CTRLA.RUNSTDBY);
  while (r8(rig, USB_REG.SYNCBUSY) & USB_SYNCBUSY.ENABLE) rig.run(4);
  w16(rig, USB_REG.INTFLAG, r16(rig, USB_REG.INTFLAG));
  w16(rig, USB_REG.INTENSET, USB_INT.EORST);
  return { sawSwrst, swrstCycles };
}

/** bus_reset() of dcd_samd: EP0 control, 64-byte banks, setup buffer. */
function ep0Setup(rig: Rig, size = 64): void {
  rig.bus.write32(bank(0, 0) + USB_DESC.PCKSIZE, pcksize({ size, multi: 8 }));
  rig.bus.write32(bank(0, 1) + USB_DESC.PCKSIZE, pcksize({ size }));
  rig.bus.write32(bank(0, 0) + USB_DESC.ADDR, SETUP);
  w8(rig, ep(0, USB_REG.EPCFG), 0x11);
  w8(rig, ep(0, USB_REG.EPINTENSET), USB_EPINT.TRCPT0 | USB_EPINT.TRCPT1 | USB_EPINT.RXSTP);
}

function attachedRig(): Rig {
  const rig = createRig();
  dcdInit(rig);
  rig.usb.busReset();
  w16(rig, USB_REG.INTFLAG, USB_INT.EORST);
  ep0Setup(rig);
  return rig;
}

describe('SAMD21 USB: registers', () => {
  it('has the data-sheet reset values', () => {
    const rig = createRig();
    expect(r8(rig, USB_REG.CTRLA)).toBe(0);
    expect(r8(rig, USB_REG.SYNCBUSY)).toBe(0);
    expect(r16(rig, USB_REG.CTRLB)).toBe(0x0001); // DETACH
    expect(r8(rig, USB_REG.FSMSTATUS)).toBe(USB_FSMSTATE.OFF);
    expect(r8(rig, USB_REG.QOSCTRL)).toBe(0x05); // CQOS = DQOS = 1 (32.8.3, USB_QOSCTRL_RESETVALUE)
    expect(rig.bus.read32(USB_BASE + USB_REG.DESCADD)).toBe(0);
    expect(rig.usb.attached).toBe(false);
  });

  it('CTRLA.SWRST: SYNCBUSY.SWRST reads 1, then 0, and every register is reset', () => {
    const rig = createRig();
    rig.bus.write32(USB_BASE + USB_REG.DESCADD, 0x20001234);
    w16(rig, USB_REG.PADCAL, 0x1234);
    w8(rig, ep(3, USB_REG.EPCFG), 0x33);
    w8(rig, USB_REG.CTRLA, USB_CTRLA.SWRST);
    expect(r8(rig, USB_REG.SYNCBUSY) & USB_SYNCBUSY.SWRST).toBe(USB_SYNCBUSY.SWRST);
    expect(r8(rig, USB_REG.CTRLA) & USB_CTRLA.SWRST).toBe(USB_CTRLA.SWRST);
    rig.run(2);
    expect(r8(rig, USB_REG.SYNCBUSY) & USB_SYNCBUSY.SWRST).toBe(USB_SYNCBUSY.SWRST); // still visibly busy
    rig.run(1000);
    expect(r8(rig, USB_REG.SYNCBUSY)).toBe(0);
    expect(r8(rig, USB_REG.CTRLA)).toBe(0);
    expect(rig.bus.read32(USB_BASE + USB_REG.DESCADD)).toBe(0);
    expect(r16(rig, USB_REG.PADCAL)).toBe(0);
    expect(r8(rig, ep(3, USB_REG.EPCFG))).toBe(0);
  });

  it('dcd_init sequence: SWRST 1-then-0, ENABLE synchronised, attaches when DETACH is cleared', () => {
    const rig = createRig();
    const { sawSwrst, swrstCycles } = dcdInit(rig);
    expect(sawSwrst).toBe(true);
    expect(swrstCycles).toBeGreaterThan(0);
    expect(r8(rig, USB_REG.CTRLA)).toBe(USB_CTRLA.ENABLE | USB_CTRLA.RUNSTDBY);
    expect(r8(rig, USB_REG.FSMSTATUS)).toBe(USB_FSMSTATE.ON);
    expect(rig.usb.attached).toBe(true);
    expect(rig.usb.speed).toBe('full');
    w16(rig, USB_REG.CTRLB, 1); // dcd_disconnect
    expect(rig.usb.attached).toBe(false);
    w16(rig, USB_REG.CTRLB, 0);
    expect(rig.usb.attached).toBe(true);
    w8(rig, USB_REG.CTRLA, USB_CTRLA.ENABLE | USB_CTRLA.MODE); // host mode: not a device
    expect(rig.usb.attached).toBe(false);
  });

  it('ENABLE shows SYNCBUSY.ENABLE while synchronising', () => {
    const rig = createRig();
    w8(rig, USB_REG.CTRLA, USB_CTRLA.ENABLE);
    expect(r8(rig, USB_REG.SYNCBUSY)).toBe(USB_SYNCBUSY.ENABLE);
    rig.run(1000);
    expect(r8(rig, USB_REG.SYNCBUSY)).toBe(0);
  });

  it('INTENSET/INTENCLR share one mask, INTFLAG is write-1-to-clear, EPSTATUSCLR/SET read 0', () => {
    const rig = attachedRig();
    w16(rig, USB_REG.INTENSET, USB_INT.SOF | USB_INT.SUSPEND);
    expect(r16(rig, USB_REG.INTENCLR)).toBe(USB_INT.EORST | USB_INT.SOF | USB_INT.SUSPEND);
    w16(rig, USB_REG.INTENCLR, USB_INT.SOF);
    expect(r16(rig, USB_REG.INTENSET)).toBe(USB_INT.EORST | USB_INT.SUSPEND);
    rig.usb.startOfFrame(5);
    expect(r16(rig, USB_REG.INTFLAG) & USB_INT.SOF).toBe(USB_INT.SOF);
    w16(rig, USB_REG.INTFLAG, 0);
    expect(r16(rig, USB_REG.INTFLAG) & USB_INT.SOF).toBe(USB_INT.SOF);
    w16(rig, USB_REG.INTFLAG, USB_INT.SOF);
    expect(r16(rig, USB_REG.INTFLAG) & USB_INT.SOF).toBe(0);
    w8(rig, ep(1, USB_REG.EPSTATUSSET), USB_EPSTATUS.BK1RDY | USB_EPSTATUS.STALLRQ0);
    expect(r8(rig, ep(1, USB_REG.EPSTATUS))).toBe(USB_EPSTATUS.BK1RDY | USB_EPSTATUS.STALLRQ0);
    expect(r8(rig, ep(1, USB_REG.EPSTATUSSET))).toBe(0);
    expect(r8(rig, ep(1, USB_REG.EPSTATUSCLR))).toBe(0);
    w8(rig, ep(1, USB_REG.EPSTATUS), 0); // read-only
    expect(r8(rig, ep(1, USB_REG.EPSTATUS))).toBe(USB_EPSTATUS.BK1RDY | USB_EPSTATUS.STALLRQ0);
    w8(rig, ep(1, USB_REG.EPSTATUSCLR), USB_EPSTATUS.STALLRQ0);
    expect(r8(rig, ep(1, USB_REG.EPSTATUS))).toBe(USB_EPSTATUS.BK1RDY);
    // A 32-bit read over EPCFG..: byte lanes.
    w8(rig, ep(2, USB_REG.EPCFG), 0x33);
    expect(rig.bus.read32(USB_BASE + ep(2, 0)) & 0xff).toBe(0x33);
  });
});

describe('SAMD21 USB: bus events', () => {
  it('bus reset sets EORST, raises IRQ 7, clears address, endpoint configs (not EP0) and flags', () => {
    const rig = createRig();
    dcdInit(rig);
    ep0Setup(rig);
    w8(rig, ep(2, USB_REG.EPCFG), 0x33);
    w8(rig, ep(2, USB_REG.EPINTENSET), USB_EPINT.TRCPT0);
    w8(rig, ep(2, USB_REG.EPSTATUSSET), USB_EPSTATUS.STALLRQ1 | USB_EPSTATUS.BK1RDY);
    w8(rig, USB_REG.DADD, 9 | USB_DADD.ADDEN);
    expect(rig.usbIrq()).toBe(false);
    rig.usb.busReset();
    expect(r16(rig, USB_REG.INTFLAG) & USB_INT.EORST).toBe(USB_INT.EORST);
    expect(rig.usbIrq()).toBe(true);
    expect(r8(rig, USB_REG.DADD)).toBe(0);
    expect(r8(rig, ep(0, USB_REG.EPCFG))).toBe(0x11);
    expect(r8(rig, ep(2, USB_REG.EPCFG))).toBe(0);
    expect(r8(rig, ep(2, USB_REG.EPINTENSET))).toBe(0);
    expect(r8(rig, ep(2, USB_REG.EPSTATUS)) & USB_EPSTATUS.STALLRQ1).toBe(0);
    w16(rig, USB_REG.INTFLAG, USB_INT.EORST);
    expect(rig.usbIrq()).toBe(false);
  });

  it('SOF stores the frame number in FNUM and sets INTFLAG.SOF', () => {
    const rig = attachedRig();
    rig.usb.startOfFrame(0x5a3);
    expect(r16(rig, USB_REG.FNUM)).toBe(0x5a3 << 3);
    expect(r16(rig, USB_REG.INTFLAG) & USB_INT.SOF).toBe(USB_INT.SOF);
    expect(rig.usbIrq()).toBe(false); // SOF interrupt not enabled
    w16(rig, USB_REG.INTENSET, USB_INT.SOF);
    expect(rig.usbIrq()).toBe(true);
  });

  it('suspend and resume set SUSPEND, then WAKEUP/EORSM', () => {
    const rig = attachedRig();
    rig.usb.suspend();
    expect(r16(rig, USB_REG.INTFLAG) & USB_INT.SUSPEND).toBe(USB_INT.SUSPEND);
    expect(r8(rig, USB_REG.FSMSTATUS)).toBe(USB_FSMSTATE.SUSPEND);
    expect(rig.usb.in(0, 0).handshake).toBe('NONE'); // suspended devices do not answer
    rig.usb.resume();
    expect(r16(rig, USB_REG.INTFLAG) & (USB_INT.WAKEUP | USB_INT.EORSM)).toBe(USB_INT.WAKEUP | USB_INT.EORSM);
    expect(r8(rig, USB_REG.FSMSTATUS)).toBe(USB_FSMSTATE.ON);
  });
});

describe('SAMD21 USB: transactions', () => {
  it('SETUP: stored at ADDR with its CRC, BYTE_COUNT = 8, RXSTP and EPSTATUS as in 32.6.2.6', () => {
    const rig = attachedRig();
    w8(rig, ep(0, USB_REG.EPSTATUSSET), USB_EPSTATUS.STALLRQ0 | USB_EPSTATUS.STALLRQ1 | USB_EPSTATUS.BK1RDY);
    const packet = new Uint8Array([0x80, 6, 0, 1, 0, 0, 64, 0]);
    expect(rig.usb.setup(0, 0, packet)).toBe('ACK');
    expect([...rig.bus.readBlock(SETUP, 8)]).toEqual([...packet]);
    const crc = usbCrc16(packet);
    expect(rig.bus.read8(SETUP + 8)).toBe(crc & 0xff);
    expect(rig.bus.read8(SETUP + 9)).toBe(crc >> 8);
    expect(rig.bus.read32(bank(0, 0) + USB_DESC.PCKSIZE) & USB_PCKSIZE.BYTE_COUNT_Msk).toBe(8);
    expect(r8(rig, ep(0, USB_REG.EPINTFLAG))).toBe(USB_EPINT.RXSTP);
    expect(r8(rig, ep(0, USB_REG.EPSTATUS))).toBe(
      USB_EPSTATUS.DTGLOUT | USB_EPSTATUS.DTGLIN | USB_EPSTATUS.CURBK | USB_EPSTATUS.BK0RDY,
    );
    expect(r16(rig, USB_REG.EPINTSMRY)).toBe(1);
    expect(rig.usbIrq()).toBe(true);
    w8(rig, ep(0, USB_REG.EPINTFLAG), USB_EPINT.RXSTP);
    expect(r16(rig, USB_REG.EPINTSMRY)).toBe(0);
    expect(rig.usbIrq()).toBe(false);
  });

  it('the USB CRC16 matches the USB 2.0 check value', () => {
    // USB 2.0 8.3.5.2 example: data 00 01 02 03 has CRC16 0x7AF7 (sent F7 7A? check residual).
    // The residual of data + CRC (LSB first) is 0xB001 before inversion -> inverted 0x4FFE.
    const data = new Uint8Array([0x00, 0x01, 0x02, 0x03]);
    const crc = usbCrc16(data);
    const withCrc = new Uint8Array([...data, crc & 0xff, crc >> 8]);
    let r = 0xffff;
    for (const b of withCrc) {
      r ^= b;
      for (let i = 0; i < 8; i++) r = r & 1 ? (r >>> 1) ^ 0xa001 : r >>> 1;
    }
    expect(r).toBe(0xb001);
  });

  it('tokens to another address, a disabled endpoint or a non-control EP0 get no answer', () => {
    const rig = attachedRig();
    const p = new Uint8Array(8);
    expect(rig.usb.setup(3, 0, p)).toBe('NONE');
    expect(rig.usb.setup(0, 1, p)).toBe('NONE');
    expect(rig.usb.in(0, 2).handshake).toBe('NONE');
    w8(rig, USB_REG.DADD, 3 | USB_DADD.ADDEN);
    expect(rig.usb.setup(0, 0, p)).toBe('NONE');
    expect(rig.usb.setup(3, 0, p)).toBe('ACK');
    w8(rig, ep(2, USB_REG.EPCFG), 0x30); // bulk IN only
    expect(rig.usb.out(3, 2, p, 0)).toBe('NONE');
    expect(rig.usb.setup(3, 2, p)).toBe('NONE');
  });

  it('IN: NAK with TRFAIL1 until BK1RDY; a multi-packet transfer of 150 bytes goes out as 64+64+22', () => {
    const rig = attachedRig();
    w8(rig, ep(1, USB_REG.EPCFG), 0x30); // EPTYPE1 = bulk
    w8(rig, ep(1, USB_REG.EPINTENSET), USB_EPINT.TRCPT1);
    expect(rig.usb.in(0, 1)).toEqual({ handshake: 'NAK' });
    expect(r8(rig, ep(1, USB_REG.EPINTFLAG)) & USB_EPINT.TRFAIL1).toBe(USB_EPINT.TRFAIL1);
    expect(rig.usbIrq()).toBe(false); // TRFAIL1 not enabled
    const data = Uint8Array.from({ length: 150 }, (_, i) => i);
    rig.bus.writeBlock(BUF1, data);
    rig.bus.write32(bank(1, 1) + USB_DESC.ADDR, BUF1);
    rig.bus.write32(bank(1, 1) + USB_DESC.PCKSIZE, pcksize({ size: 64, byteCount: 150, multi: 0 }));
    w8(rig, ep(1, USB_REG.EPSTATUSSET), USB_EPSTATUS.BK1RDY);
    const got: number[] = [];
    const pids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = rig.usb.in(0, 1);
      if (r.handshake !== 'DATA') throw new Error(r.handshake);
      got.push(...r.data);
      pids.push(r.pid);
      expect(r.data.length).toBe(i < 2 ? 64 : 22);
      expect((r8(rig, ep(1, USB_REG.EPINTFLAG)) & USB_EPINT.TRCPT1) !== 0).toBe(i === 2);
    }
    expect(got).toEqual([...data]);
    expect(pids).toEqual([0, 1, 0]);
    expect(r8(rig, ep(1, USB_REG.EPSTATUS)) & USB_EPSTATUS.BK1RDY).toBe(0);
    expect((rig.bus.read32(bank(1, 1) + USB_DESC.PCKSIZE) & USB_PCKSIZE.MULTI_PACKET_SIZE_Msk) >>> 14).toBe(150);
    expect(rig.usb.in(0, 1).handshake).toBe('NAK');
    expect(rig.usbIrq()).toBe(true);
    expect(r16(rig, USB_REG.EPINTSMRY)).toBe(1 << 1);
  });

  it('IN: AUTO_ZLP sends a zero-length packet after a transfer that ends on a packet boundary', () => {
    const rig = attachedRig();
    w8(rig, ep(1, USB_REG.EPCFG), 0x30);
    rig.bus.write32(bank(1, 1) + USB_DESC.ADDR, BUF1);
    rig.bus.write32(bank(1, 1) + USB_DESC.PCKSIZE, pcksize({ size: 64, byteCount: 128, autoZlp: true }));
    w8(rig, ep(1, USB_REG.EPSTATUSSET), USB_EPSTATUS.BK1RDY);
    const lengths: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = rig.usb.in(0, 1);
      if (r.handshake !== 'DATA') throw new Error(r.handshake);
      lengths.push(r.data.length);
    }
    expect(lengths).toEqual([64, 64, 0]);
    expect(r8(rig, ep(1, USB_REG.EPINTFLAG)) & USB_EPINT.TRCPT1).toBe(USB_EPINT.TRCPT1);
    // Without AUTO_ZLP the transfer ends after the second packet.
    w8(rig, ep(1, USB_REG.EPINTFLAG), 0xff);
    rig.bus.write32(bank(1, 1) + USB_DESC.PCKSIZE, pcksize({ size: 64, byteCount: 128 }));
    w8(rig, ep(1, USB_REG.EPSTATUSSET), USB_EPSTATUS.BK1RDY);
    rig.usb.in(0, 1);
    expect(r8(rig, ep(1, USB_REG.EPINTFLAG)) & USB_EPINT.TRCPT1).toBe(0);
    rig.usb.in(0, 1);
    expect(r8(rig, ep(1, USB_REG.EPINTFLAG)) & USB_EPINT.TRCPT1).toBe(USB_EPINT.TRCPT1);
    expect(rig.usb.in(0, 1).handshake).toBe('NAK');
  });

  it('IN: a zero-length transfer (BYTE_COUNT 0) is one ZLP', () => {
    const rig = attachedRig();
    rig.bus.write32(bank(0, 1) + USB_DESC.PCKSIZE, pcksize({ size: 64, byteCount: 0 }));
    w8(rig, ep(0, USB_REG.EPSTATUSSET), USB_EPSTATUS.BK1RDY);
    const r = rig.usb.in(0, 0);
    expect(r.handshake === 'DATA' && r.data.length).toBe(0);
    expect(r8(rig, ep(0, USB_REG.EPINTFLAG)) & USB_EPINT.TRCPT1).toBe(USB_EPINT.TRCPT1);
  });

  it('OUT: multi-packet into RAM, BK0RDY/TRCPT0 at the end, then NAK + TRFAIL0 + ERRORFLOW', () => {
    const rig = attachedRig();
    w8(rig, ep(2, USB_REG.EPCFG), 0x03); // EPTYPE0 = bulk
    w8(rig, ep(2, USB_REG.EPINTENSET), USB_EPINT.TRCPT0);
    rig.bus.write32(bank(2, 0) + USB_DESC.ADDR, BUF0);
    rig.bus.write32(bank(2, 0) + USB_DESC.PCKSIZE, pcksize({ size: 64, multi: 128 }));
    // BK0RDY is 0 after reset: the bank is free.
    const a = Uint8Array.from({ length: 64 }, (_, i) => i + 1);
    const b = Uint8Array.from({ length: 64 }, (_, i) => 200 - i);
    expect(rig.usb.out(0, 2, a, 0)).toBe('ACK');
    expect(r8(rig, ep(2, USB_REG.EPINTFLAG)) & USB_EPINT.TRCPT0).toBe(0);
    expect(rig.usb.out(0, 2, a, 0)).toBe('ACK'); // DATA0 again: a retransmission, dropped
    expect(rig.bus.read32(bank(2, 0) + USB_DESC.PCKSIZE) & USB_PCKSIZE.BYTE_COUNT_Msk).toBe(64);
    expect(rig.usb.out(0, 2, b, 1)).toBe('ACK');
    expect(r8(rig, ep(2, USB_REG.EPINTFLAG)) & USB_EPINT.TRCPT0).toBe(USB_EPINT.TRCPT0);
    expect(r8(rig, ep(2, USB_REG.EPSTATUS)) & USB_EPSTATUS.BK0RDY).toBe(USB_EPSTATUS.BK0RDY);
    expect(rig.bus.read32(bank(2, 0) + USB_DESC.PCKSIZE) & USB_PCKSIZE.BYTE_COUNT_Msk).toBe(128);
    expect([...rig.bus.readBlock(BUF0, 128)]).toEqual([...a, ...b]);
    expect(rig.usbIrq()).toBe(true);
    expect(rig.usb.out(0, 2, a, 0)).toBe('NAK');
    expect(r8(rig, ep(2, USB_REG.EPINTFLAG)) & USB_EPINT.TRFAIL0).toBe(USB_EPINT.TRFAIL0);
    expect(rig.bus.read8(bank(2, 0) + USB_DESC.STATUS_BK) & USB_STATUS_BK.ERRORFLOW).toBe(USB_STATUS_BK.ERRORFLOW);
  });

  it('OUT: a short packet ends a multi-packet transfer and its CRC lands after the data', () => {
    const rig = attachedRig();
    w8(rig, ep(2, USB_REG.EPCFG), 0x03);
    rig.bus.write32(bank(2, 0) + USB_DESC.ADDR, BUF0);
    rig.bus.write32(bank(2, 0) + USB_DESC.PCKSIZE, pcksize({ size: 64, multi: 512 }));
    const d = new TextEncoder().encode('hello');
    expect(rig.usb.out(0, 2, d, 0)).toBe('ACK');
    expect(r8(rig, ep(2, USB_REG.EPINTFLAG)) & USB_EPINT.TRCPT0).toBe(USB_EPINT.TRCPT0);
    expect(rig.bus.read32(bank(2, 0) + USB_DESC.PCKSIZE) & USB_PCKSIZE.BYTE_COUNT_Msk).toBe(5);
    const crc = usbCrc16(d);
    expect(rig.bus.read8(BUF0 + 5) | (rig.bus.read8(BUF0 + 6) << 8)).toBe(crc);
  });

  it('OUT: MULTI_PACKET_SIZE = 0 makes every packet a transfer; bytes beyond SIZE are dropped', () => {
    const rig = attachedRig();
    w8(rig, ep(2, USB_REG.EPCFG), 0x03);
    rig.bus.write32(bank(2, 0) + USB_DESC.ADDR, BUF0);
    rig.bus.write32(bank(2, 0) + USB_DESC.PCKSIZE, pcksize({ size: 8 }));
    rig.bus.writeBlock(BUF0, new Uint8Array(16).fill(0xee));
    expect(rig.usb.out(0, 2, Uint8Array.from({ length: 12 }, (_, i) => i), 0)).toBe('ACK');
    expect(rig.bus.read32(bank(2, 0) + USB_DESC.PCKSIZE) & USB_PCKSIZE.BYTE_COUNT_Msk).toBe(8);
    expect([...rig.bus.readBlock(BUF0, 9)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 0xee]);
    expect(rig.diagnostics.some((m) => m.includes('exceeds PCKSIZE.SIZE'))).toBe(true);
  });

  it('STALL: STALLRQ1/STALLRQ0 answer STALL and set STALL1/STALL0; a SETUP clears them on EP0', () => {
    const rig = attachedRig();
    w8(rig, ep(2, USB_REG.EPCFG), 0x33);
    w8(rig, ep(2, USB_REG.EPINTENSET), USB_EPINT.STALL0 | USB_EPINT.STALL1);
    w8(rig, ep(2, USB_REG.EPSTATUSSET), USB_EPSTATUS.STALLRQ0 | USB_EPSTATUS.STALLRQ1);
    expect(rig.usb.in(0, 2).handshake).toBe('STALL');
    expect(rig.usb.out(0, 2, new Uint8Array(1), 0)).toBe('STALL');
    expect(r8(rig, ep(2, USB_REG.EPINTFLAG))).toBe(USB_EPINT.STALL0 | USB_EPINT.STALL1);
    expect(rig.usbIrq()).toBe(true);
    // dcd_edpt_clear_stall
    w8(rig, ep(2, USB_REG.EPSTATUSCLR), USB_EPSTATUS.STALLRQ1 | USB_EPSTATUS.DTGLIN);
    expect(rig.usb.in(0, 2).handshake).toBe('NAK');
    // EP0 protocol stall
    w8(rig, ep(0, USB_REG.EPSTATUSSET), USB_EPSTATUS.STALLRQ0 | USB_EPSTATUS.STALLRQ1);
    expect(rig.usb.in(0, 0).handshake).toBe('STALL');
    rig.usb.setup(0, 0, new Uint8Array(8));
    expect(r8(rig, ep(0, USB_REG.EPSTATUS)) & (USB_EPSTATUS.STALLRQ0 | USB_EPSTATUS.STALLRQ1)).toBe(0);
  });

  it('enabling an endpoint bank resets its data toggle to DATA0', () => {
    const rig = attachedRig();
    w8(rig, ep(2, USB_REG.EPSTATUSSET), USB_EPSTATUS.DTGLIN | USB_EPSTATUS.DTGLOUT);
    w8(rig, ep(2, USB_REG.EPCFG), 0x33);
    expect(r8(rig, ep(2, USB_REG.EPSTATUS)) & (USB_EPSTATUS.DTGLIN | USB_EPSTATUS.DTGLOUT)).toBe(0);
  });

  it('a descriptor table the bus cannot reach sets RAMACER and gives no handshake', () => {
    const rig = attachedRig();
    rig.bus.write32(USB_BASE + USB_REG.DESCADD, 0x30000000);
    expect(rig.usb.setup(0, 0, new Uint8Array(8))).toBe('NONE');
    expect(r16(rig, USB_REG.INTFLAG) & USB_INT.RAMACER).toBe(USB_INT.RAMACER);
    expect(rig.diagnostics.join('\n')).toMatch(/bus error at 0x30000000/);
    expect(rig.bus.error).toBe(false); // the CPU's bus state is untouched
  });

  it('the CPU-visible interrupt follows the dcd_samd handler: RXSTP, TRCPT1, EORST', () => {
    const rig = attachedRig();
    let calls = 0;
    const seen: string[] = [];
    rig.setIsr(() => {
      calls++;
      const flags = r16(rig, USB_REG.INTFLAG) & r16(rig, USB_REG.INTENSET);
      if (flags & USB_INT.EORST) {
        seen.push('EORST');
        w16(rig, USB_REG.INTFLAG, USB_INT.EORST);
        ep0Setup(rig);
      }
      if (r8(rig, ep(0, USB_REG.EPINTFLAG)) & USB_EPINT.RXSTP) {
        seen.push(`RXSTP ${rig.bus.read8(SETUP + 1)}`);
        w8(rig, ep(0, USB_REG.EPINTFLAG), USB_EPINT.RXSTP | USB_EPINT.TRCPT0);
        rig.bus.write32(bank(0, 1) + USB_DESC.PCKSIZE, pcksize({ size: 64, byteCount: 0 }));
        w8(rig, ep(0, USB_REG.EPSTATUSSET), USB_EPSTATUS.BK1RDY);
      }
      if (r16(rig, USB_REG.EPINTSMRY) & 1 && r8(rig, ep(0, USB_REG.EPINTFLAG)) & USB_EPINT.TRCPT1) {
        seen.push('TRCPT1');
        w8(rig, ep(0, USB_REG.EPINTFLAG), USB_EPINT.TRCPT1);
      }
    });
    rig.usb.busReset();
    rig.run(100);
    rig.usb.setup(0, 0, new Uint8Array([0, 5, 7, 0, 0, 0, 0, 0]));
    rig.run(100);
    const r = rig.usb.in(0, 0);
    expect(r.handshake).toBe('DATA');
    rig.run(100);
    expect(seen).toEqual(['EORST', 'RXSTP 5', 'TRCPT1']);
    expect(calls).toBe(3);
    expect(rig.usbIrq()).toBe(false);
  });
});
