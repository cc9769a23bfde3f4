/**
 * Our own C firmware (tests/firmware/samd21-usb/echo.c: clocks, PA24/PA25, the USB controller
 * from the data sheet's registers, a CDC-ACM echo) running on the emulated SAMD21 CPU, enumerated
 * by the emulated host.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseElf } from '../../firmware-runtime/images/index.js';
import { UsbHost } from '../../firmware-runtime/usb/index.js';
import { createSamd21 } from '../../boards/chips/samd21.js';
import { Samd21Usb } from '../../peripherals/samd21/usb.js';

const ELF = fileURLToPath(new URL('../firmware/samd21-usb/usb_echo.elf', import.meta.url));

function boot() {
  const s = createSamd21({ variant: 'G18A' });
  const image = parseElf(new Uint8Array(readFileSync(ELF)));
  s.loadSegments(image.segments);
  s.powerOn();
  const usb = s.usb;
  const host = new UsbHost(s.scheduler, usb);
  const status = image.symbols!.get('status')!;
  return { s, usb, host, status };
}

function runUntil(s: ReturnType<typeof boot>['s'], done: () => boolean, maxMs: number): boolean {
  for (let i = 0; i < maxMs && !done(); i++) {
    const halt = s.machine.runFor(0.001);
    if (halt) throw new Error(`machine halted: ${halt.message}`);
  }
  return done();
}

describe('C CDC-ACM echo firmware on the emulated SAMD21', () => {
  it('enumerates, takes 115200 8N1 and DTR, and echoes bytes', () => {
    const { s, usb, host, status } = boot();
    expect(runUntil(s, () => host.state === 'configured' || host.state === 'failed', 1000)).toBe(true);
    expect(host.errors).toEqual([]);
    expect(host.state).toBe('configured');
    expect(host.device!.device.idVendor).toBe(0x1209);
    expect(host.device!.manufacturer).toBe('circuitemu');
    expect(host.device!.product).toBe('USB echo');
    expect(usb.stats.busResets).toBe(1);
    runUntil(s, () => s.bus.read32(status + 16) === 1, 50); // status.dtr
    expect(s.bus.read32(status)).toBe(0x55534245);
    expect(s.bus.read32(status + 12)).toBe(1); // configured
    expect([...s.bus.readBlock(status + 24, 7)]).toEqual([0x00, 0xc2, 0x01, 0x00, 0, 0, 8]);

    const text = 'Hello from the emulated host! '.repeat(10);
    host.console.write(text);
    runUntil(s, () => host.console.text().length >= text.length, 200);
    expect(host.console.text()).toBe(text);
    expect(s.bus.read32(status + 20)).toBe(text.length); // status.echoed
  });
});
