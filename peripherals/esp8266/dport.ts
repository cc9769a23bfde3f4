/**
 * ESP8266 DPORT block at 0x3FF00000 (eagle_soc.h / esp8266_peri.h names): the edge-interrupt
 * enables that gate the FRC1/FRC2 timer interrupts to the core, and CPU2X, which doubles the
 * CPU clock from 80 to 160 MHz (the APB clock of the peripherals stays at 80 MHz).
 */
import { RegisterBlock } from '../register-block.js';

/** EDGE_INT_ENABLE_REG bits (bit 0, the watchdog, as the SDK's wdt_init and esp-open-rtos set it). */
export const EDGE_INT_WDT = 1 << 0;
export const EDGE_INT_FRC1 = 1 << 1;
export const EDGE_INT_FRC2 = 1 << 2;
export const CPU_CLOCK_80MHZ = 80_000_000;
export const CPU_CLOCK_160MHZ = 160_000_000;

/** The emulated chip's station MAC (Espressif's OUI 18:FE:34, which the eFuse layout implies). */
export const DEFAULT_MAC = [0x18, 0xfe, 0x34, 0x12, 0x34, 0x56] as const;

/**
 * eFuse words for a MAC with Espressif's OUI 18:FE:34, in the layout esptool's `read_mac` reads:
 * MAC[3..4] = EFUSE_DATA1 bits 15:0, MAC[5] = EFUSE_DATA0 bits 31:24, EFUSE_DATA1 bits 23:16 = 0
 * (OUI 18:FE:34), EFUSE_DATA3 = 0 (no OUI stored). EFUSE_DATA2 bit 15 marks an ESP8266 (the
 * SDK's start code refuses to run without it: "Firmware ONLY supports ESP8266!!!"); bit 12
 * clear: no CRC-checked OUI in EFUSE_DATA3; bit 16 and EFUSE_DATA0 bit 4 clear: not an ESP8285.
 * The chip ID (system_get_chip_id) is then MAC[3..5] = 0x123456.
 */
export function efuseForMac(mac: readonly number[]): [number, number, number, number] {
  return [(mac[5]! << 24) >>> 0, (mac[3]! << 8) | mac[4]!, 1 << 15, 0];
}

export class Dport extends RegisterBlock {
  constructor(
    /** Called with the new CPU frequency when CPU2X changes. */
    private readonly setCpuFrequency: (hz: number) => void,
    efuse: readonly [number, number, number, number] = efuseForMac(DEFAULT_MAC),
  ) {
    super('DPORT', 0x100);
    this.reg({ name: 'EDGE_INT_ENABLE_REG', offset: 0x04, size: 4, writable: EDGE_INT_WDT | EDGE_INT_FRC1 | EDGE_INT_FRC2 });
    this.reg({
      name: 'CPU2X',
      offset: 0x14,
      size: 4,
      writable: 1,
      write: (value) => this.setCpuFrequency(value & 1 ? CPU_CLOCK_160MHZ : CPU_CLOCK_80MHZ),
    });
    this.reg({ name: 'IOSWAP', offset: 0x28, size: 4, unimplemented: true });
    // The eFuse words (esptool reads them at 0x3FF00050..5C for the MAC, the chip ID and
    // ESP8266-vs-ESP8285): read-only, programmed at the factory.
    efuse.forEach((word, i) => this.reg({ name: `EFUSE_DATA${i}`, offset: 0x50 + 4 * i, size: 4, reset: word >>> 0, writable: 0 }));
  }

  reset(): void {
    this.resetRegisters();
  }

  /** Whether the edge interrupt of FRC1 / FRC2 reaches the core. */
  edgeEnabled(bit: number): boolean {
    return (this.register('EDGE_INT_ENABLE_REG').value & bit) !== 0;
  }
}
