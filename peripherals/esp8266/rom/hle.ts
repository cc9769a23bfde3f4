/**
 * High-level emulation of the ESP8266 mask ROM (facts sheet §6-7). The ROM is Espressif's
 * proprietary code, so none of it is used: the 64 KiB ROM region holds only trap code written
 * here, and the entry points firmware calls are TypeScript.
 *
 * The trap: the core's SIMCALL hook (cpu-xtensa's `simcall` option; the ESP8266 has no use for
 * semihosting). The ROM region is filled with `simcall` at every 4-byte-aligned address
 * (function entries are 4-aligned), and every implemented entry is `simcall; ret.n`:
 *   A+0: 00 51 00  simcall   -> Esp8266Rom.call(core): dispatch on core.pc (= A)
 *   A+3: 0d f0     ret.n     -> back to the caller (a0), CALL0 ABI
 * The handler reads the arguments from a2..a7 (and the stack), writes a2/a3, and may add cycles.
 * A call to an entry with no implementation stops the machine with a report naming the ROM
 * function, its address and the caller. The reset vector is `simcall; jx a0`: the handler runs
 * the first-stage boot (image at flash offset 0) and leaves the image's entry in a0.
 *
 * The exception table at 0x3FFFC000 (one word per EXCCAUSE, jumped through by the SDK's user
 * vector) points at `_xtos_unhandled_exception`, whose trap reports the exception, except for
 * cause 4 (level-1 interrupt): `_xtos_l1int_handler` is real Xtensa code of ours (asm/l1int.S)
 * that calls the handlers ets_isr_attach registered (ISR_TABLE in ROM-owned RAM).
 */
import { ROM_BASE, ROM_ENTRIES, ROM_PHY_ENTRIES, ROM_RAM, ROM_SIZE, romName, type RomEntryName } from './entries.js';
import { formatPrintf, type VarArgs } from './printf.js';
import * as gcc from './libgcc.js';
import { EspImageError, FLASH_SIZES, parseEspImage } from './boot-image.js';
import { L1INT_BASE, L1INT_CODE } from './l1int-code.js';
import { EMIT_CODE } from './emit-code.js';
import { pbkdf2Sha1, sha1Prf } from './sha1.js';

/** The core, as the ROM sees it (structurally cpu-xtensa's Lx106). */
export interface RomCpu {
  readonly a: Int32Array;
  pc: number;
  readSpecial(sr: number): number;
  writeSpecial(sr: number, value: number): void;
}

/** Special register numbers (Xtensa ISA). */
const SR_EPC1 = 177;
const SR_DEPC = 192;
const SR_INTENABLE = 228;
const SR_PS = 230;
const SR_EXCCAUSE = 232;
const SR_EXCVADDR = 238;
const PS_INTLEVEL = 0xf;
/**
 * PS when the image's entry runs: user mode (UM, so exceptions use the user vector), EXCM clear
 * and INTLEVEL 0, as XTOS-based startup code runs C. The reset value (0x1F) would turn the first
 * exception into a double exception.
 */
const PS_ENTRY = 0x20;

export interface RomBus {
  read(address: number, size: 1 | 2 | 4): number;
  write(address: number, size: 1 | 2 | 4, value: number): void;
  error: boolean;
}

/** What the ROM needs from the chip. */
export interface RomHost {
  readonly bus: RomBus;
  /** The SPI flash contents (live). */
  readonly flash: Uint8Array;
  /** Maps 1 MiB of flash (by MiB index) at 0x40200000, or unmaps it (null). */
  mapFlash(mib: number | null): void;
  /** Tells the cache window that flash bytes changed (SPIWrite/erase under a mapping). */
  flashChanged(offset: number, length: number): void;
  /** Sends one byte out of UART0. */
  uart0Transmit(byte: number): void;
  /** Sets UART0's (or UART1's) UART_CLKDIV. */
  uartDivisor(uart: number, divisor: number): void;
  /** Advances simulated time by `us` microseconds (ets_delay_us busy-waits that long). */
  delayMicroseconds(us: number): void;
  /** CPU clock in Hz (80 or 160 MHz). */
  readonly cpuFrequency: number;
  /** Reset cause (rtc_get_reset_reason): 1 power-on, 2 external, 4 watchdog... */
  readonly resetReason: number;
  /** Boot strap value (GPIO_IN bits 18:16). */
  readonly bootMode: number;
  /** Stops the machine with a fault report. */
  halt(message: string): void;
  /** The SDK programmed the RF PLL for `mhz` (the radio now listens there). */
  tuneRadio?(mhz: number): void;
}

type Handler = (cpu: RomCpu) => void;

const SIMCALL = [0x00, 0x51, 0x00];
const RET_N = [0x0d, 0xf0];
const JX_A0 = [0xa0, 0x00, 0x00];
const SPI_FLASH_RESULT_OK = 0;
const SPI_FLASH_RESULT_ERR = 1;
const SECTOR_SIZE = 0x1000;
const GPIO_BASE = 0x60000300;
const BLOCK_SIZE = 0x10000;
const UNHANDLED_EXCEPTION = 0x4000dc44;
/**
 * phy_get_romfuncs returns a table of the ROM's PHY helpers, which the SDK's libphy calls
 * through. Ours lives at the top of the ROM region: PHY_TABLE_ENTRIES words pointing at traps
 * 8 bytes apart, each returning 0 (no radio is modelled; the facts sheet's "benign success").
 */
const PHY_TRAPS = 0x4000f000;
/** In ROM-owned RAM (the SDK overwrites entries with its own ram_* versions), after Td4s. */
const PHY_TABLE = 0x3fffd600;
const PHY_TABLE_ENTRIES = 128;
/**
 * The PHY table's entry the SDK calls as i2c_readReg_Mask(block, host, reg, msb, lsb) (libphy
 * calls table offset 148 with those five arguments everywhere, e.g. wait_rfpll_cal_end).
 */
const PHY_I2C_READ_MASK = 37;
/**
 * The PHY table's entry chip_v6_set_chanfreq calls with (MHz, 128) for the channel number it
 * then tunes to (chip_v6_set_chan): 2412 + 5 (n - 1) MHz is channel n, 2484 channel 14.
 */
const PHY_CHANNEL_OF = 17;
/**
 * The entry ram_set_channel_freq calls with a pointer to the RF PLL's three divider bytes
 * (after ram_rfpll_set_freq computed them): the PLL is programmed.
 */
const PHY_RFPLL_SET = 56;
const CRYSTAL_MHZ = 26;

/** The 2.4 GHz channel of a centre frequency in MHz, or 0. */
function channelNumber(mhz: number): number {
  if (mhz === 2484) return 14;
  const n = (mhz - 2407) / 5;
  return Number.isInteger(n) && n >= 1 && n <= 13 ? n : 0;
}

/** The internal I2C block the SDK's wait_rfpll_cal_end polls (98), and its register and bit. */
const I2C_RFPLL = 0x62;
const I2C_RFPLL_CAL_REG = 7;
const I2C_RFPLL_CAL_END = 1 << 7;

/** Bits msb..lsb of a byte. */
function field(value: number, msb: number, lsb: number): number {
  const width = (msb & 7) - (lsb & 7) + 1;
  return width > 0 ? (value >>> (lsb & 7)) & ((1 << width) - 1) : 0;
}

/**
 * The internal I2C bus to the analog blocks (RF PLL 0x62, BBPLL 0x67, SAR 0x6B/0x6C...), as the
 * ROM's i2c_readReg(block, host, reg), i2c_readReg_Mask(block, host, reg, msb, lsb),
 * i2c_writeReg(block, host, reg, data) and i2c_writeReg_Mask(block, host, reg, msb, lsb, data)
 * reach it, both as named ROM entries and through the PHY table (libphy calls offsets 144, 148,
 * 152 and 156 with exactly those argument lists). Registers keep what is written (the SAR model
 * reads its input selection here); none acts, except that the RF PLL's "calibration ended" flag
 * (block 0x62, reg 7, bit 7) reads 1 at once. The SDK's wait_rfpll_cal_end polls it 100 times,
 * 20 us apart, after each channel change and prints "error: pll_cal exceeds 2ms!!!" when it never
 * sets; a board locks well within that (no such line in a real boot log).
 */
const PHY_I2C_READ = 36;
const PHY_I2C_WRITE = 38;
const PHY_I2C_WRITE_MASK = 39;
const PHY_I2C: Record<number, (rom: Esp8266Rom, cpu: RomCpu) => void> = {
  [PHY_I2C_READ]: (rom, { a }) => void (a[2] = rom.i2cRegister(a[2]!, a[4]!)),
  [PHY_I2C_READ_MASK]: (rom, { a }) => void (a[2] = field(rom.i2cRegister(a[2]!, a[4]!), a[5]!, a[6]!)),
  [PHY_I2C_WRITE]: (rom, { a }) => rom.i2cWrite(a[2]!, a[4]!, a[5]!, 7, 0),
  [PHY_I2C_WRITE_MASK]: (rom, { a }) => rom.i2cWrite(a[2]!, a[4]!, a[7]!, a[5]!, a[6]!),
};

/** ets_isr_attach's table: {handler, arg} per interrupt line (read by asm/l1int.S). */
export const ISR_TABLE = 0x3fffd800;
/** Where printf output is formatted for asm/emit.S to pass to putc1 (ROM-owned RAM). */
const EMIT_BUFFER = 0x3fffd880;
const EMIT_BUFFER_SIZE = 0x400;
/** Entries whose SIMCALL is followed by asm/emit.S instead of RET.N. */
const EMITTERS: readonly RomEntryName[] = ['ets_printf', 'ets_vprintf', 'ets_putc', 'ets_write_char'];

export class Esp8266Rom {
  private readonly handlers = new Map<number, Handler>();
  private savedPs = 0;
  /** The character output ets_install_putc1 installed (0: the ROM's own, UART0). */
  private putc1 = 0;
  private randState = 1;
  /** Address of the last ROM call, for reports ("how far did it get"). */
  private lastPc = 0;
  calls = 0;
  /** Lines of the boot banner and the image loaded (for tests and reports). */
  bootInfo: { entry: number; segments: number } | null = null;

  constructor(private readonly host: RomHost) {
    this.define();
  }

  /** The analog blocks' registers on the internal I2C bus, by block << 8 | reg. */
  private readonly i2c = new Map<number, number>();

  /** A register of the internal I2C bus (block, reg) as firmware reads it. */
  i2cRegister(block: number, reg: number): number {
    const b = block & 0xff;
    const r = reg & 0xff;
    const value = this.i2c.get((b << 8) | r) ?? 0;
    return b === I2C_RFPLL && r === I2C_RFPLL_CAL_REG ? value | I2C_RFPLL_CAL_END : value;
  }

  /** Writes `data` into bits msb..lsb of (block, reg). */
  i2cWrite(block: number, reg: number, data: number, msb: number, lsb: number): void {
    const key = ((block & 0xff) << 8) | (reg & 0xff);
    const width = (msb & 7) - (lsb & 7) + 1;
    if (width <= 0) return;
    const mask = ((1 << width) - 1) << (lsb & 7);
    this.i2c.set(key, ((this.i2c.get(key) ?? 0) & ~mask) | ((data << (lsb & 7)) & mask));
  }

  /** Calls through the PHY table, by table index (for reports). */
  readonly phyCalls = new Uint32Array(PHY_TABLE_ENTRIES);

  /** The ROM region's bytes: traps only. */
  image(): Uint8Array {
    const rom = new Uint8Array(ROM_SIZE);
    for (let o = 0; o < ROM_SIZE; o += 4) rom.set(SIMCALL, o);
    for (const address of this.handlers.keys()) {
      const length = EMITTERS.some((n) => ROM_ENTRIES[n] === address) ? 3 + EMIT_CODE.length : 5;
      for (let next = address + 4; next < address + length; next += 4)
        if (this.handlers.has(next)) throw new Error(`ROM traps at ${romName(address)} and ${romName(next)} overlap`);
      if (this.handlers.has(address + 4)) throw new Error(`ROM traps at ${romName(address)} and ${romName(address + 4)} overlap`);
      const o = address - ROM_BASE;
      rom.set(SIMCALL, o);
      const emitter = EMITTERS.some((n) => ROM_ENTRIES[n] === address);
      rom.set(address === ROM_ENTRIES._ResetVector ? JX_A0 : emitter ? EMIT_CODE : RET_N, o + 3);
      if (address + 5 > L1INT_BASE && address < L1INT_BASE + L1INT_CODE.length) throw new Error(`ROM trap ${romName(address)} overlaps the interrupt dispatcher`);
    }
    rom.set(L1INT_CODE, L1INT_BASE - ROM_BASE);
    return rom;
  }

  /** The core's SIMCALL hook: runs the ROM function at core.pc. */
  readonly call = (cpu: RomCpu): void => {
    const pc = cpu.pc >>> 0;
    const handler = pc >= ROM_BASE && pc < ROM_BASE + ROM_SIZE ? this.handlers.get(pc) : undefined;
    this.calls++;
    if (!handler) {
      if (pc < ROM_BASE || pc >= ROM_BASE + ROM_SIZE) {
        this.fail(cpu, `SIMCALL at ${hex(pc)} outside the ROM (the ESP8266 has no semihosting)`);
      } else {
        this.fail(cpu, `ROM function ${romName(pc)} at ${hex(pc)} is not implemented by circuitemu's ROM emulation (called from ${hex(cpu.a[0]! - 3)})`);
      }
      return;
    }
    this.lastPc = pc;
    try {
      handler(cpu);
    } catch (e) {
      if (e instanceof gcc.DivideByZero) this.fail(cpu, `integer division by zero in ${e.message} (called from ${hex(cpu.a[0]! - 3)})`);
      else throw e;
    }
  };

  /** The last ROM function called (name or address). */
  get lastCall(): string {
    return this.lastPc ? romName(this.lastPc) : '';
  }

  /** Stops the machine with `message` and the PC of the ROM call (reports name a PC). */
  private fail(cpu: RomCpu, message: string): void {
    this.host.halt(`${message} (pc ${hex(cpu.pc)})`);
  }

  private on(name: RomEntryName, handler: Handler): void {
    this.handlers.set(ROM_ENTRIES[name], handler);
  }

  /** A function returning a value in a2 computed from a2..a7. */
  private fn(name: RomEntryName, f: (a2: number, a3: number, a4: number, a5: number, a6: number, a7: number) => number | void): void {
    this.on(name, (cpu) => {
      const a = cpu.a;
      const r = f(a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!);
      if (r !== undefined) a[2] = r;
    });
  }

  /** A function of two 64-bit operands (a2:a3, a4:a5) returning a 64-bit result in a2:a3. */
  private fn64(name: RomEntryName, f: (alo: number, ahi: number, blo: number, bhi: number) => [number, number]): void {
    this.on(name, (cpu) => {
      const a = cpu.a;
      const [lo, hi] = f(a[2]!, a[3]!, a[4]!, a[5]!);
      a[2] = lo;
      a[3] = hi;
    });
  }

  // ------------------------------------------------------------------ guest memory

  private read8(address: number): number {
    const bus = this.host.bus;
    const v = bus.read(address >>> 0, 1);
    bus.error = false;
    return v;
  }

  private write8(address: number, value: number): void {
    const bus = this.host.bus;
    bus.write(address >>> 0, 1, value & 0xff);
    bus.error = false;
  }

  private read32(address: number): number {
    const bus = this.host.bus;
    const v = bus.read(address >>> 0, 4);
    bus.error = false;
    return v >>> 0;
  }

  private write32(address: number, value: number): void {
    const bus = this.host.bus;
    bus.write(address >>> 0, 4, value >>> 0);
    bus.error = false;
  }

  readString(address: number, max = 4096): string {
    let s = '';
    for (let i = 0; i < max; i++) {
      const c = this.read8(address + i);
      if (c === 0) break;
      s += String.fromCharCode(c);
    }
    return s;
  }

  private strlen(address: number): number {
    let n = 0;
    while (this.read8(address + n) !== 0) n++;
    return n;
  }

  private memmove(dst: number, src: number, n: number): void {
    n >>>= 0;
    if (dst >>> 0 <= src >>> 0 || dst >>> 0 >= (src >>> 0) + n) for (let i = 0; i < n; i++) this.write8(dst + i, this.read8(src + i));
    else for (let i = n - 1; i >= 0; i--) this.write8(dst + i, this.read8(src + i));
  }

  private memset(dst: number, c: number, n: number): void {
    for (let i = 0; i < n >>> 0; i++) this.write8(dst + i, c);
  }

  private memcmp(a: number, b: number, n: number): number {
    for (let i = 0; i < n >>> 0; i++) {
      const d = this.read8(a + i) - this.read8(b + i);
      if (d !== 0) return d;
    }
    return 0;
  }

  private strcmp(a: number, b: number, n = Infinity): number {
    for (let i = 0; i < n; i++) {
      const x = this.read8(a + i);
      const y = this.read8(b + i);
      if (x !== y) return x - y;
      if (x === 0) return 0;
    }
    return 0;
  }

  /**
   * Output of the printf family: straight to UART0 while no putc1 is installed; otherwise the
   * text goes to EMIT_BUFFER and the emit routine after the SIMCALL calls putc1 per byte.
   */
  private output(cpu: RomCpu, text: string, putc = this.putc1): void {
    const a = cpu.a;
    if (putc === 0) {
      this.print(text);
      a[2] = EMIT_BUFFER;
      a[3] = 0;
      a[4] = 0;
      return;
    }
    const n = Math.min(text.length, EMIT_BUFFER_SIZE);
    for (let i = 0; i < n; i++) this.write8(EMIT_BUFFER + i, text.charCodeAt(i));
    a[2] = EMIT_BUFFER;
    a[3] = n;
    a[4] = putc;
  }

  private print(text: string): void {
    for (let i = 0; i < text.length; i++) this.host.uart0Transmit(text.charCodeAt(i) & 0xff);
  }

  // ------------------------------------------------------------------ the entry points

  private define(): void {
    this.on('_ResetVector', (cpu) => this.boot(cpu));
    this.defineConsole();
    this.defineFlash();
    this.defineInterrupts();
    this.defineSystem();
    this.defineMemory();
    this.defineLibgcc();
    this.defineSoftFloat();
    this.handlers.set(UNHANDLED_EXCEPTION, (cpu) => this.unhandled(cpu, 'unhandled exception'));
    // The vectors at the reset VECBASE (0x40000000): firmware that has not installed its own.
    for (const [offset, what] of [
      [0x10, 'debug exception'],
      [0x20, 'NMI'],
      [0x30, 'kernel exception'],
      [0x50, 'user exception'],
      [0x70, 'double exception'],
    ] as const)
      this.handlers.set(ROM_BASE + offset, (cpu) => this.unhandled(cpu, `${what} at the ROM's vector (no firmware vectors installed)`));
    this.definePhy();
    this.defineCrypto();
  }

  private bytes(address: number, length: number): Uint8Array {
    const out = new Uint8Array(length >>> 0);
    for (let i = 0; i < out.length; i++) out[i] = this.read8(address + i);
    return out;
  }

  /** Crypto helpers of the ROM (hostapd/wpa_supplicant signatures). */
  private defineCrypto(): void {
    // int sha1_prf(const u8 *key, size_t key_len, const char *label, const u8 *data, size_t data_len, u8 *buf, size_t buf_len)
    this.on('sha1_prf', (cpu) => {
      const a = cpu.a;
      const bufLen = this.read32(a[1]! >>> 0);
      const label = new TextEncoder().encode(this.readString(a[4]! >>> 0, 256));
      const out = sha1Prf(this.bytes(a[2]!, a[3]!), label, this.bytes(a[5]!, a[6]!), bufLen);
      for (let i = 0; i < out.length; i++) this.write8(a[7]! + i, out[i]!);
      a[2] = 0;
    });
    // int pbkdf2_sha1(const char *passphrase, const u8 *ssid, size_t ssid_len, int iterations, u8 *buf, size_t buflen)
    this.fn('pbkdf2_sha1', (pass, ssid, ssidLen, iterations, buf, bufLen) => {
      const password = new TextEncoder().encode(this.readString(pass >>> 0, 64));
      const salt = new Uint8Array(ssidLen >>> 0);
      for (let i = 0; i < salt.length; i++) salt[i] = this.read8(ssid + i);
      const key = pbkdf2Sha1(password, salt, iterations >>> 0, bufLen >>> 0);
      for (let i = 0; i < key.length; i++) this.write8(buf + i, key[i]!);
      return 0;
    });
  }

  /** PHY/RF: no radio is modelled; the ROM's helpers report success (0) and are counted. */
  private definePhy(): void {
    this.fn('phy_get_romfuncs', () => PHY_TABLE);
    for (let i = 0; i < PHY_TABLE_ENTRIES; i++) {
      this.handlers.set(PHY_TRAPS + 8 * i, (cpu) => {
        this.phyCalls[i]!++;
        const a = cpu.a;
        if (i === PHY_RFPLL_SET) this.host.tuneRadio?.(this.rfPllMHz(a[2]! >>> 0));
        const phy = PHY_I2C[i];
        if (phy) phy(this, cpu);
        else cpu.a[2] = i === PHY_CHANNEL_OF ? channelNumber(a[2]!) : 0;
      });
    }
    // lldesc_build_chain(desc, desclen, buf, buflen, blksz, owner, &head, &tail): the DMA
    // descriptor chain the WiFi MAC receives into: one 12-byte descriptor per block (word 0:
    // size bits 11:0, length bits 23:12, eof bit 30, owner bit 31; then buffer, next). Inferred
    // from the SDK's use (sdio_queue layout); nothing in the model reads the chain.
    this.on('lldesc_build_chain', (cpu) => {
      const a = cpu.a;
      const [desc, desclen, buf, buflen, blksz, owner] = [a[2]! >>> 0, a[3]! >>> 0, a[4]! >>> 0, a[5]! >>> 0, a[6]! >>> 0, a[7]! & 1];
      const headPtr = this.read32((a[1]! >>> 0) + 0);
      const tailPtr = this.read32((a[1]! >>> 0) + 4);
      const count = Math.min(blksz ? Math.ceil(buflen / blksz) : 0, Math.floor(desclen / 12));
      for (let i = 0; i < count; i++) {
        const d = desc + 12 * i;
        const len = Math.min(blksz, buflen - i * blksz);
        const last = i === count - 1;
        this.write32(d, (blksz & 0xfff) | ((len & 0xfff) << 12) | (last ? 1 << 30 : 0) | (owner << 31));
        this.write32(d + 4, buf + i * blksz);
        this.write32(d + 8, last ? 0 : d + 12);
      }
      this.write32(headPtr, count ? desc : 0);
      this.write32(tailPtr, count ? desc + 12 * (count - 1) : 0);
    });
    for (const address of Object.values(ROM_PHY_ENTRIES)) this.handlers.set(address, (cpu) => void (cpu.a[2] = 0));
    this.on('rom_i2c_readReg', (cpu) => PHY_I2C[PHY_I2C_READ]!(this, cpu));
    this.on('rom_i2c_readReg_Mask', (cpu) => PHY_I2C[PHY_I2C_READ_MASK]!(this, cpu));
    this.on('rom_i2c_writeReg', (cpu) => PHY_I2C[PHY_I2C_WRITE]!(this, cpu));
    this.on('rom_i2c_writeReg_Mask', (cpu) => PHY_I2C[PHY_I2C_WRITE_MASK]!(this, cpu));
  }

  /**
   * The frequency the RF PLL runs at from the three divider bytes the SDK hands table entry
   * PHY_RFPLL_SET: its ram_rfpll_set_freq computes y = f * 4 / (3 * crystal) - 32 and passes
   * the integer part and two fractional bytes. The module's crystal is 26 MHz (the SDK's
   * default, the Feather HUZZAH's ESP-12).
   */
  private rfPllMHz(bytes: number): number {
    const y = this.read8(bytes) + 32 + this.read8(bytes + 1) / 256 + this.read8(bytes + 2) / 65536;
    return (y * 3 * CRYSTAL_MHZ) / 4;
  }

  private unhandled(cpu: RomCpu, what: string): void {
    const cause = cpu.readSpecial(SR_EXCCAUSE);
    const epc = cpu.readSpecial(what.startsWith('double') ? SR_DEPC : SR_EPC1);
    this.host.halt(`${what}: EXCCAUSE ${cause} at pc ${hex(epc)} (EXCVADDR ${hex(cpu.readSpecial(SR_EXCVADDR))})`);
  }

  /** Variadic arguments after `fixed` register arguments: the rest of a2..a7, then the stack. */
  private varargs(cpu: RomCpu, fixed: number): VarArgs {
    let slot = fixed; // 0 = a2
    const sp = cpu.a[1]! >>> 0;
    return {
      next: () => {
        const s = slot++;
        return s < 6 ? cpu.a[2 + s]! : this.read32(sp + 4 * (s - 6));
      },
      align64: () => {
        if (slot & 1) slot++;
      },
    };
  }

  /**
   * GCC's Xtensa va_list { __va_stk, __va_reg, __va_ndx } (xtensa.c, va_arg expansion): the
   * first 24 bytes of arguments come from the register save area, then the stack area from
   * offset 32; 8-byte arguments are aligned.
   */
  private vaList(stk: number, reg: number, ndx: number): VarArgs {
    let index = ndx | 0;
    const MAX_REG_BYTES = 24;
    return {
      next: () => {
        const orig = index;
        index = orig + 4;
        let base = reg >>> 0;
        if (index > MAX_REG_BYTES) {
          if (orig <= MAX_REG_BYTES) index = 32 + 4;
          base = stk >>> 0;
        }
        return this.read32(base + index - 4);
      },
      align64: () => {
        index = (index + 7) & ~7;
      },
    };
  }

  private defineConsole(): void {
    this.on('ets_printf', (cpu) => {
      const text = formatPrintf(this.readString(cpu.a[2]! >>> 0), this.varargs(cpu, 1), (p) => this.readString(p));
      this.output(cpu, text);
    });
    // ets_vprintf(putc, format, va_list): the va_list struct arrives by value in a4..a6.
    this.on('ets_vprintf', (cpu) => {
      const putc = cpu.a[2]! >>> 0;
      const text = formatPrintf(this.readString(cpu.a[3]! >>> 0), this.vaList(cpu.a[4]!, cpu.a[5]!, cpu.a[6]!), (p) => this.readString(p));
      this.output(cpu, text, putc === ROM_ENTRIES.ets_write_char ? this.putc1 : putc);
    });
    this.on('ets_write_char', (cpu) => this.output(cpu, String.fromCharCode(cpu.a[2]! & 0xff)));
    this.on('ets_putc', (cpu) => this.output(cpu, String.fromCharCode(cpu.a[2]! & 0xff)));
    this.fn('uart_tx_one_char', (c) => {
      this.host.uart0Transmit(c & 0xff);
      return 0;
    });
    this.fn('uart_div_modify', (uart, div) => this.host.uartDivisor(uart & 1, div >>> 0));
    // putc1 (os_printf's sink): ets_printf & co. print through it once firmware installs one.
    this.fn('ets_install_putc1', (putc) => {
      this.putc1 = putc >>> 0;
    });
    this.fn('ets_install_uart_printf', () => undefined);
  }

  private defineFlash(): void {
    const flash = this.host.flash;
    const inFlash = (offset: number, length: number) => offset >>> 0 <= flash.length && (offset >>> 0) + (length >>> 0) <= flash.length;
    this.fn('Cache_Read_Enable', (oddEven, mbCount) => this.host.mapFlash(((mbCount & 3) << 1) | (oddEven & 1)));
    this.fn('Cache_Read_Disable', () => this.host.mapFlash(null));
    this.fn('SPIRead', (offset, dst, size) => {
      if (!inFlash(offset, size)) return SPI_FLASH_RESULT_ERR;
      for (let i = 0; i < size >>> 0; i++) this.write8(dst + i, flash[(offset >>> 0) + i]!);
      return SPI_FLASH_RESULT_OK;
    });
    this.fn('SPIWrite', (offset, src, size) => {
      if (!inFlash(offset, size)) return SPI_FLASH_RESULT_ERR;
      // NOR flash: programming only clears bits.
      for (let i = 0; i < size >>> 0; i++) flash[(offset >>> 0) + i]! &= this.read8(src + i);
      this.host.flashChanged(offset >>> 0, size >>> 0);
      return SPI_FLASH_RESULT_OK;
    });
    const erase = (offset: number, size: number) => {
      if (!inFlash(offset, size)) return SPI_FLASH_RESULT_ERR;
      flash.fill(0xff, offset, offset + size);
      this.host.flashChanged(offset, size);
      return SPI_FLASH_RESULT_OK;
    };
    this.fn('SPIEraseSector', (sector) => erase((sector >>> 0) * SECTOR_SIZE, SECTOR_SIZE));
    this.fn('SPIEraseBlock', (block) => erase((block >>> 0) * BLOCK_SIZE, BLOCK_SIZE));
    this.fn('SPIEraseChip', () => erase(0, flash.length));
    this.fn('SPIUnlock', () => SPI_FLASH_RESULT_OK);
    this.fn('SPI_write_enable', () => SPI_FLASH_RESULT_OK);
    this.fn('Wait_SPI_Idle', () => SPI_FLASH_RESULT_OK);
    // Status register: no write in progress, no protection bits.
    this.fn('SPI_read_status', (_chip, statusPtr) => {
      this.write32(statusPtr, 0);
      return SPI_FLASH_RESULT_OK;
    });
    this.fn('SPI_write_status', () => SPI_FLASH_RESULT_OK);
  }

  private defineInterrupts(): void {
    this.fn('ets_isr_attach', (line, handler, arg) => {
      if (line >>> 0 < 16) {
        this.write32(ISR_TABLE + 8 * line, handler);
        this.write32(ISR_TABLE + 8 * line + 4, arg);
      }
    });
    this.on('ets_isr_mask', (cpu) => cpu.writeSpecial(SR_INTENABLE, cpu.readSpecial(SR_INTENABLE) & ~cpu.a[2]!));
    this.on('ets_isr_unmask', (cpu) => cpu.writeSpecial(SR_INTENABLE, cpu.readSpecial(SR_INTENABLE) | cpu.a[2]!));
    // ets_intr_lock raises PS.INTLEVEL to 3 and remembers the old PS; unlock restores level 0
    // (the ROM's pair does not nest).
    this.on('ets_intr_lock', (cpu) => {
      this.savedPs = cpu.readSpecial(SR_PS);
      cpu.writeSpecial(SR_PS, (this.savedPs & ~PS_INTLEVEL) | 3);
    });
    this.on('ets_intr_unlock', (cpu) => cpu.writeSpecial(SR_PS, cpu.readSpecial(SR_PS) & ~PS_INTLEVEL));
    this.on('_xtos_set_exception_handler', (cpu) => {
      const cause = cpu.a[2]! >>> 0;
      if (cause < 64) {
        const table = ROM_RAM.cHandlerTable + 4 * cause;
        cpu.a[2] = this.read32(table);
        this.write32(table, cpu.a[3]!);
      }
    });
  }

  private defineSystem(): void {
    this.fn('ets_delay_us', (us) => this.host.delayMicroseconds(us >>> 0));
    this.fn('ets_get_cpu_frequency', () => Math.round(this.host.cpuFrequency / 1e6));
    this.fn('ets_update_cpu_frequency', () => undefined);
    this.fn('rtc_get_reset_reason', () => this.host.resetReason);
    // The ROM's watchdog helpers: the chip's WDT block does the real work when firmware uses it.
    this.fn('ets_wdt_disable', () => undefined);
    this.fn('ets_wdt_enable', () => undefined);
    this.on('xthal_get_ccount', (cpu) => (cpu.a[2] = cpu.readSpecial(234)));
    // gpio_output_set(set, clear, enable, disable): the GPIO block's W1TS/W1TC registers.
    this.fn('gpio_output_set', (set, clear, enable, disable) => {
      this.write32(GPIO_BASE + 0x04, set);
      this.write32(GPIO_BASE + 0x08, clear);
      this.write32(GPIO_BASE + 0x10, enable);
      this.write32(GPIO_BASE + 0x14, disable);
    });
    this.fn('gpio_input_get', () => this.read32(GPIO_BASE + 0x18));
    // roundup2(x, n): x rounded up to a multiple of the power of two n.
    this.fn('roundup2', (x, n) => (x + n - 1) & -n);
    this.fn('srand', (seed) => {
      this.randState = seed >>> 0;
    });
    // The C library's LCG (ISO C's example: next = next * 1103515245 + 12345).
    this.fn('rand', () => {
      this.randState = (Math.imul(this.randState, 1103515245) + 12345) >>> 0;
      return (this.randState >>> 16) & 0x7fff;
    });
  }

  private defineMemory(): void {
    for (const name of ['memcpy', 'ets_memcpy'] as const)
      this.fn(name, (d, s, n) => {
        this.memmove(d, s, n);
        return d;
      });
    for (const name of ['memmove', 'ets_memmove'] as const)
      this.fn(name, (d, s, n) => {
        this.memmove(d, s, n);
        return d;
      });
    for (const name of ['memset', 'ets_memset'] as const)
      this.fn(name, (d, c, n) => {
        this.memset(d, c, n);
        return d;
      });
    for (const name of ['bzero', 'ets_bzero'] as const) this.fn(name, (d, n) => this.memset(d, 0, n));
    for (const name of ['memcmp', 'ets_memcmp'] as const) this.fn(name, (a, b, n) => this.memcmp(a, b, n));
    for (const name of ['strlen', 'ets_strlen'] as const) this.fn(name, (s) => this.strlen(s));
    for (const name of ['strcmp', 'ets_strcmp'] as const) this.fn(name, (a, b) => this.strcmp(a, b));
    for (const name of ['strncmp', 'ets_strncmp'] as const) this.fn(name, (a, b, n) => this.strcmp(a, b, n >>> 0));
    for (const name of ['strcpy', 'ets_strcpy'] as const)
      this.fn(name, (d, s) => {
        this.memmove(d, s, this.strlen(s) + 1);
        return d;
      });
    for (const name of ['strncpy', 'ets_strncpy'] as const)
      this.fn(name, (d, s, n) => {
        let i = 0;
        for (; i < n >>> 0; i++) {
          const c = this.read8(s + i);
          this.write8(d + i, c);
          if (c === 0) break;
        }
        for (; i < n >>> 0; i++) this.write8(d + i, 0);
        return d;
      });
    this.fn('strstr', (h, n) => {
      const needle = this.readString(n);
      const hay = this.readString(h, 1 << 20);
      const i = hay.indexOf(needle);
      return i < 0 ? 0 : h + i;
    });
  }

  private defineLibgcc(): void {
    this.fn('__divsi3', gcc.divsi3);
    this.fn('__udivsi3', gcc.udivsi3);
    this.fn('__umodsi3', gcc.umodsi3);
    this.fn64('__muldi3', gcc.muldi3);
    this.fn64('__udivdi3', gcc.udivdi3);
    this.fn64('__umoddi3', gcc.umoddi3);
    this.fn64('__divdi3', gcc.divdi3);
    this.on('__umulsidi3', (cpu) => {
      const [lo, hi] = gcc.umulsidi3(cpu.a[2]!, cpu.a[3]!);
      cpu.a[2] = lo;
      cpu.a[3] = hi;
    });
  }

  /** IEEE 754 soft-float: the host's binary64 arithmetic, rounded to binary32 where needed. */
  private defineSoftFloat(): void {
    const buf = new DataView(new ArrayBuffer(8));
    const f32 = (w: number) => (buf.setUint32(0, w >>> 0, true), buf.getFloat32(0, true));
    const w32 = (f: number) => (buf.setFloat32(0, f, true), buf.getInt32(0, true));
    const f64 = (lo: number, hi: number) => (buf.setUint32(0, lo >>> 0, true), buf.setUint32(4, hi >>> 0, true), buf.getFloat64(0, true));
    const set64 = (cpu: RomCpu, f: number) => {
      buf.setFloat64(0, f, true);
      cpu.a[2] = buf.getInt32(0, true);
      cpu.a[3] = buf.getInt32(4, true);
    };
    this.fn('__addsf3', (a, b) => w32(f32(a) + f32(b)));
    this.fn('__subsf3', (a, b) => w32(f32(a) - f32(b)));
    this.fn('__mulsf3', (a, b) => w32(f32(a) * f32(b)));
    this.on('__adddf3', (c) => set64(c, f64(c.a[2]!, c.a[3]!) + f64(c.a[4]!, c.a[5]!)));
    this.on('__subdf3', (c) => set64(c, f64(c.a[2]!, c.a[3]!) - f64(c.a[4]!, c.a[5]!)));
    this.on('__muldf3', (c) => set64(c, f64(c.a[2]!, c.a[3]!) * f64(c.a[4]!, c.a[5]!)));
    this.on('__divdf3', (c) => set64(c, f64(c.a[2]!, c.a[3]!) / f64(c.a[4]!, c.a[5]!)));
    // Conversions to integers truncate toward zero; out-of-range values are undefined in C.
    this.fn('__fixdfsi', (lo, hi) => Math.trunc(f64(lo, hi)) | 0);
    this.fn('__fixunsdfsi', (lo, hi) => Math.trunc(f64(lo, hi)) >>> 0 | 0);
    this.fn('__fixunssfsi', (a) => Math.trunc(f32(a)) >>> 0 | 0);
    this.on('__floatsidf', (c) => set64(c, c.a[2]! | 0));
    this.on('__floatunsidf', (c) => set64(c, c.a[2]! >>> 0));
    this.fn('__floatsisf', (a) => w32(a | 0));
    this.fn('__floatunsisf', (a) => w32(a >>> 0));
    this.fn('__truncdfsf2', (lo, hi) => w32(f64(lo, hi)));
    this.on('__extendsfdf2', (c) => set64(c, f32(c.a[2]!)));
  }

  // ------------------------------------------------------------------ first-stage boot

  /**
   * What the ROM does from reset for a flash boot (boot mode 3): banner at 74880 baud, the v1
   * image at flash offset 0 copied to RAM, the ROM's RAM state set up, then a jump to the entry
   * with the stack at 0x3FFFFFF0 (left in a0 for the trap's `jx a0`).
   */
  private boot(cpu: RomCpu): void {
    const host = this.host;
    this.putc1 = 0;
    this.i2c.clear(); // the analog blocks reset with the chip
    host.uartDivisor(0, Math.round(80_000_000 / 74880));
    this.print(`\r\n ets Jan  8 2013,rst cause:${host.resetReason}, boot mode:(${host.bootMode},0)\r\n\r\n`);
    let image;
    try {
      image = parseEspImage(host.flash, 0);
    } catch (e) {
      if (e instanceof EspImageError) {
        this.fail(cpu, `boot ROM: ${e.message}`);
        return;
      }
      throw e;
    }
    for (const seg of image.segments) {
      this.print(`load 0x${seg.address.toString(16).padStart(8, '0')}, len ${seg.data.length}, room 16 \r\n`);
      if (!this.loadSegment(seg.address, seg.data)) {
        this.fail(cpu, `boot ROM: image segment 0x${seg.address.toString(16)}+${seg.data.length} does not lie in RAM`);
        return;
      }
    }
    this.print(`tail ${image.length & 15}\r\nchksum 0x${image.storedChecksum.toString(16).padStart(2, '0')}\r\n`);
    if (image.storedChecksum !== image.checksum) {
      this.print(`csum 0x${image.checksum.toString(16).padStart(2, '0')}\r\n`);
      this.fail(cpu, `boot ROM: image checksum 0x${image.storedChecksum.toString(16)} does not match the data (0x${image.checksum.toString(16)})`);
      return;
    }
    this.setUpRam(image.flashSizeCode);
    this.bootInfo = { entry: image.entry, segments: image.segments.length };
    cpu.a[1] = ROM_RAM.stackTop;
    cpu.a[0] = image.entry;
    cpu.writeSpecial(SR_PS, PS_ENTRY);
  }

  /**
   * Starts a program already in RAM (an ELF test program) as the ROM would start an image: the
   * ROM's RAM state, the stack at 0x3FFFFFF0, PC at `entry`.
   */
  prepareRam(cpu: RomCpu, entry: number): void {
    this.setUpRam(4);
    this.bootInfo = { entry, segments: 0 };
    cpu.a[1] = ROM_RAM.stackTop;
    cpu.writeSpecial(SR_PS, PS_ENTRY);
    cpu.pc = entry;
  }

  /** Copies a segment into IRAM/DRAM (the ROM refuses anything else). */
  private loadSegment(address: number, data: Uint8Array): boolean {
    const inRam = (a: number) => (a >= 0x3ffe8000 && a < 0x40000000) || (a >= 0x40100000 && a < 0x40108000);
    if (!inRam(address) || (data.length > 0 && !inRam(address + data.length - 1))) return false;
    for (let i = 0; i < data.length; i++) this.write8(address + i, data[i]!);
    return true;
  }

  /** The ROM-owned RAM firmware relies on (facts sheet §6). */
  private setUpRam(sizeCode: number): void {
    for (let cause = 0; cause < 64; cause++) {
      this.write32(ROM_RAM.exceptionTable + 4 * cause, cause === 4 ? ROM_ENTRIES._xtos_l1int_handler : UNHANDLED_EXCEPTION);
    }
    for (let i = 0; i < PHY_TABLE_ENTRIES; i++) this.write32(PHY_TABLE + 4 * i, PHY_TRAPS + 8 * i);
    for (let i = 0; i < 32; i++) this.write32(ISR_TABLE + 4 * i, 0);
    // `flashchip` holds a pointer to the ROM's SpiFlashChip, which follows it: deviceId,
    // chip_size, block_size, sector_size, page_size, status_mask (the SDK writes chip_size at
    // pointer+4 and reads sector_size at pointer+12).
    const size = FLASH_SIZES[sizeCode] ?? this.host.flash.length;
    const fc = ROM_RAM.flashchip + 4;
    this.write32(ROM_RAM.flashchip, fc);
    this.write32(fc + 0, 0x1640ef);
    this.write32(fc + 4, Math.min(size, this.host.flash.length));
    this.write32(fc + 8, BLOCK_SIZE);
    this.write32(fc + 12, SECTOR_SIZE);
    this.write32(fc + 16, 256);
    this.write32(fc + 20, 0xffff);
  }
}

function hex(v: number): string {
  return `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
}
