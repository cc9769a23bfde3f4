/**
 * createSamd21: a SAMD21 (G18A or E18A) with its Cortex-M0+ core, bus, memories and peripherals.
 *
 * Time base: the scheduler counts cycles of a fixed 48 MHz clock (the CPU clock CircuitPython
 * and Arduino run at). The core retires one cycle per scheduler cycle whatever GCLK0 is; the
 * peripherals derive their own clocks from the GCLK configuration, converting their periods to
 * these 48 MHz cycles. See README.md ("Time base") for the consequences.
 */
import { Bus, Memory, type AccessSize, type BusDevice } from '../../emulator/kernel/bus.js';
import { Machine } from '../../emulator/kernel/machine.js';
import { Scheduler } from '../../emulator/kernel/scheduler.js';
import type { Pin } from '../../emulator/kernel/signals.js';
import { CortexM0Plus } from '../../cpu-armv6m/core.js';
import { ApbGate, ReservedSlot, ResetCause, Samd21Chip, padIndex, type Samd21Peripheral } from './chip.js';
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
} from './memory-map.js';
import { PM } from './pm.js';
import { SYSCTRL, type SysctrlOptions } from './sysctrl.js';
import { GCLK } from './gclk.js';
import { NVMCTRL, FlashDevice } from './nvmctrl.js';
import { PORT } from './port.js';
import { EIC } from './eic.js';
import { EVSYS } from './evsys.js';
import { RTC } from './rtc.js';
import { WDT } from './wdt.js';
import { DSU } from './dsu.js';
import { Sercom } from './sercom.js';
import { DMAC } from './dmac.js';
import { TC } from './tc.js';
import { TCC } from './tcc.js';
import { ADC } from './adc.js';
import { DAC } from './dac.js';
import { PTC } from './ptc.js';
import { I2S } from './i2s.js';
import { Samd21Usb } from './usb.js';

/** The scheduler's (and CPU's) clock. */
export const SAMD21_CLOCK_HZ = 48_000_000;

export interface Samd21Options extends SysctrlOptions {
  variant: Variant;
  /** 128-bit serial number (four words as read at 0x0080A00C, 0x0080A040/44/48). */
  serialNumber?: readonly number[];
  /** DSU STATUSB.DBGPRES: a debugger is attached (CircuitPython then leaves PA30/PA31 alone). */
  debuggerPresent?: boolean;
}

/**
 * Factories for the peripherals other modules provide (SERCOM, TC, TCC, DMAC, ADC, DAC, USB, ...).
 * Register one line per instance here: `SERCOM3: (chip) => new Sercom(chip, 3)`. Slots without a
 * factory read 0 and ignore writes.
 */
export type PeripheralFactory = (chip: Samd21Chip) => Samd21Peripheral;

/** The modelled peripherals beyond the system ones, by data-sheet name. */
const STANDARD_PERIPHERALS: Record<string, PeripheralFactory> = {
  DMAC: (chip) => new DMAC(chip),
  USB: (chip) => new Samd21Usb(chip),
  ADC: (chip) => new ADC(chip),
  DAC: (chip) => new DAC(chip),
  PTC: (chip) => new PTC(chip),
  I2S: (chip) => new I2S(chip),
  ...Object.fromEntries([0, 1, 2, 3, 4, 5].map((n) => [`SERCOM${n}`, (chip: Samd21Chip) => new Sercom(chip, n)])),
  ...Object.fromEntries([3, 4, 5].map((n) => [`TC${n}`, (chip: Samd21Chip) => new TC(chip, n)])),
  ...Object.fromEntries([0, 1, 2].map((n) => [`TCC${n}`, (chip: Samd21Chip) => new TCC(chip, n)])),
};

/** Overrides or additions (tests substitute models here); applied over the standard set. */
export const PERIPHERAL_FACTORIES: Record<string, PeripheralFactory> = {};

export interface Samd21 {
  machine: Machine;
  core: CortexM0Plus;
  bus: Bus;
  scheduler: Scheduler;
  chip: Samd21Chip;
  flash: Memory;
  ram: Memory;
  /** NVM auxiliary space (user row, calibration, serial number), index 0 = 0x00800000. */
  nvmAux: Memory;
  pm: PM;
  sysctrl: SYSCTRL;
  gclk: GCLK;
  nvmctrl: NVMCTRL;
  port: PORT;
  eic: EIC;
  evsys: EVSYS;
  rtc: RTC;
  wdt: WDT;
  dsu: DSU;
  /** Every peripheral by data-sheet name (including the ones from PERIPHERAL_FACTORIES). */
  peripherals: Map<string, Samd21Peripheral>;
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
    private readonly nvm: () => NVMCTRL,
  ) {}
  read(offset: number, size: AccessSize): number {
    return this.memory.read(offset, size);
  }
  write(offset: number, size: AccessSize, value: number): void {
    const address = NVM_AUX_BASE + offset;
    if (address >= NVM_USER_ROW && address < NVM_USER_ROW + FLASH_ROW_SIZE) this.nvm().pageBufferWrite(address, size, value);
  }
}

export function createSamd21(options: Samd21Options): Samd21 {
  const scheduler = new Scheduler(SAMD21_CLOCK_HZ);
  const bus = new Bus();
  const chip = new Samd21Chip(scheduler, bus, options.variant);

  const flash = new Memory(FLASH_SIZE, true, 0xff);
  const ram = new Memory(RAM_SIZE);
  const nvmAux = new Memory(NVM_AUX_SIZE, true);
  buildNvmAux(nvmAux.u8, options.serialNumber);

  // System peripherals, in dependency order (clock tree first).
  const pm = new PM(chip);
  const gclk = new GCLK(chip);
  const sysctrl = new SYSCTRL(chip, options);
  const nvmctrl = new NVMCTRL(chip, flash, nvmAux);
  const port = new PORT(chip);
  const evsys = new EVSYS(chip);
  const eic = new EIC(chip);
  const rtc = new RTC(chip);
  const wdt = new WDT(chip);
  const dsu = new DSU(chip, { debuggerPresent: options.debuggerPresent ?? false });

  const peripherals = new Map<string, Samd21Peripheral>();
  for (const p of [pm, sysctrl, gclk, nvmctrl, port, evsys, eic, rtc, wdt, dsu]) peripherals.set(p.name, p);
  for (const [name, factory] of Object.entries({ ...STANDARD_PERIPHERALS, ...PERIPHERAL_FACTORIES })) peripherals.set(name, factory(chip));
  // TC4/TC5 form the 32-bit counter pair: the odd TC reports STATUS.SLAVE (30.6.2.4).
  const tc4 = peripherals.get('TC4');
  if (tc4 instanceof TC && peripherals.get('TC5') instanceof TC) tc4.slave = peripherals.get('TC5') as TC;

  // Memories. Flash and SRAM are the core's fast memories; the bus mappings serve DMA/debug.
  const flashMapping = bus.map('flash', FLASH_BASE, FLASH_SIZE, new FlashDevice(flash, () => nvmctrl, FLASH_BASE));
  nvmctrl.flashMapping = flashMapping;
  bus.map('nvm-aux', NVM_AUX_BASE, NVM_AUX_SIZE, new NvmAuxDevice(nvmAux, () => nvmctrl));
  bus.map('sram', RAM_BASE, RAM_SIZE, ram);

  // Peripheral slots on the three AHB-APB bridges, gated by the PM masks.
  for (const slot of PERIPHERALS) {
    let device = peripherals.get(slot.name);
    if (!device) {
      device = new ReservedSlot(slot.name);
      peripherals.set(slot.name, device);
    }
    const gated = slot.apbBit >= 0 ? new ApbGate(chip, device, slot.bridge, slot.apbBit) : device;
    bus.map(slot.name, slot.base, slot.size, gated, APB_WAIT_STATES);
  }
  // IOBUS: PORT again, single-cycle, not behind the APB gate (23.5.6).
  bus.map('IOBUS', IOBUS_BASE, 0x400, port, 0);
  chip.peripherals.push(...peripherals.values());

  const holder: { machine?: Machine } = {};
  const core = new CortexM0Plus(bus, scheduler, {
    fastMemories: [
      { base: FLASH_BASE, memory: flash },
      { base: RAM_BASE, memory: ram },
    ],
    onHalt: (info) => holder.machine!.stop(info),
    // AIRCR.SYSRESETREQ: a system reset of the whole chip, RCAUSE.SYST (16.6.2.6).
    onSystemReset: () => chip.systemReset(ResetCause.SYST),
    irqCount: IRQ_COUNT,
  });
  const machine = new Machine(scheduler, bus, core);
  holder.machine = machine;
  // NVMCTRL.CTRLB.RWS: flash wait states, charged by the core per fetch word and data read.
  nvmctrl.onWaitStates = (rws) => (core.flashWaitStates = rws);
  core.flashWaitStates = nvmctrl.rws;
  chip.attachCore({
    setInterrupt: (line, level) => core.setInterrupt(line, level),
    nmi: () => core.exceptions.setPending(2 /* Exc.NMI */),
  });

  const resetAll = (cause: ResetCause) => {
    for (const p of peripherals.values()) p.reset(cause);
    chip.clockChanged();
    core.reset();
    scheduler.requestBreak();
  };
  chip.resetHandler = resetAll;

  const samd21: Samd21 = {
    machine, core, bus, scheduler, chip, flash, ram, nvmAux,
    pm, sysctrl, gclk, nvmctrl, port, eic, evsys, rtc, wdt, dsu,
    peripherals,
    pin: (name) => port.pins[padIndex(name)],
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
