/**
 * GigaDevice GD25Q16C: 16 Mbit (2 MiB) SPI NOR flash, the CIRCUITPY drive of the Circuit
 * Playground Express (SERCOM3, CS on PB22).
 *
 * Data sheet facts used: JEDEC ID C8 40 15 (9Fh), manufacturer/device ID C8 14 (90h, ABh);
 * 256-byte pages, 4 KiB sectors, 32/64 KiB blocks; status register 1 = SRP0 BP4..BP0 WEL WIP,
 * status register 2 = SUS CMP - - - LB QE SRP1; typical times: page program 0.6 ms, sector erase
 * 50 ms, 32 KiB block erase 0.15 s, 64 KiB block erase 0.25 s, chip erase 5 s, write status 2 ms
 * (tW), reset recovery 30 µs.
 *
 * Wiring (board):
 *   const flash = new Gd25q16c({ cs: pins.PB22, scheduler });
 *   sercom3Bus.attach(flash);                 // an SpiBus
 *   flash.load(bytesFromFile); ... save(flash.save()) when flash.dirty
 */
import { SpiNorFlash, type SpiFlashOptions, type SpiFlashParameters } from './spi-nor-flash.js';

export const GD25Q16C: SpiFlashParameters = {
  part: 'GD25Q16C',
  size: 2 * 1024 * 1024,
  jedecId: [0xc8, 0x40, 0x15],
  deviceId: 0x14,
  timing: {
    pageProgramUs: 600,
    sectorEraseUs: 50_000,
    block32EraseUs: 150_000,
    block64EraseUs: 250_000,
    chipEraseUs: 5_000_000,
    writeStatusUs: 2_000,
    resetUs: 30,
    powerDownUs: 3,
  },
};

export class Gd25q16c extends SpiNorFlash {
  constructor(opts: SpiFlashOptions) {
    super(GD25Q16C, opts);
  }
}
