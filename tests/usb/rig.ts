/**
 * The USB suites' view of the shared CPU-less SAMD21 rig (tests/helpers/samd21-rig.ts): the USB
 * controller at its data-sheet address, its NVIC line, a TypeScript ISR run as the core would run
 * one, and the controller's diagnostics.
 */
import { Samd21Rig } from '../helpers/samd21-rig.js';
import { IRQ, peripheralSlot } from '../../peripherals/samd21/memory-map.js';
import type { Samd21Usb } from '../../peripherals/samd21/usb.js';

export const USB_BASE = peripheralSlot('USB').base;

export interface Rig extends Samd21Rig {
  readonly usb: Samd21Usb;
  readonly diagnostics: string[];
  /** Level of the USB NVIC line. */
  usbIrq(): boolean;
  /** Installs the USB interrupt handler (called while the line is high). */
  setIsr(isr: (() => void) | null): void;
}

export function createRig(): Rig {
  // No clock tree: SYNCBUSY takes the controller's fallback time (long enough for the TypeScript
  // device's 8-cycle polls to see it set), the controller counts as clocked, the CPU runs at 48 MHz.
  const rig = new Samd21Rig({ noClockTree: true });
  const diagnostics: string[] = [];
  rig.mcu.usb.onDiagnostic = (m) => diagnostics.push(m);
  return Object.assign(rig, {
    usb: rig.mcu.usb,
    diagnostics,
    usbIrq: () => rig.irqLevel(IRQ.USB),
    setIsr: (isr: (() => void) | null) => rig.onInterrupt(IRQ.USB, isr),
  });
}

/** Runs the rig until a promise settles (microtasks are drained between 1 ms slices). */
export async function settle<T>(rig: Rig, promise: Promise<T>, maxMs = 20_000): Promise<T> {
  let state: 'pending' | 'done' = 'pending';
  const tracked = promise.then(
    (v) => {
      state = 'done';
      return v;
    },
    (e) => {
      state = 'done';
      throw e;
    },
  );
  tracked.catch(() => {});
  for (let i = 0; i < maxMs && state === 'pending'; i++) {
    rig.run(rig.ms(1));
    await new Promise<void>((r) => setImmediate(r));
  }
  if (state === 'pending') throw new Error(`promise did not settle within ${maxMs} ms of emulated time`);
  return tracked;
}
