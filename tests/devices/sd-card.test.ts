/**
 * microSD card in SPI mode against the SD Physical Layer Simplified Specification (chapter 7):
 * the initialisation sequence (CMD0, CMD8, CMD55 + ACMD41 with HCS, CMD58), the CSD v2 capacity,
 * single and multiple block reads and writes with their tokens, CRC7/CRC16, and the errors a card
 * reports (illegal command in idle state, command CRC error, parameter error past the end); an
 * empty slot leaves MISO high. Known values: CMD0's CRC byte is 0x95 and CMD8(0x1AA)'s is 0x87
 * (spec 7.2.2 / 4.3.13); CRC16-CCITT of 512 bytes of 0xFF is 0x7FA1 (spec 4.5 example).
 */
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../emulator/kernel/scheduler.js';
import { Pin } from '../../emulator/kernel/signals.js';
import { SpiBus } from '../../peripherals/devices/buses.js';
import { R1, SdCard, crc16, crc7 } from '../../peripherals/devices/sd-card.js';

const MiB = 1024 * 1024;

function rig(size = MiB) {
  const scheduler = new Scheduler(48e6);
  const cs = new Pin('SD_CS', scheduler);
  cs.drive(1);
  const card = new SdCard({ cs });
  const bus = new SpiBus();
  bus.attach(card);
  const image = new Uint8Array(size);
  for (let i = 0; i < size; i++) image[i] = (i * 7 + (i >> 9)) & 0xff;
  card.insert(image);
  const xfer = (b: number) => bus.transfer(b);
  /** A command frame with its CRC7; returns R1 (waiting up to 8 bytes, NCR). */
  const command = (index: number, arg: number, crc?: number): number => {
    const frame = [0x40 | index, arg >>> 24, (arg >>> 16) & 0xff, (arg >>> 8) & 0xff, arg & 0xff];
    frame.push(crc ?? (crc7(frame) << 1) | 1);
    frame.forEach(xfer);
    for (let i = 0; i < 8; i++) {
      const r = xfer(0xff);
      if (!(r & 0x80)) return r;
    }
    return 0xff;
  };
  const read = (n: number) => Array.from({ length: n }, () => xfer(0xff));
  /** Waits for the start token, then reads `n` bytes and the CRC16. */
  const dataBlock = (n: number) => {
    for (let i = 0; i < 16 && xfer(0xff) !== 0xfe; i++);
    const data = Uint8Array.from(read(n));
    const [hi, lo] = read(2);
    return { data, crc: (hi << 8) | lo };
  };
  const init = () => {
    cs.drive(0);
    expect(command(0, 0, 0x95)).toBe(R1.IDLE);
    expect(command(8, 0x1aa)).toBe(R1.IDLE);
    expect(read(4)).toEqual([0x00, 0x00, 0x01, 0xaa]);
    let r = R1.IDLE as number;
    for (let i = 0; i < 10 && r === R1.IDLE; i++) {
      command(55, 0);
      r = command(41, 0x40000000);
    }
    expect(r).toBe(0);
    expect(command(58, 0)).toBe(0);
    expect(read(4)).toEqual([0xc0, 0xff, 0x80, 0x00]); // powered up, CCS (block addressing), 2.7-3.6 V
  };
  return { scheduler, cs, card, image, xfer, command, read, dataBlock, init };
}

describe('microSD card (SPI mode)', () => {
  it('CRC7 gives the spec values for CMD0 and CMD8; CRC16 of a block of 0xFF is 0x7FA1', () => {
    expect((crc7([0x40, 0, 0, 0, 0]) << 1) | 1).toBe(0x95);
    expect((crc7([0x48, 0, 0, 0x01, 0xaa]) << 1) | 1).toBe(0x87);
    expect(crc16(new Uint8Array(512).fill(0xff), 0, 512)).toBe(0x7fa1);
  });

  it('initialises: CMD0, CMD8, CMD55 + ACMD41 (HCS) until ready, CMD58 with CCS', () => {
    const r = rig();
    r.init();
    expect(r.card.commandCounts.get(64 + 41)).toBe(2); // the card needed two ACMD41s
  });

  it('ignores everything but a CMD0 with a valid CRC until it is in SPI mode', () => {
    const r = rig();
    r.cs.drive(0);
    expect(r.command(8, 0x1aa)).toBe(0xff);
    expect(r.command(0, 0, 0x01)).toBe(0xff); // bad CRC: the card (in SD mode) does not answer
    expect(r.command(0, 0, 0x95)).toBe(R1.IDLE);
  });

  it('reports a CMD8 CRC error, and illegal commands in idle state', () => {
    const r = rig();
    r.cs.drive(0);
    r.command(0, 0, 0x95);
    expect(r.command(8, 0x1aa, 0x01)).toBe(R1.IDLE | R1.CRC_ERROR);
    expect(r.command(17, 0)).toBe(R1.IDLE | R1.ILLEGAL_COMMAND);
    expect(r.command(55, 0)).toBe(R1.IDLE);
    expect(r.command(41, 0)).toBe(R1.IDLE); // no HCS: an SDHC card stays idle
    expect(r.command(55, 0)).toBe(R1.IDLE);
    expect(r.command(41, 0)).toBe(R1.IDLE);
  });

  it('CSD v2 gives the capacity; CID reads with valid CRCs', () => {
    const r = rig(4 * MiB);
    r.init();
    expect(r.command(9, 0)).toBe(0);
    const csd = r.dataBlock(16);
    expect(csd.data[0] >> 6).toBe(1); // CSD structure 2.0
    const cSize = ((csd.data[7] & 0x3f) << 16) | (csd.data[8] << 8) | csd.data[9];
    expect((cSize + 1) * 512 * 1024).toBe(4 * MiB);
    expect(csd.data[15]).toBe((crc7(csd.data, 15) << 1) | 1);
    expect(csd.crc).toBe(crc16(csd.data, 0, 16));
    expect(r.command(10, 0)).toBe(0);
    const cid = r.dataBlock(16);
    expect(cid.data[15]).toBe((crc7(cid.data, 15) << 1) | 1);
  });

  it('reads one block (CMD17) and several (CMD18 until CMD12), block-addressed, with CRC16', () => {
    const r = rig();
    r.init();
    expect(r.command(17, 5)).toBe(0);
    const one = r.dataBlock(512);
    expect(one.data).toEqual(r.image.subarray(5 * 512, 6 * 512));
    expect(one.crc).toBe(crc16(r.image, 5 * 512, 512));
    expect(r.command(18, 10)).toBe(0);
    for (let b = 10; b < 13; b++) expect(r.dataBlock(512).data).toEqual(r.image.subarray(b * 512, (b + 1) * 512));
    expect(r.command(12, 0)).toBe(0);
    // Not busy afterwards: the bus reads 0xFF again.
    const after = r.read(4);
    expect(after[after.length - 1]).toBe(0xff);
  });

  it('writes one block (CMD24) and several (CMD25, 0xFC ... 0xFD) with data response 0x05', () => {
    const r = rig();
    r.init();
    const block = (v: number) => new Uint8Array(512).fill(v);
    const send = (token: number, data: Uint8Array) => {
      r.xfer(0xff);
      r.xfer(token);
      data.forEach(r.xfer);
      const crc = crc16(data, 0, 512);
      r.xfer(crc >> 8);
      r.xfer(crc & 0xff);
      const response = r.xfer(0xff) & 0x1f;
      let busy = 0;
      while (r.xfer(0xff) === 0 && busy < 100) busy++;
      return { response, busy };
    };
    expect(r.command(24, 3)).toBe(0);
    const w = send(0xfe, block(0x11));
    expect(w.response).toBe(0x05);
    expect(w.busy).toBeGreaterThan(0);
    expect(r.image.subarray(3 * 512, 4 * 512).every((b) => b === 0x11)).toBe(true);
    expect(r.card.dirty).toBe(true);
    expect(r.command(25, 7)).toBe(0);
    expect(send(0xfc, block(0x22)).response).toBe(0x05);
    expect(send(0xfc, block(0x33)).response).toBe(0x05);
    r.xfer(0xfd);
    for (let i = 0; i < 4; i++) r.xfer(0xff);
    expect([r.image[7 * 512], r.image[8 * 512], r.image[9 * 512]]).toEqual([0x22, 0x33, r.image[9 * 512]]);
    expect(r.image[9 * 512]).not.toBe(0x33);
    // Read back through the card.
    expect(r.command(17, 8)).toBe(0);
    expect(r.dataBlock(512).data.every((b) => b === 0x33)).toBe(true);
  });

  it('a block past the end is a parameter error with no data; unknown commands are illegal', () => {
    const r = rig(MiB);
    r.init();
    expect(r.command(17, 2048)).toBe(R1.PARAMETER_ERROR);
    expect(r.read(8).every((b) => b === 0xff)).toBe(true);
    expect(r.command(24, 5000)).toBe(R1.PARAMETER_ERROR);
    expect(r.command(30, 0)).toBe(R1.ILLEGAL_COMMAND);
  });

  it('with CRC checking on (CMD59), a bad data CRC is rejected (token 0x0B) and nothing is written', () => {
    const r = rig();
    r.init();
    expect(r.command(59, 1)).toBe(0);
    expect(r.command(24, 1)).toBe(0);
    r.xfer(0xfe);
    for (let i = 0; i < 512; i++) r.xfer(0x55);
    r.xfer(0);
    r.xfer(0);
    expect(r.xfer(0xff) & 0x1f).toBe(0x0b);
    expect(r.image[512]).not.toBe(0x55);
  });

  it('an empty slot answers nothing (0xFF); an image must be a multiple of 512 KiB', () => {
    const r = rig();
    r.card.eject();
    r.cs.drive(0);
    expect(r.command(0, 0, 0x95)).toBe(0xff);
    expect(() => r.card.insert(new Uint8Array(1000))).toThrow(/multiple of 512 KiB/);
  });
});
