/**
 * The SAMD21 chip (G18A or E18A): memories, the peripheral blocks at their data-sheet addresses,
 * interrupt wiring, and a slot for the Cortex-M0+ core, which stays empty when the chip is driven
 * from TypeScript (the hosted engine) or by a test.
 *
 * A chip is a table, as QEMU's SoC files are: every block is a typed field, built here and mapped
 * at the address memory-map.ts gives it. Peripherals never see this file; they see only the
 * `Samd21Chip` context (peripherals/samd21/chip.ts). Boards build a chip and wire parts to its pads.
 *
 * Time: the scheduler counts CPU cycles. The CPU clock (GCLK_MAIN / PM CPUSEL) starts at 1 MHz
 * (OSC8M / 8) and firmware usually raises it to 48 MHz; each change of the clock tree that changes
 * the CPU frequency changes the scheduler's frequency (pending events keep their simulated time)
 * and peripherals re-base their counters around it (Samd21Chip.clockChanged).
 */
import { Bus, Memory, type AccessSize, type BusDevice } from '../../emulator/kernel/bus.js';
import { Machine } from '../../emulator/kernel/machine.js';
import { Diagnostics } from '../../emulator/kernel/diagnostics.js';
import { Scheduler } from '../../emulator/kernel/scheduler.js';
import type { Pin } from '../../emulator/kernel/signals.js';
import { CortexM0Plus } from '../../cpu-armv6m/core.js';
import { ApbGate, ReservedSlot, ResetCause, Samd21Chip, padIndex, type Samd21Peripheral } from '../../peripherals/samd21/chip.js';
import {
  APB_WAIT_STATES,
  FLASH_BASE,
  FLASH_SIZE,
  IOBUS_BASE,
  IRQ_COUNT,
  NVM_AUX_BASE,
  NVM_AUX_SIZE,
  NVM_USER_ROW,
  FLASH_ROW_SIZE,
  PERIPHERALS,
  RAM_BASE,
  RAM_SIZE,
  buildNvmAux,
  type Variant,
} from '../../peripherals/samd21/memory-map.js';
import { PM } from '../../peripherals/samd21/pm.js';
import { SYSCTRL, type SysctrlOptions } from '../../peripherals/samd21/sysctrl.js';
import { GCLK } from '../../peripherals/samd21/gclk.js';
import { NVMCTRL, FlashDevice } from '../../peripherals/samd21/nvmctrl.js';
import { PORT } from '../../peripherals/samd21/port.js';
import { EIC } from '../../peripherals/samd21/eic.js';
import { EVSYS } from '../../peripherals/samd21/evsys.js';
import { RTC } from '../../peripherals/samd21/rtc.js';
import { WDT } from '../../peripherals/samd21/wdt.js';
import { DSU } from '../../peripherals/samd21/dsu.js';
import { Sercom } from '../../peripherals/samd21/sercom.js';
import { DMAC } from '../../peripherals/samd21/dmac.js';
import { TC } from '../../peripherals/samd21/tc.js';
import { TCC } from '../../peripherals/samd21/tcc.js';
import { ADC } from '../../peripherals/samd21/adc.js';
import { DAC } from '../../peripherals/samd21/dac.js';
import { AC } from '../../peripherals/samd21/ac.js';
import { PTC } from '../../peripherals/samd21/ptc.js';
import { I2S } from '../../peripherals/samd21/i2s.js';
import { Samd21Usb } from '../../peripherals/samd21/usb.js';

/** The scheduler's frequency when the chip is built (the core clock firmware runs at). */
export const SAMD21_CLOCK_HZ = 48_000_000;

export interface Samd21Options extends SysctrlOptions {
  variant: Variant;
  /** 128-bit serial number (four words as read at 0x0080A00C, 0x0080A040/44/48). */
  serialNumber?: readonly number[];
  /** DSU STATUSB.DBGPRES: a debugger is attached (CircuitPython then leaves PA30/PA31 alone). */
  debuggerPresent?: boolean;
  /** The CPU: a Cortex-M0+ (default), or none (the chip is driven from TypeScript). */
  core?: 'cortex-m0plus' | 'none';
}

/** A SAMD21: every block as a typed field, plus the machine that runs them. */
export interface Samd21 {
  readonly variant: Variant;
  readonly machine: Machine;
  /** The Cortex-M0+, or null on a chip built with `core: 'none'`. */
  readonly core: CortexM0Plus | null;
  readonly bus: Bus;
  readonly scheduler: Scheduler;
  /** The context the peripherals share (interrupts, clocks, events, DMA triggers, pads). */
  readonly context: Samd21Chip;
  readonly flash: Memory;
  readonly ram: Memory;
  /** NVM auxiliary space (user row, calibration, serial number), index 0 = 0x00800000. */
  readonly nvmAux: Memory;
  readonly pm: PM;
  readonly sysctrl: SYSCTRL;
  readonly gclk: GCLK;
  readonly nvmctrl: NVMCTRL;
  readonly port: PORT;
  readonly eic: EIC;
  readonly evsys: EVSYS;
  readonly rtc: RTC;
  readonly wdt: WDT;
  readonly dsu: DSU;
  readonly dmac: DMAC;
  readonly usb: Samd21Usb;
  readonly adc: ADC;
  readonly dac: DAC;
  readonly ac: AC;
  readonly ptc: PTC;
  readonly i2s: I2S;
  /** SERCOM0..SERCOM5, by instance number. */
  readonly sercom: readonly [Sercom, Sercom, Sercom, Sercom, Sercom, Sercom];
  /** TC3..TC5 (index = instance number; 0..2 do not exist on the SAMD21). */
  readonly tc: { readonly 3: TC; readonly 4: TC; readonly 5: TC };
  /** TCC0..TCC2. */
  readonly tcc: readonly [TCC, TCC, TCC];
  /** Every block on the bus, modelled or reserved, in memory-map order. */
  readonly blocks: readonly Samd21Peripheral[];
  /** Accesses to reserved offsets, unimplemented registers and unmodelled slots, counted. */
  readonly diagnostics: Diagnostics;
  /** A pad's Pin by name ('PA17'). */
  pin(name: string): Pin;
  /** Power-on reset: RCAUSE = POR, RAM cleared, every peripheral to reset values, core reset. */
  powerOn(): void;
  /** Loads bytes into flash (or RAM) at absolute addresses, without resetting. */
  loadSegments(segments: { address: number; data: Uint8Array }[]): void;
}

/** The NVM auxiliary space: reads from its array, writes to the user row load the page buffer. */
class NvmAuxDevice implements BusDevice {
  constructor(
    private readonly memory: Memory,
    private readonly nvm: NVMCTRL,
  ) {}
  read(offset: number, size: AccessSize): number {
    return this.memory.read(offset, size);
  }
  write(offset: number, size: AccessSize, value: number): void {
    const address = NVM_AUX_BASE + offset;
    if (address >= NVM_USER_ROW && address < NVM_USER_ROW + FLASH_ROW_SIZE) this.nvm.pageBufferWrite(address, size, value);
  }
}

/** The blocks of one chip, constructed in dependency order (clock tree first). */
function buildBlocks(context: Samd21Chip, flash: Memory, nvmAux: Memory, options: Samd21Options) {
  const pm = new PM(context);
  const gclk = new GCLK(context);
  const sysctrl = new SYSCTRL(context, options);
  const nvmctrl = new NVMCTRL(context, flash, nvmAux);
  const port = new PORT(context);
  const evsys = new EVSYS(context);
  const eic = new EIC(context);
  const rtc = new RTC(context);
  const wdt = new WDT(context);
  const dsu = new DSU(context, { debuggerPresent: options.debuggerPresent ?? false });
  const dmac = new DMAC(context);
  const usb = new Samd21Usb(context);
  const adc = new ADC(context);
  const dac = new DAC(context);
  // After the DAC (one of its inputs) and PORT (its pads).
  const ac = new AC(context);
  const ptc = new PTC(context);
  const i2s = new I2S(context);
  const sercom = [0, 1, 2, 3, 4, 5].map((n) => new Sercom(context, n)) as unknown as Samd21['sercom'];
  const tc = { 3: new TC(context, 3), 4: new TC(context, 4), 5: new TC(context, 5) };
  // TC4/TC5 form the 32-bit counter pair: the odd TC reports STATUS.SLAVE (30.6.2.4).
  tc[4].slave = tc[5];
  const tcc = [0, 1, 2].map((n) => new TCC(context, n)) as unknown as Samd21['tcc'];
  return { pm, gclk, sysctrl, nvmctrl, port, evsys, eic, rtc, wdt, dsu, dmac, usb, adc, dac, ac, ptc, i2s, sercom, tc, tcc };
}

/** Maps every slot of the three AHB-APB bridges, gated by its PM mask; returns them in map order. */
function mapBlocks(context: Samd21Chip, bus: Bus, byName: Map<string, Samd21Peripheral>): Samd21Peripheral[] {
  const blocks: Samd21Peripheral[] = [];
  for (const slot of PERIPHERALS) {
    const device = byName.get(slot.name) ?? new ReservedSlot(slot.name);
    const gated = slot.apbBit >= 0 ? new ApbGate(context, device, slot.bridge, slot.apbBit) : device;
    bus.map(slot.name, slot.base, slot.size, gated, APB_WAIT_STATES);
    blocks.push(device);
  }
  return blocks;
}

/** The Cortex-M0+ in the chip's core slot, wired to the NVIC lines, resets and flash wait states. */
function attachCortexM0Plus(machine: Machine, context: Samd21Chip, nvmctrl: NVMCTRL, flash: Memory, ram: Memory): CortexM0Plus {
  const core = new CortexM0Plus(machine.bus, machine.scheduler, {
    fastMemories: [
      { base: FLASH_BASE, memory: flash },
      { base: RAM_BASE, memory: ram },
    ],
    onHalt: (info) => machine.stop(info),
    // AIRCR.SYSRESETREQ: a system reset of the whole chip, RCAUSE.SYST (16.6.2.6).
    onSystemReset: () => context.systemReset(ResetCause.SYST),
    irqCount: IRQ_COUNT,
  });
  machine.attachCore(core);
  // NVMCTRL.CTRLB (RWS, CACHEDIS, READMODE): the core charges flash fetch words and data reads
  // through its model of the NVM cache, which NVMCTRL empties (INVALL, erase, write).
  nvmctrl.onReadTiming = (rws, cache, readMode) => core.setFlashTiming(rws, cache, readMode);
  nvmctrl.onCacheInvalidate = () => core.invalidateFlashCache();
  core.setFlashTiming(nvmctrl.rws, nvmctrl.cacheEnabled, nvmctrl.readMode);
  // A row erase or page write keeps the flash busy: code fetched from it waits (the store that
  // issued the command is a bus write, whose stall the core adds to its time).
  nvmctrl.onProgram = (cycles) => {
    if (((core.pc - FLASH_BASE) >>> 0) < flash.size) machine.bus.stall += cycles;
  };
  context.attachCore({
    setInterrupt: (line, level) => core.setInterrupt(line, level),
    nmi: () => core.exceptions.setPending(2 /* Exc.NMI */),
    // GCLK generator 0 disabled: the CPU has no clock and stays stopped until a reset (the data
    // sheet's 15.6.2.5); the run ends here with a report instead of idling unseen.
    clockStopped: (reason) =>
      core.halt({
        reason: 'lockup',
        exitCode: 1,
        message: `the CPU clock stopped: ${reason}; a real SAMD21 stops there until it is reset (data sheet DS40001882 15.6.2.3, 15.6.2.5)\n${core.describeState()}`,
      }),
  });
  return core;
}

export function createSamd21(options: Samd21Options): Samd21 {
  const scheduler = new Scheduler(SAMD21_CLOCK_HZ);
  const bus = new Bus();
  const machine = new Machine(scheduler, bus);
  const context = new Samd21Chip(scheduler, bus, options.variant);

  const flash = new Memory(FLASH_SIZE, true, 0xff);
  const ram = new Memory(RAM_SIZE);
  const nvmAux = new Memory(NVM_AUX_SIZE, true);
  buildNvmAux(nvmAux.u8, options.serialNumber);

  const b = buildBlocks(context, flash, nvmAux, options);
  const byName = new Map<string, Samd21Peripheral>();
  for (const p of [b.pm, b.sysctrl, b.gclk, b.nvmctrl, b.port, b.evsys, b.eic, b.rtc, b.wdt, b.dsu, b.dmac, b.usb, b.adc, b.dac, b.ac, b.ptc, b.i2s, ...b.sercom, b.tc[3], b.tc[4], b.tc[5], ...b.tcc]) {
    byName.set(p.name, p);
  }

  // Memories. Flash and SRAM are the core's fast memories; the bus mappings serve DMA/debug.
  b.nvmctrl.flashMapping = bus.map('flash', FLASH_BASE, FLASH_SIZE, new FlashDevice(flash, () => b.nvmctrl, FLASH_BASE));
  bus.map('nvm-aux', NVM_AUX_BASE, NVM_AUX_SIZE, new NvmAuxDevice(nvmAux, b.nvmctrl));
  bus.map('sram', RAM_BASE, RAM_SIZE, ram);
  const blocks = mapBlocks(context, bus, byName);
  // IOBUS: PORT again, single-cycle, not behind the APB gate (23.5.6).
  bus.map('IOBUS', IOBUS_BASE, 0x400, b.port, 0);
  context.peripherals.push(...blocks);
  // One sink for the whole chip: QEMU's guest_errors / unimp, counted, never silent.
  const diagnostics = new Diagnostics();
  for (const block of blocks) if ('diagnostics' in block) (block as { diagnostics: Diagnostics | null }).diagnostics = diagnostics;

  const core = (options.core ?? 'cortex-m0plus') === 'cortex-m0plus' ? attachCortexM0Plus(machine, context, b.nvmctrl, flash, ram) : null;

  const resetAll = (cause: ResetCause) => {
    for (const p of blocks) p.reset(cause);
    context.clockChanged();
    core?.reset();
    scheduler.requestBreak();
  };
  context.resetHandler = resetAll;

  const samd21: Samd21 = {
    variant: options.variant,
    machine, core, bus, scheduler, context, flash, ram, nvmAux, blocks, diagnostics,
    ...b,
    pin: (name) => b.port.pins[padIndex(name)],
    powerOn() {
      ram.u8.fill(0);
      resetAll(ResetCause.POR);
    },
    loadSegments(segments) {
      for (const s of segments) {
        if (s.address >= FLASH_BASE && s.address + s.data.length <= FLASH_BASE + FLASH_SIZE) flash.load(s.address - FLASH_BASE, s.data);
        else if (s.address >= RAM_BASE && s.address + s.data.length <= RAM_BASE + RAM_SIZE) ram.load(s.address - RAM_BASE, s.data);
        else throw new Error(`segment at 0x${s.address.toString(16)} (+${s.data.length}) is outside flash and SRAM`);
      }
    },
  };
  // Power-on state: peripherals constructed at reset values; RCAUSE = POR. The core resets when
  // firmware is loaded (loadSegments + powerOn) or now, from whatever flash holds (erased: 0xFF).
  resetAll(ResetCause.POR);
  return samd21;
}
