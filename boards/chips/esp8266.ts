/**
 * The ESP8266 chip (ESP8266EX): the Xtensa LX106 core, its memories, the peripheral blocks at
 * the addresses of Espressif's eagle_soc.h, interrupt wiring, the SPI flash with its cache
 * window, and the mask ROM's high-level emulation (firmware-runtime/rom: the ROM region holds
 * trap code only; see peripherals/esp8266/rom/README.md).
 *
 *   0x3FF00000  DPORT (EDGE_INT_ENABLE, CPU2X)       0x40000000  64 KiB ROM (traps)
 *   0x3FF20000  WDEV_RX (WiFi MAC receive DMA)      0x3FF20C00  WDEV (WiFi MAC: WDEV_NOW, TX, interrupts)
 *   0x40100000  32 KiB IRAM
 *   0x3FFE8000  96 KiB DRAM (user 80 KiB + ROM's)     0x40200000  1 MiB flash window (read-only)
 *   0x60000000  UART0   0x60000100 SPI1 (HSPI)   0x60000300 GPIO   0x60000600 FRC1/FRC2   0x60000700 RTC
 *   0x60000800  IO_MUX  0x60000900 WDT  0x60000B00 SLC DMA  0x60000D00 SAR ADC/RF measurement
 *   0x60000E00  I2S     0x60000F00 UART1
 *   0x60001000  RTC memory (kept across every reset but power-on)
 * Other 256-byte slots of 0x60000000-0x60000FFF are unmodelled (reads 0, reported).
 *
 * Clock: the CPU runs at 80 MHz, 160 MHz with DPORT CPU2X bit 0 (scheduler.setFrequency); the
 * peripherals' APB clock stays 80 MHz.
 *
 * Pads: `pads[n]` is GPIOn's pin (kernel Pin/Net), driven by the GPIO output where GPIO_ENABLE
 * has its bit, or by the I2S transmitter where the IO_MUX selects an I2S output function
 * (I2SO_DATA GPIO3, I2SO_BCK GPIO15, I2SO_WS GPIO2); parts connect there (a WS2812 chain on
 * GPIO3). Inputs still come from `gpio.setInput`: the nets do not feed GPIO_IN.
 *
 * Interrupt lines (SDK numbering): 0 WiFi MAC (level), 1 SLC (level), 4 GPIO (level), 5 UART0/UART1, 8 WDT stage 0 (edge), 9 FRC1
 * (edge), 10 FRC2 (edge).
 */
import { Bus, Memory, type AccessSize, type BusDevice } from '../../emulator/kernel/bus.js';
import { Machine } from '../../emulator/kernel/machine.js';
import { Diagnostics } from '../../emulator/kernel/diagnostics.js';
import { Scheduler, SimEvent } from '../../emulator/kernel/scheduler.js';
import { Lx106 } from '../../cpu-xtensa/lx106.js';
import { RegisterBlock, UnimplementedDevice } from '../../peripherals/register-block.js';
import { Dport, CPU_CLOCK_80MHZ, EDGE_INT_FRC1, EDGE_INT_FRC2, EDGE_INT_WDT } from '../../peripherals/esp8266/dport.js';
import { Esp8266Uart } from '../../peripherals/esp8266/uart.js';
import { Esp8266Gpio } from '../../peripherals/esp8266/gpio.js';
import { FrcTimers } from '../../peripherals/esp8266/timers.js';
import { Esp8266Rtc } from '../../peripherals/esp8266/rtc.js';
import { IoMux } from '../../peripherals/esp8266/iomux.js';
import { SarBlock, I2C_SAR, I2C_SAR_INPUT_REG, I2C_SAR_INPUT_VDD33 } from '../../peripherals/esp8266/sar.js';
import { Esp8266Wdt } from '../../peripherals/esp8266/wdt.js';
import { Esp8266Spi } from '../../peripherals/esp8266/spi.js';
import { Esp8266I2s, I2SO_BCK, I2SO_DATA, I2SO_WS } from '../../peripherals/esp8266/i2s.js';
import { Esp8266Slc } from '../../peripherals/esp8266/slc.js';
import { Pin } from '../../emulator/kernel/signals.js';
import { Wdev, WDEV_BASE, WDEV_SIZE } from '../../peripherals/esp8266/wdev.js';
import { WdevRx, WDEV_RX_BASE, WDEV_RX_SIZE } from '../../peripherals/esp8266/wdev-rx.js';
import { Esp8266Rom } from '../../peripherals/esp8266/rom/hle.js';
import { ROM_BASE, ROM_ENTRIES, ROM_SIZE } from '../../peripherals/esp8266/rom/entries.js';

export const DRAM_BASE = 0x3ffe8000;
export const DRAM_SIZE = 0x18000;
export const IRAM_BASE = 0x40100000;
export const IRAM_SIZE = 0x8000;
export const FLASH_WINDOW_BASE = 0x40200000;
export const FLASH_WINDOW_SIZE = 0x100000;
export const RTC_MEMORY_BASE = 0x60001000;
export const RTC_MEMORY_SIZE = 0x400;

/** The WiFi MAC (WDEV), level; the SDK attaches wDev_ProcessFiq. */
export const INT_WDEV = 0;
/** The SLC DMA (ETS_SLC_INUM), level. */
export const INT_SLC = 1;
export const INT_GPIO = 4;
export const INT_UART = 5;
export const INT_WDT = 8;
export const INT_FRC1 = 9;
export const INT_FRC2 = 10;

/** Reset causes as rtc_get_reset_reason reports them. */
export const RESET_POWER_ON = 1;
export const RESET_EXTERNAL = 2;
/** The hardware watchdog reset the chip. */
export const RESET_WDT = 4;
/** The RTC timer woke the chip from deep sleep. */
export const RESET_DEEP_SLEEP = 5;

export interface Esp8266Options {
  /** SPI flash size in bytes (the Feather HUZZAH has 4 MiB). */
  flashSize: number;
}

/** 256-byte peripheral slots inside one 1 KiB-aligned bus mapping. */
class SlotWindow implements BusDevice {
  readonly slots: BusDevice[];
  constructor(
    readonly name: string,
    count: number,
    private readonly base: number,
    diagnostics: Diagnostics,
  ) {
    this.slots = Array.from({ length: count }, (_, i) => {
      const d = new UnimplementedDevice(`${name}+0x${(i * 0x100).toString(16)}`);
      d.diagnostics = diagnostics;
      return d;
    });
  }
  place(address: number, device: BusDevice): void {
    this.slots[(address - this.base) >>> 8] = device;
  }
  read(offset: number, size: AccessSize): number {
    return this.slots[offset >>> 8]!.read(offset & 0xff, size);
  }
  write(offset: number, size: AccessSize, value: number): void {
    this.slots[offset >>> 8]!.write(offset & 0xff, size, value);
  }
}

export interface Esp8266 {
  readonly machine: Machine;
  readonly bus: Bus;
  readonly scheduler: Scheduler;
  readonly core: Lx106;
  readonly dram: Memory;
  readonly iram: Memory;
  readonly rom: Memory;
  readonly flashWindow: Memory;
  readonly rtcMemory: Memory;
  /** The SPI flash contents. */
  readonly flash: Uint8Array;
  readonly hle: Esp8266Rom;
  readonly dport: Dport;
  readonly uart0: Esp8266Uart;
  readonly uart1: Esp8266Uart;
  readonly gpio: Esp8266Gpio;
  readonly frc: FrcTimers;
  readonly rtc: Esp8266Rtc;
  readonly iomux: IoMux;
  readonly wdt: Esp8266Wdt;
  /** SPI1 (HSPI), the user SPI bus (machine.SPI(1)). */
  readonly hspi: Esp8266Spi;
  /** The SAR ADC (set `sar.tout` to the volts on TOUT/A0) and RF measurement block. */
  readonly sar: SarBlock;
  /** The I2S transmitter (peripherals/esp8266/i2s.ts). */
  readonly i2s: Esp8266I2s;
  /** The SLC DMA feeding it (peripherals/esp8266/slc.ts). */
  readonly slc: Esp8266Slc;
  /** GPIO0..GPIO15's pads as pins: connect parts here. */
  readonly pads: readonly Pin[];
  /** The WiFi MAC, as far as transmitting into an empty air (peripherals/esp8266/wdev.ts). */
  readonly wdev: Wdev;
  /** The MAC's receive DMA and the access points on the air (peripherals/esp8266/wdev-rx.ts). */
  readonly wdevRx: WdevRx;
  readonly diagnostics: Diagnostics;
  /** The flash MiB the cache window shows, or null (Cache_Read_Disable). */
  readonly mappedMiB: number | null;
  /** Reset cause reported to firmware. */
  resetReason: number;
  /** Power-on: RAM cleared, blocks to reset values, the core at the ROM's reset vector. */
  powerOn(): void;
  /**
   * A system reset with `cause` (watchdog, RST pin): the blocks but the RTC to reset values and
   * the core at the ROM's reset vector; RAM keeps its contents (the ROM and firmware reinitialise
   * what they use) and RTC memory is kept, as on the chip.
   */
  systemReset(cause: number): void;
  /** True while in deep sleep (the digital part powered down, the RTC counting). */
  readonly asleep: boolean;
  /**
   * The end of a timed deep sleep: the RTC drives GPIO16 low. The chip only wakes if that pin
   * is wired to its RST pin (the board decides: it then calls systemReset(RESET_EXTERNAL)).
   */
  onDeepSleepWake: (() => void) | null;
}

export function createEsp8266(options: Esp8266Options): Esp8266 {
  const scheduler = new Scheduler(CPU_CLOCK_80MHZ);
  const bus = new Bus();
  const diagnostics = new Diagnostics();
  const dram = new Memory(DRAM_SIZE);
  const iram = new Memory(IRAM_SIZE);
  const rom = new Memory(ROM_SIZE, true);
  const flashWindow = new Memory(FLASH_WINDOW_SIZE, true);
  const rtcMemory = new Memory(RTC_MEMORY_SIZE);
  const flash = new Uint8Array(options.flashSize).fill(0xff);
  const machine = new Machine(scheduler, bus);

  let core: Lx106 | null = null;
  let uartLevels = 0;
  const uartLine = (bit: number) => (level: boolean) => {
    uartLevels = level ? uartLevels | bit : uartLevels & ~bit;
    core?.setInterrupt(INT_UART, uartLevels !== 0);
  };
  const dport = new Dport((hz) => scheduler.setFrequency(hz));
  const uart0 = new Esp8266Uart('UART0', uartLine(1));
  const uart1 = new Esp8266Uart('UART1', uartLine(2));
  const gpio = new Esp8266Gpio();
  gpio.onInterrupt = (level) => core?.setInterrupt(INT_GPIO, level);
  const frc = new FrcTimers(scheduler, (timer) => {
    const [bit, n] = timer === 1 ? [EDGE_INT_FRC1, INT_FRC1] : [EDGE_INT_FRC2, INT_FRC2];
    if (!dport.edgeEnabled(bit) || !core) return;
    // An edge: the core latches the rising edge; drop the line again at once.
    core.setInterrupt(n, true);
    core.setInterrupt(n, false);
  });
  const rtc = new Esp8266Rtc(() => scheduler.seconds);
  const iomux = new IoMux();
  const wdev = new Wdev(scheduler, (level) => core?.setInterrupt(INT_WDEV, level), bus);
  const wdevRx = new WdevRx(scheduler, bus, () => wdev.receiveDone(), (bssid) => wdev.bssidMatch(bssid), (da) => wdev.addressMatch(da));
  wdev.onTransmit = (frame) => wdevRx.transmitted(frame);
  // readvdd33 switches the SAR's input to VDD3P3 through the internal I2C bus (the ROM's).
  const sar = new SarBlock(() => (chip.hle.i2cRegister(I2C_SAR, I2C_SAR_INPUT_REG) & I2C_SAR_INPUT_VDD33) !== 0);
  const wdt = new Esp8266Wdt(
    scheduler,
    () => chip.systemReset(RESET_WDT),
    () => {
      if (!dport.edgeEnabled(EDGE_INT_WDT) || !core) return;
      core.setInterrupt(INT_WDT, true);
      core.setInterrupt(INT_WDT, false);
    },
  );

  const hspi = new Esp8266Spi('SPI1', scheduler);
  const i2s = new Esp8266I2s(scheduler);
  const slc = new Esp8266Slc(bus, i2s, (level) => core?.setInterrupt(INT_SLC, level));
  const pads = Array.from({ length: 16 }, (_, n) => new Pin(`GPIO${n}`, scheduler));
  /** The I2S outputs and the pads their IO_MUX function 1 puts them on. */
  const i2sPads = [
    [I2SO_DATA, 3, 'U0RXD'],
    [I2SO_BCK, 15, 'MTDO'],
    [I2SO_WS, 2, 'GPIO2'],
  ] as const;
  const I2S_PAD_FUNCTION = 1;
  // Which pads the I2S drives is read from i2s.pins (state in a model's fields, so a restored
  // snapshot routes as the saved board did).
  const driveGpioPads = () => {
    let i2sPadMask = 0;
    for (let i = 0; i < i2sPads.length; i++) if (i2s.pins[i2sPads[i]![0]] !== null) i2sPadMask |= 1 << i2sPads[i]![1];
    const out = gpio.out;
    const en = gpio.enabled;
    for (let n = 0; n < 16; n++) {
      const bit = 1 << n;
      if (i2sPadMask & bit) continue;
      pads[n]!.drive(en & bit ? (out & bit ? 1 : 0) : null);
    }
  };
  const routePads = () => {
    for (const [signal, n, pad] of i2sPads) {
      const routed = iomux.func(pad) === I2S_PAD_FUNCTION;
      if ((i2s.pins[signal] !== null) !== routed) i2s.route(signal, routed ? pads[n]! : null);
    }
    driveGpioPads();
  };
  gpio.onOutput = driveGpioPads;
  iomux.onChange = routePads;
  // Deep sleep is entered from a store inside the core's run loop: it takes effect in an event
  // just after it (the core then leaves its loop), and the RTC timer's alarm ends it.
  let asleep = false;
  const enterSleep = new SimEvent('esp8266.deep-sleep', () => deepSleep());
  const wake = new SimEvent('esp8266.deep-sleep-wake', () => chip.onDeepSleepWake?.());
  rtc.onDeepSleep = () => {
    scheduler.scheduleIn(enterSleep, 1);
    scheduler.requestBreak();
  };

  const blocks: RegisterBlock[] = [dport, uart0, uart1, gpio, frc, rtc, iomux, wdev, wdevRx, sar, wdt, hspi, i2s, slc];
  for (const b of blocks) b.diagnostics = diagnostics;

  const dportWindow = new SlotWindow('DPORT', 4, 0x3ff00000, diagnostics);
  dportWindow.place(0x3ff00000, dport);
  const io = new SlotWindow('IO', 16, 0x60000000, diagnostics);
  io.place(0x60000000, uart0);
  io.place(0x60000100, hspi);
  io.place(0x60000300, gpio);
  io.place(0x60000600, frc);
  io.place(0x60000700, rtc);
  io.place(0x60000800, iomux);
  io.place(0x60000900, wdt);
  io.place(0x60000b00, slc);
  io.place(0x60000e00, i2s);
  io.place(0x60000d00, sar);
  io.place(0x60000f00, uart1);

  bus.map('DPORT', 0x3ff00000, 0x400, dportWindow);
  bus.map('WDEV', WDEV_BASE, WDEV_SIZE, wdev);
  bus.map('WDEV_RX', WDEV_RX_BASE, WDEV_RX_SIZE, wdevRx);
  bus.map('DRAM', DRAM_BASE, DRAM_SIZE, dram);
  bus.map('ROM', ROM_BASE, ROM_SIZE, rom);
  bus.map('IRAM', IRAM_BASE, IRAM_SIZE, iram);
  bus.map('FLASH', FLASH_WINDOW_BASE, FLASH_WINDOW_SIZE, flashWindow);
  bus.map('IO', 0x60000000, 0x1000, io);
  bus.map('RTCMEM', RTC_MEMORY_BASE, RTC_MEMORY_SIZE, rtcMemory);
  // The rest of the two peripheral spaces (WiFi MAC, RF, PHY and other undocumented blocks):
  // reads 0, writes ignored, every access reported.
  for (const [name, base, end] of [
    ['DPORT+0x400', 0x3ff00400, WDEV_RX_BASE],
    ['WDEV_RX+0x400', WDEV_RX_BASE + WDEV_RX_SIZE, WDEV_BASE],
    ['WDEV+0x400', 0x3ff21000, 0x3ff40000],
    ['IO+0x1400', 0x60001400, 0x60010000],
  ] as const) {
    const gap = new UnimplementedDevice(name);
    gap.diagnostics = diagnostics;
    bus.map(name, base, end - base, gap);
  }

  let mappedMiB: number | null = null;
  /**
   * The MiB of flash the window's memory holds (-1: none yet). Cache_Read_Disable leaves the
   * contents in place (the SDK disables the cache around every flash operation and re-enables
   * the same MiB; copying 1 MiB each time would dominate the run); SPI writes under it keep it
   * coherent. Firmware does not read the window while the cache is off (on a real chip that
   * hangs or reads garbage).
   */
  let windowMiB = -1;
  const refreshWindow = () => {
    if (mappedMiB === null || mappedMiB === windowMiB) return;
    windowMiB = mappedMiB;
    const start = mappedMiB * FLASH_WINDOW_SIZE;
    const bytes = new Uint8Array(FLASH_WINDOW_SIZE).fill(0xff);
    bytes.set(flash.subarray(Math.min(start, flash.length), Math.min(start + FLASH_WINDOW_SIZE, flash.length)));
    flashWindow.load(0, bytes);
  };

  const chip: Esp8266 = {
    machine,
    bus,
    scheduler,
    core: null as unknown as Lx106,
    dram,
    iram,
    rom,
    flashWindow,
    rtcMemory,
    flash,
    hle: null as unknown as Esp8266Rom,
    dport,
    uart0,
    uart1,
    gpio,
    frc,
    rtc,
    iomux,
    wdt,
    hspi,
    i2s,
    slc,
    pads,
    sar,
    wdev,
    wdevRx,
    diagnostics,
    get mappedMiB() {
      return mappedMiB;
    },
    resetReason: RESET_POWER_ON,
    get asleep() {
      return asleep;
    },
    onDeepSleepWake: null,
    powerOn() {
      for (const m of [dram, iram, rtcMemory]) m.load(0, new Uint8Array(m.size));
      chip.resetReason = RESET_POWER_ON;
      resetBlocks();
    },
    systemReset(cause) {
      chip.resetReason = cause;
      // The RTC domain keeps running through every reset but power-on.
      resetBlocks(false);
    },
  };

  /** Everything but the RTC block and RTC memory powered down; the core stops. */
  function deepSleep(): void {
    const timed = rtc.timerWake;
    const seconds = rtc.secondsToAlarm();
    resetBlocks(false);
    asleep = true;
    core!.state = 'sleeping';
    if (timed) scheduler.scheduleIn(wake, Math.max(1, scheduler.cyclesIn(seconds)));
  }

  function resetBlocks(resetRtc = true): void {
    asleep = false;
    scheduler.cancel(wake);
    scheduler.setFrequency(CPU_CLOCK_80MHZ);
    dport.reset();
    uart0.reset();
    uart1.reset();
    gpio.reset();
    frc.reset();
    if (resetRtc) rtc.reset();
    iomux.reset();
    sar.reset();
    wdt.reset();
    hspi.reset();
    wdev.reset();
    wdevRx.reset();
    slc.reset();
    i2s.reset();
    routePads();
    mappedMiB = null;
    windowMiB = -1;
    flashWindow.load(0, new Uint8Array(FLASH_WINDOW_SIZE).fill(0xff));
    core!.reset();
  }

  const hle = new Esp8266Rom({
    bus,
    flash,
    mapFlash(mib) {
      mappedMiB = mib;
      refreshWindow();
    },
    flashChanged(offset, length) {
      if (windowMiB < 0) return;
      const start = windowMiB * FLASH_WINDOW_SIZE;
      const lo = Math.max(offset, start);
      const hi = Math.min(offset + length, start + FLASH_WINDOW_SIZE);
      if (lo < hi) flashWindow.load(lo - start, flash.subarray(lo, hi));
    },
    uart0Transmit: (byte) => uart0.onTransmit?.(byte),
    uartDivisor: (n, div) => (n === 0 ? uart0 : uart1).register('UART_CLKDIV').put(div, 0xffffffff),
    delayMicroseconds: (us) => scheduler.advanceTo(scheduler.cycles + Math.round((us * scheduler.frequency) / 1e6)),
    get cpuFrequency() {
      return scheduler.frequency;
    },
    get resetReason() {
      return chip.resetReason;
    },
    get bootMode() {
      return gpio.bootMode;
    },
    halt: (message) => machine.stop({ reason: 'fault', exitCode: 1, message }),
    tuneRadio: (mhz) => wdevRx.tune(mhz),
  });
  rom.load(0, hle.image());

  core = new Lx106(bus, scheduler, {
    resetVector: ROM_ENTRIES._ResetVector,
    fastMemories: [
      { base: DRAM_BASE, memory: dram },
      { base: ROM_BASE, memory: rom },
      { base: IRAM_BASE, memory: iram },
      { base: FLASH_WINDOW_BASE, memory: flashWindow },
    ],
    // A ROM call that unmasks (ets_intr_unlock, ets_isr_unmask) must let a pending interrupt in
    // at once, as the real ROM's RSIL/WSR does: the core checks interrupts at the next window.
    simcall: (cpu) => {
      hle.call(cpu);
      if (cpu.pendingInterruptLevel() !== 0) scheduler.requestBreak();
    },
    onHalt: (info) => machine.stop(info),
  });
  machine.attachCore(core);
  Object.assign(chip, { core, hle });
  return chip;
}
