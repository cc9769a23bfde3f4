/**
 * Samd21Chip: the context every SAMD21 peripheral receives.
 *
 * It gives a peripheral the scheduler and bus, its interrupt line to the NVIC, the clock tree
 * (GCLK channel frequencies, PM bus-clock masks, change notifications), the event system
 * (generate an event, receive a user event), DMA triggers, pad access through PORT and the
 * system reset. The concrete system peripherals (PM, SYSCTRL, GCLK, EVSYS, PORT) plug into it
 * through the small interfaces below, so a peripheral module imports only this file,
 * ../register-block.ts and sync-busy.ts. See README.md for how a peripheral is written and registered.
 */
import type { AccessSize, Bus, BusDevice } from '../../emulator/kernel/bus.js';
import type { Scheduler } from '../../emulator/kernel/scheduler.js';
import type { Pin } from '../../emulator/kernel/signals.js';
import { UnimplementedDevice } from '../register-block.js';
import { EVENT_USERS, IRQ_COUNT, PERIPHERALS, type Bridge, type Variant } from './memory-map.js';

/** PM RCAUSE bits (data sheet 16.8.14). */
export const ResetCause = {
  POR: 0x01,
  BOD12: 0x02,
  BOD33: 0x04,
  EXT: 0x10,
  WDT: 0x20,
  SYST: 0x40,
} as const;
export type ResetCause = (typeof ResetCause)[keyof typeof ResetCause];

/**
 * Resets that keep the "32 kHz domain" (data sheet 16.6.2.6, table 16-4): POR/BOD reset
 * everything; external, WDT and system resets keep the RTC, the 32 kHz oscillators, WDT with
 * ALWAYSON and GCLK generators with WRTLOCK.
 */
export function isPowerOnReset(cause: ResetCause): boolean {
  return cause === ResetCause.POR || cause === ResetCause.BOD12 || cause === ResetCause.BOD33;
}

/** What every SAMD21 peripheral model implements. */
export interface Samd21Peripheral extends BusDevice {
  /** Data-sheet instance name ('SERCOM3'); matches the slot in memory-map.ts PERIPHERALS. */
  readonly name: string;
  /** Power-on (cause POR) and system resets: back to reset values (as the cause dictates). */
  reset(cause: ResetCause): void;
}

/** Peripheral multiplexer functions (PMUX value 0..7 = function A..H, data sheet 7.1). */
export type PadFunction = 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H';
export const PAD_FUNCTION_INDEX: Record<PadFunction, number> = { A: 0, B: 1, C: 2, D: 3, E: 4, F: 5, G: 6, H: 7 };

/**
 * A peripheral's connection to one pad for one multiplexer function. It drives the pad only while
 * PINCFG.PMUXEN = 1 and PMUX selects this function; it can always read the pad's level/voltage.
 */
export interface PadHandle {
  readonly pin: Pin;
  /** Pad index: 0..31 = PA00..PA31, 32..63 = PB00..PB31. */
  readonly index: number;
  readonly fn: PadFunction;
  /** True while PINCFG.PMUXEN = 1 and PMUX = this function. */
  readonly selected: boolean;
  /** Digital level requested by the peripheral (null: not driving, high-Z). */
  drive(level: 0 | 1 | null): void;
  /** Analog output (DAC VOUT): forces a voltage on the pad while selected; null releases. */
  driveVoltage(volts: number | null): void;
  /** The pad's resolved level. */
  readonly level: 0 | 1;
  readonly voltage: number;
  /** Edge listener on the pad's net (called whether or not the function is selected). */
  onEdge(listener: (level: 0 | 1, cycle: number) => void): void;
  /** Called when `selected` changes (PMUX/PMUXEN rewritten). */
  onSelect(listener: (selected: boolean) => void): void;
}

// ---------------------------------------------------------------- plug-in interfaces

/** The clock tree as SYSCTRL + GCLK + PM implement it. */
export interface ClockTree {
  /** Frequency (Hz) of GCLK clock channel `id` (CLKCTRL.ID), 0 when off. */
  gclkFrequency(id: number): number;
  /** Frequency of GCLK generator `gen`, 0 when off. */
  generatorFrequency(gen: number): number;
}

export interface SourceClocks {
  /** Frequency of GENCTRL.SRC source `src` (XOSC 0 ... FDPLL96M 8), 0 when off/not ready. */
  sourceFrequency(src: number): number;
  /** A USB start-of-frame was received (the DFLL48M's reference in USB clock recovery mode). */
  usbStartOfFrame(): void;
}

export interface BusClocks {
  /** PM APBxMASK bit `bit` of bridge `bridge` is set. */
  apbEnabled(bridge: Bridge, bit: number): boolean;
  /** CPU clock = GCLK_MAIN / CPUSEL divider. */
  cpuFrequency(): number;
}

export interface EventSystem {
  generate(generator: number): void;
  /** A level generator (AC COMPx/WIN0: "a copy of the comparator status") changed to `level`. */
  level(generator: number, level: 0 | 1): void;
}

export interface DmaController {
  /** A peripheral raised trigger `source` (CHCTRLB.TRIGSRC number). */
  trigger(source: number): void;
}

export interface PadProvider {
  pad(index: number, fn: PadFunction): PadHandle;
  pin(index: number): Pin;
}

export class Samd21Chip {
  readonly variant: Variant;
  /** The CPU's interrupt sink; set by the chip assembly (boards/chips/samd21.ts) once a core exists. */
  private core: { setInterrupt(line: number, level: boolean): void; nmi(): void; clockStopped?(reason: string): void } | null = null;
  private irqLevels = 0;

  clocks: ClockTree | null = null;
  sources: SourceClocks | null = null;
  busClocks: BusClocks | null = null;
  events: EventSystem | null = null;
  dma: DmaController | null = null;
  pads: PadProvider | null = null;

  private readonly clockListeners: (() => void)[] = [];
  private readonly eventUserHandlers: ((() => void) | null)[] = new Array(EVENT_USERS + 1).fill(null);
  private readonly dmaSources = new Map<number, () => boolean>();
  readonly peripherals: Samd21Peripheral[] = [];
  /** Performs a system reset (set by the chip assembly). */
  resetHandler: (cause: ResetCause) => void = () => {};

  constructor(
    readonly scheduler: Scheduler,
    readonly bus: Bus,
    variant: Variant,
  ) {
    this.variant = variant;
  }

  // ---------------------------------------------------------------- interrupts

  attachCore(core: { setInterrupt(line: number, level: boolean): void; nmi(): void; clockStopped?(reason: string): void }): void {
    this.core = core;
    for (let line = 0; line < IRQ_COUNT; line++) if (this.irqLevels & (1 << line)) core.setInterrupt(line, true);
  }

  /**
   * GCLK_MAIN has stopped (GCLK generator 0 disabled): the CPU and the APB bridges have no clock
   * (15.6.2.3, 15.6.2.5), so the core executes nothing more until a reset. Told to the core slot.
   */
  mainClockStopped(reason: string): void {
    this.core?.clockStopped?.(reason);
  }

  /** Drives NVIC line `line` (table 11-3); level-sensitive. */
  irq(line: number, level: boolean): void {
    if (line < 0) return;
    const bit = 1 << line;
    this.irqLevels = level ? this.irqLevels | bit : this.irqLevels & ~bit;
    this.core?.setInterrupt(line, level);
  }

  irqLevel(line: number): boolean {
    return (this.irqLevels & (1 << line)) !== 0;
  }

  /** Non-maskable interrupt (EIC NMI). */
  nmi(): void {
    this.core?.nmi();
  }

  // ---------------------------------------------------------------- clocks

  /** Frequency in Hz of GCLK clock channel `id` (GCLK_ID in memory-map.ts); 0 when stopped. */
  gclkFrequency(id: number): number {
    return this.clocks ? this.clocks.gclkFrequency(id) : 0;
  }

  /**
   * Whether a peripheral's bus clock is enabled in PM: by name (`apbEnabled('SERCOM3')`) or by
   * bridge and APBxMASK bit (`apbEnabled('C', 5)`).
   */
  apbEnabled(peripheral: string): boolean;
  apbEnabled(bridge: Bridge, bit: number): boolean;
  apbEnabled(bridgeOrName: string, bit?: number): boolean {
    if (bit === undefined) {
      const slot = PERIPHERALS.find((p) => p.name === bridgeOrName);
      if (!slot) return false;
      return this.apbEnabled(slot.bridge, slot.apbBit);
    }
    return bit < 0 || !this.busClocks || this.busClocks.apbEnabled(bridgeOrName as Bridge, bit);
  }

  /** CPU clock in Hz: the scheduler's frequency on a full chip. */
  cpuFrequency(): number {
    return this.busClocks ? this.busClocks.cpuFrequency() : 1_000_000;
  }

  /**
   * The USB device controller received a start-of-frame: SYSCTRL's DFLL48M locks on SOFs in USB
   * clock recovery mode (DFLLCTRL.USBCRM), 17.6.7.2.
   */
  usbStartOfFrame(): void {
    this.sources?.usbStartOfFrame();
  }

  /** Scheduler cycles per period of a clock of `hz` (fractional); Infinity when stopped. */
  cyclesPer(hz: number): number {
    return hz > 0 ? this.scheduler.frequency / hz : Infinity;
  }

  /**
   * Registers a listener for any change of the clock tree (oscillator on/off, GCLK generator or
   * channel rewritten, PM divider). Peripherals with running counters re-base on it.
   */
  onClockChange(listener: () => void): void {
    this.clockListeners.push(listener);
  }

  /**
   * Called by SYSCTRL/GCLK/PM after they changed something. When the CPU clock (GCLK_MAIN /
   * CPUSEL) changed, the scheduler, which counts CPU cycles, changes frequency: listeners run once
   * before (folding the time elapsed so far into their counts, at the old frequency) and once after
   * (re-deriving their periods in the new cycles), so each re-base sees one consistent time unit.
   */
  clockChanged(): void {
    const cpu = this.busClocks ? this.busClocks.cpuFrequency() : 0;
    if (cpu > 0 && cpu !== this.scheduler.frequency) {
      for (const l of this.clockListeners) l();
      this.scheduler.setFrequency(cpu);
    }
    for (const l of this.clockListeners) l();
  }

  // ---------------------------------------------------------------- events

  /** A peripheral fires event generator `generatorId` (EVENT_GENERATOR numbers); one pulse. */
  generateEvent(generatorId: number): void {
    this.events?.generate(generatorId);
  }

  /**
   * A generator whose event signal is a level (the AC's comparator and window states) changed:
   * EVSYS turns the change into pulses with each channel's edge selection.
   */
  eventLevel(generatorId: number, level: 0 | 1): void {
    this.events?.level(generatorId, level);
  }

  /** Registers the handler that receives events routed to user `userId` (EVENT_USER numbers). */
  onEventUser(userId: number, handler: () => void): void {
    this.eventUserHandlers[userId] = handler;
  }

  /** Called by EVSYS to deliver an event to a user. */
  deliverEvent(userId: number): void {
    const h = this.eventUserHandlers[userId];
    if (h) h();
  }

  // ---------------------------------------------------------------- DMA

  /** A peripheral raises DMA trigger `source` (DMA_TRIGGER numbers, CHCTRLB.TRIGSRC). */
  dmaTrigger(source: number): void {
    this.dma?.trigger(source);
  }

  /**
   * A peripheral declares whether its trigger condition is still active (e.g. SERCOM DRE), so
   * the DMAC can continue a burst/transaction without waiting for a new pulse.
   */
  registerDmaSource(source: number, active: () => boolean): void {
    this.dmaSources.set(source, active);
  }

  /** DMAC side: is trigger `source` currently requesting? */
  dmaRequestActive(source: number): boolean {
    const f = this.dmaSources.get(source);
    return f ? f() : false;
  }

  // ---------------------------------------------------------------- pads

  /** Pad `index` (0..63 = PA00..PB31) as seen by a peripheral function (A..H). */
  pad(index: number, fn: PadFunction): PadHandle {
    if (!this.pads) throw new Error('SAMD21: PORT not installed');
    return this.pads.pad(index, fn);
  }

  // ---------------------------------------------------------------- reset

  /** Requests a system reset with RCAUSE `cause` (AIRCR.SYSRESETREQ, WDT). */
  systemReset(cause: ResetCause): void {
    this.resetHandler(cause);
  }
}

/** Pad index of a name like 'PA17' or 'PB23'. */
export function padIndex(name: string): number {
  const m = /^P([AB])(\d{1,2})$/.exec(name);
  if (!m) throw new Error(`not a SAMD21 pad name: ${name}`);
  const n = Number(m[2]);
  if (n > 31) throw new Error(`not a SAMD21 pad name: ${name}`);
  return (m[1] === 'B' ? 32 : 0) + n;
}

export function padName(index: number): string {
  return `P${index >= 32 ? 'B' : 'A'}${String(index & 31).padStart(2, '0')}`;
}

/**
 * Bus device wrapper gating a peripheral by its PM bus clock: while the APBxMASK bit is clear the
 * slot reads 0 and ignores writes (CircuitPython reads DAC/I2S/PTC with their clocks gated; a real
 * chip stalls or returns stale data, neither of which helps anyone).
 */
export class ApbGate implements BusDevice {
  constructor(
    private readonly chip: Samd21Chip,
    private readonly device: BusDevice,
    private readonly bridge: Bridge,
    private readonly bit: number,
  ) {}
  read(offset: number, size: AccessSize): number {
    return this.chip.apbEnabled(this.bridge, this.bit) ? this.device.read(offset, size) : 0;
  }
  write(offset: number, size: AccessSize, value: number): void {
    if (this.chip.apbEnabled(this.bridge, this.bit)) this.device.write(offset, size, value);
  }
}

/**
 * A peripheral slot nothing models (PAC, MTB, SBMATRIX): reads 0, ignores writes, never
 * faults, and reports each access to its `diagnostics` sink as unimplemented.
 */
export class ReservedSlot extends UnimplementedDevice implements Samd21Peripheral {
  reset(): void {}
}
