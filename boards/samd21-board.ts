/**
 * One builder for every SAMD21 board. A board is a declaration (`Samd21BoardSpec`: plain,
 * serialisable data that can be posted to a page) of its chip variant, CircuitPython pin names,
 * the parts soldered on it and the pads they are wired to, where CIRCUITPY lives, its USB identity
 * and its drawing; `buildSamd21Board(spec)` turns it into a running board.
 *
 * Parts attach to the chip the way the copper does: a part's own terminal (a `Pin`) is connected
 * to the chip pad's net, buses go through the SERCOM whose pads PORT muxes to them (so firmware
 * must configure PMUX exactly as on the real board), and the few analog links (DAC → speaker,
 * PDM microphone → I2S, touch electrodes → PTC) are made here, once, by part type.
 */
import { BOARD_PULL_OHMS, Pin, connect } from '../emulator/kernel/signals.js';
import { SpiBus, I2cBus } from '../peripherals/devices/buses.js';
import { Gd25q16c } from '../peripherals/devices/gd25q16c.js';
import { Ws2812bChain } from '../peripherals/devices/ws2812b.js';
import { Apa102Chain } from '../peripherals/devices/apa102.js';
import { Lis3dh } from '../peripherals/devices/lis3dh.js';
import { AlsPt19 } from '../peripherals/devices/light-sensor.js';
import { NtcThermistor } from '../peripherals/devices/thermistor.js';
import { PushButton } from '../peripherals/devices/push-button.js';
import { SlideSwitch } from '../peripherals/devices/slide-switch.js';
import { Speaker } from '../peripherals/devices/speaker.js';
import { I2cPinTarget } from '../peripherals/devices/i2c-pins.js';
import { PdmMicrophone } from '../peripherals/devices/pdm-microphone.js';
import { Led } from '../peripherals/devices/led.js';
import { Potentiometer } from '../peripherals/devices/potentiometer.js';
import { IrLed, IrReceiver } from '../peripherals/devices/infrared.js';
import { UsbUartBridge } from '../peripherals/devices/usb-uart-bridge.js';
import { SdCard } from '../peripherals/devices/sd-card.js';
import { Ili9341 } from '../peripherals/devices/ili9341.js';
import { I2sAmplifier } from '../peripherals/devices/i2s-amplifier.js';
import { I2S_SD_PADS } from '../peripherals/samd21/i2s.js';
import { padIndex } from '../peripherals/samd21/chip.js';
import { BluefruitLeSpi } from '../peripherals/devices/bluefruit-le-spi.js';
import type { Samd21Usb } from '../peripherals/samd21/usb.js';
import type { Variant } from '../peripherals/samd21/memory-map.js';
import { FLASH_SIZE, bondedPins } from '../peripherals/samd21/memory-map.js';
import { createSamd21, type Samd21 } from './chips/samd21.js';
import { SAMD21_UF2_FAMILY_ID, samd21BootloaderImage, APPLICATION_BASE, BOOTLOADER_SIZE } from './samd21-bootloader.js';
import type { Board, CircuitpyStorage, LoadSegment } from './types.js';

/** A chip pad by data-sheet name: 'PA17', 'PB23'. */
export type PadName = string;

/** A SERCOM in SPI master mode and the pads its MISO/MOSI/SCK signals are wired to (no MISO: write-only parts). */
export interface SpiWiring {
  sercom: number;
  miso?: PadName;
  mosi: PadName;
  sck: PadName;
}

/** A SERCOM in I2C mode, its SDA/SCL pads and the board's pull-up resistors (ohms; 0 = none). */
export interface I2cWiring {
  sercom: number;
  sda: PadName;
  scl: PadName;
  pullUpOhms: number;
}

/** The parts a board can carry, by type; each names the pads its terminals are soldered to. */
export type Samd21PartSpec =
  | { id: string; type: 'spi-flash'; part: 'GD25Q16C'; spi: SpiWiring; cs: PadName }
  | { id: string; type: 'neopixels'; din: PadName; count: number }
  /** APA102 DotStars on two pads, which are also SERCOM `sercom`'s MOSI/SCK (firmware may use either). */
  | { id: string; type: 'dotstars'; data: PadName; clock: PadName; count: number; sercom: number }
  | { id: string; type: 'lis3dh'; i2c: I2cWiring; address: 0x18 | 0x19; int1: PadName }
  | { id: string; type: 'light-sensor'; out: PadName }
  | { id: string; type: 'thermistor'; out: PadName; highSide: boolean }
  | { id: string; type: 'button'; pin: PadName; activeLevel: 0 | 1; externalPull: 'up' | 'down' | 'none' }
  | { id: string; type: 'slide-switch'; pin: PadName; closedLevel: 0 | 1 }
  | { id: string; type: 'speaker'; input: PadName; enable?: PadName }
  | { id: string; type: 'pdm-microphone'; clk: PadName; data: PadName }
  | { id: string; type: 'touch-pads'; pads: Readonly<Record<string, PadName>> }
  | { id: string; type: 'led'; anode: PadName; color: string }
  /** An IR LED driven from a pad (carrier bursts decoded into pulse trains). */
  | { id: string; type: 'ir-led'; anode: PadName }
  /** A demodulating IR receiver module whose output (active low) a pad reads. */
  | { id: string; type: 'ir-receiver'; out: PadName }
  /** A potentiometer between VDD and GND, its wiper on a pad; `position` 0..1 (default 0.5). */
  | { id: string; type: 'potentiometer'; wiper: PadName; position?: number }
  /** A microSD card slot on an SPI bus (empty until the host inserts a card image). */
  | { id: string; type: 'sd-card'; spi: SpiWiring; cs: PadName }
  /** An I2S amplifier (MAX98357A) whose DIN is an I2S SD pad (PA07/PA19: serializer 0, PA08/PB16: serializer 1). */
  | { id: string; type: 'i2s-amplifier'; din: PadName }
  /** An ILI9341 TFT display (240 x 320) on an SPI bus: chip select, D/C, and RESET if wired (pulled up on the breakout). */
  | { id: string; type: 'ili9341'; spi: SpiWiring; cs: PadName; dc: PadName; reset?: PadName }
  /** The Bluefruit LE SPI module (nRF51822, SDEP over SPI): chip select, IRQ out, RST in (pulled up on the module). */
  | { id: string; type: 'bluefruit-le-spi'; spi: SpiWiring; cs: PadName; irq: PadName; reset: PadName }
  /** A USB-to-UART bridge (the Arduino Zero's EDBG virtual COM port) on SERCOM `sercom`: chip TX and RX pads. */
  | { id: string; type: 'usb-uart-bridge'; sercom: number; tx: PadName; rx: PadName; baud: number };

/** Where CIRCUITPY lives: the whole external SPI flash (a part of the board), or internal flash. */
export type CircuitpyPlacement = { kind: 'spi-flash'; part: string } | { kind: 'internal-flash'; offset: number; size: number };

export interface Samd21BoardSpec {
  /** The name the CLI and API use ('cpx'). */
  readonly name: string;
  readonly title: string;
  readonly chip: { readonly family: 'samd21'; readonly variant: Variant; readonly crystal32k: boolean };
  /** The USB identity CircuitPython presents on this board (its mpconfigboard.mk). */
  readonly usb: { readonly vid: number; readonly pid: number; readonly manufacturer: string; readonly product: string };
  /** CircuitPython's `board` names and the pads they mean. */
  readonly pins: Readonly<Record<string, PadName>>;
  readonly parts: readonly Samd21PartSpec[];
  readonly circuitpy: CircuitpyPlacement;
  /** The drawing description the web app uses (boards/drawings/<id>). */
  readonly drawing: string;
}

/** The model each part type becomes. */
export interface TouchPads {
  /** Touches a pad by board name ('A1'): true/false or an amount 0..1. */
  touch(pad: string, amount: boolean | number): void;
  readonly names: readonly string[];
}
interface PartModels {
  'spi-flash': Gd25q16c;
  neopixels: Ws2812bChain;
  dotstars: Apa102Chain;
  lis3dh: Lis3dh;
  'light-sensor': AlsPt19;
  thermistor: NtcThermistor;
  button: PushButton;
  'slide-switch': SlideSwitch;
  speaker: Speaker;
  'pdm-microphone': PdmMicrophone;
  'touch-pads': TouchPads;
  led: Led;
  potentiometer: Potentiometer;
  'ir-led': IrLed;
  'ir-receiver': IrReceiver;
  'usb-uart-bridge': UsbUartBridge;
  'sd-card': SdCard;
  ili9341: Ili9341;
  'i2s-amplifier': I2sAmplifier;
  'bluefruit-le-spi': BluefruitLeSpi;
}
export type PartModel = PartModels[keyof PartModels];

/** The typed parts of a board declared `as const`: `{ pixels: Ws2812bChain, buttonA: PushButton, ... }`. */
export type PartsOf<S extends { parts: readonly Samd21PartSpec[] }> = {
  [P in S['parts'][number] as P['id']]: PartModels[P['type']];
};

export interface Samd21Board<Parts = Record<string, PartModel>> extends Board {
  readonly spec: Samd21BoardSpec;
  readonly mcu: Samd21;
  readonly parts: Parts;
  readonly usb: Samd21Usb;
}

/** The board type a declaration gives (`BoardOf<typeof CPX_SPEC>`). */
export type BoardOf<S extends Samd21BoardSpec> = Samd21Board<PartsOf<S>>;

/** What part builders need: the chip, a way to wire a part's terminal to a pad, shared buses. */
interface WiringContext {
  mcu: Samd21;
  wire(pad: PadName, label: string): Pin;
  spiBus(w: SpiWiring): SpiBus;
  i2cBus(w: I2cWiring): I2cBus;
}

type PartBuilder<T extends Samd21PartSpec['type']> = (spec: Extract<Samd21PartSpec, { type: T }>, ctx: WiringContext) => PartModels[T];

const PART_BUILDERS: { [T in Samd21PartSpec['type']]: PartBuilder<T> } = {
  'spi-flash': (p, ctx) => {
    const flash = new Gd25q16c({ cs: ctx.wire(p.cs, `${p.id} CS`), scheduler: ctx.mcu.scheduler, name: p.part });
    ctx.spiBus(p.spi).attach(flash);
    return flash;
  },
  neopixels: (p, ctx) => new Ws2812bChain({ din: ctx.wire(p.din, `${p.id} DIN`), count: p.count, scheduler: ctx.mcu.scheduler, name: p.id }),
  dotstars: (p, ctx) => {
    const chain = new Apa102Chain({
      data: ctx.wire(p.data, `${p.id} DI`),
      clock: ctx.wire(p.clock, `${p.id} CI`),
      count: p.count,
      scheduler: ctx.mcu.scheduler,
      name: p.id,
    });
    ctx.spiBus({ sercom: p.sercom, mosi: p.data, sck: p.clock }).attach(chain);
    return chain;
  },
  lis3dh: (p, ctx) => {
    const chip = new Lis3dh({ scheduler: ctx.mcu.scheduler, address: p.address, int1: ctx.wire(p.int1, `${p.id} INT1`) });
    ctx.i2cBus(p.i2c).attach(chip);
    return chip;
  },
  'light-sensor': (p, ctx) => new AlsPt19({ out: ctx.wire(p.out, p.id), lux: 100 }),
  thermistor: (p, ctx) => new NtcThermistor({ out: ctx.wire(p.out, p.id), celsius: 25, highSide: p.highSide }),
  button: (p, ctx) =>
    new PushButton({ pin: ctx.wire(p.pin, p.id), activeLevel: p.activeLevel, externalPull: p.externalPull === 'none' ? undefined : p.externalPull }),
  'slide-switch': (p, ctx) => new SlideSwitch({ pin: ctx.wire(p.pin, p.id), closedLevel: p.closedLevel }),
  speaker: (p, ctx) => {
    const speaker = new Speaker({ input: ctx.wire(p.input, p.id), enable: p.enable ? ctx.wire(p.enable, `${p.id} enable`) : undefined, scheduler: ctx.mcu.scheduler });
    ctx.mcu.dac.onOutput((cycle, _value, volts) => speaker.feed(cycle, volts));
    return speaker;
  },
  'pdm-microphone': (p, ctx) => {
    const mic = new PdmMicrophone({ clk: ctx.wire(p.clk, `${p.id} clock`), data: ctx.wire(p.data, `${p.id} data`) });
    ctx.mcu.i2s.attachBitSource(mic);
    return mic;
  },
  'touch-pads': (p, ctx) => ({
    names: Object.keys(p.pads),
    touch(pad, amount) {
      const chipPad = p.pads[pad];
      if (!chipPad) throw new Error(`no touch pad '${pad}' (pads: ${Object.keys(p.pads).join(', ')})`);
      ctx.mcu.ptc.setTouch(chipPad, amount);
    },
  }),
  led: (p, ctx) => new Led({ anode: ctx.wire(p.anode, p.id), color: p.color }),
  'ir-led': (p, ctx) => new IrLed({ anode: ctx.wire(p.anode, p.id), scheduler: ctx.mcu.scheduler, name: p.id }),
  'ir-receiver': (p, ctx) => new IrReceiver({ out: ctx.wire(p.out, p.id), scheduler: ctx.mcu.scheduler, name: p.id }),
  potentiometer: (p, ctx) => new Potentiometer({ wiper: ctx.wire(p.wiper, p.id), position: p.position }),
  'sd-card': (p, ctx) => {
    const card = new SdCard({ cs: ctx.wire(p.cs, `${p.id} CS`), name: p.id });
    ctx.spiBus(p.spi).attach(card);
    return card;
  },
  'i2s-amplifier': (p, ctx) => {
    const serializer = I2S_SD_PADS.findIndex((pads) => pads.includes(padIndex(p.din)));
    if (serializer < 0) throw new Error(`${p.id}: DIN ${p.din} is not an I2S SD pad (PA07, PA19, PA08, PB16)`);
    const amp = new I2sAmplifier({ din: ctx.wire(p.din, `${p.id} DIN`), scheduler: ctx.mcu.scheduler, name: p.id });
    ctx.mcu.i2s.onTransmit((m, data, slot, bits) => m === serializer && amp.slot(slot, data, bits));
    return amp;
  },
  ili9341: (p, ctx) => {
    let reset: Pin | undefined;
    if (p.reset) {
      reset = ctx.wire(p.reset, `${p.id} RESET`);
      reset.setPull('up', BOARD_PULL_OHMS); // the breakout's pull-up: the display runs with RESET unconnected
    }
    const display = new Ili9341({ cs: ctx.wire(p.cs, `${p.id} CS`), dc: ctx.wire(p.dc, `${p.id} DC`), reset, name: p.id });
    ctx.spiBus(p.spi).attach(display);
    return display;
  },
  'bluefruit-le-spi': (p, ctx) => {
    const reset = ctx.wire(p.reset, `${p.id} RST`);
    reset.setPull('up'); // the nRF51's reset pin has its own pull-up
    const module = new BluefruitLeSpi({
      cs: ctx.wire(p.cs, `${p.id} CS`),
      irq: ctx.wire(p.irq, `${p.id} IRQ`),
      reset,
      scheduler: ctx.mcu.scheduler,
      name: p.id,
    });
    ctx.spiBus(p.spi).attach(module);
    return module;
  },
  'usb-uart-bridge': (p, ctx) => {
    const bridge = new UsbUartBridge({ scheduler: ctx.mcu.scheduler, baud: p.baud, name: p.id });
    ctx.mcu.sercom[p.sercom].attachUart(bridge.link, { tx: p.tx, rx: p.rx });
    return bridge;
  },
};

/** Wiring helpers for one chip: part terminals on pad nets, one bus object per SERCOM. */
function wiringContext(mcu: Samd21): WiringContext {
  const spi = new Map<number, SpiBus>();
  const i2c = new Map<number, I2cBus>();
  const bonded = bondedPins(mcu.variant);
  const wire = (pad: PadName, label: string): Pin => {
    if (!bonded.includes(pad)) throw new Error(`${label}: SAMD21${mcu.variant} has no pad '${pad}' (its pads: ${bonded.join(', ')})`);
    const pin = new Pin(label, mcu.scheduler);
    connect(pin, mcu.pin(pad));
    return pin;
  };
  return {
    mcu,
    wire,
    spiBus(w) {
      let bus = spi.get(w.sercom);
      if (!bus) {
        bus = new SpiBus();
        mcu.sercom[w.sercom].attachSpi(bus, { miso: w.miso, mosi: w.mosi, sck: w.sck });
        spi.set(w.sercom, bus);
      }
      return bus;
    },
    i2cBus(w) {
      let bus = i2c.get(w.sercom);
      if (!bus) {
        bus = new I2cBus();
        mcu.sercom[w.sercom].attachI2c(bus, { sda: w.sda, scl: w.scl });
        // Board pull-ups on SDA/SCL (busio.I2C refuses a bus without them).
        if (w.pullUpOhms > 0) for (const pad of [w.sda, w.scl]) wire(pad, `I2C pull-up ${pad}`).setPull('up', w.pullUpOhms);
        // The same parts answer a controller that bit-bangs the two pads (bitbangio.I2C).
        new I2cPinTarget(bus, wire(w.sda, `I2C target SDA ${w.sda}`), wire(w.scl, `I2C target SCL ${w.scl}`));
        i2c.set(w.sercom, bus);
      }
      return bus;
    },
  };
}

function buildParts(spec: Samd21BoardSpec, ctx: WiringContext): Record<string, PartModel> {
  const parts: Record<string, PartModel> = {};
  for (const p of spec.parts) {
    if (p.id in parts) throw new Error(`${spec.name}: two parts named '${p.id}'`);
    parts[p.id] = (PART_BUILDERS[p.type] as PartBuilder<typeof p.type>)(p as never, ctx);
  }
  return parts;
}

function circuitpyStorage(spec: Samd21BoardSpec, mcu: Samd21, parts: Record<string, PartModel>): CircuitpyStorage {
  const placement = spec.circuitpy;
  if (placement.kind === 'spi-flash') {
    const flash = parts[placement.part];
    if (!(flash instanceof Gd25q16c)) throw new Error(`${spec.name}: CIRCUITPY part '${placement.part}' is not an SPI flash`);
    return { kind: 'spi-flash', bytes: flash.data, load: (bytes) => flash.load(bytes) };
  }
  const region = mcu.flash.u8.subarray(placement.offset, placement.offset + placement.size);
  return {
    kind: 'internal-flash',
    bytes: region,
    load: (bytes) => {
      if (bytes.length !== region.length) throw new Error(`a CIRCUITPY image for ${spec.name} is ${region.length} bytes, not ${bytes.length}`);
      mcu.loadSegments([{ address: placement.offset, data: bytes }]);
    },
  };
}

export interface Samd21BuildOptions {
  /** 'none': a chip with no CPU (the hosted engine, tests). */
  core?: 'cortex-m0plus' | 'none';
  /**
   * Parts the user wires to the board's pads, after the board's own (an LED on D5, a knob on A1,
   * a NeoPixel strip, a sensor on a SERCOM's pads): the same declarations a board file uses.
   */
  parts?: readonly Samd21PartSpec[];
}

/** Builds the board `spec` declares, with any user-wired parts. */
export function buildSamd21Board<S extends Samd21BoardSpec>(boardSpec: S, options: Samd21BuildOptions = {}): Samd21Board<PartsOf<S>> {
  const spec: Samd21BoardSpec = options.parts?.length ? { ...boardSpec, parts: [...boardSpec.parts, ...options.parts] } : boardSpec;
  const mcu = createSamd21({ variant: spec.chip.variant, xosc32kCrystal: spec.chip.crystal32k, core: options.core });
  const parts = buildParts(spec, wiringContext(mcu));
  return {
    name: spec.name,
    spec,
    architecture: 'ARM',
    machine: mcu.machine,
    mcu,
    parts: parts as PartsOf<S>,
    usb: mcu.usb,
    serialPorts: Object.fromEntries(spec.parts.filter((p) => p.type === 'usb-uart-bridge').map((p) => [p.id, parts[p.id] as UsbUartBridge])),
    regions: [{ name: 'flash', base: 0, size: FLASH_SIZE }],
    binBase: APPLICATION_BASE,
    circuitpy: circuitpyStorage(spec, mcu, parts),
    uf2FamilyId: SAMD21_UF2_FAMILY_ID,
    load(segments: LoadSegment[]) {
      // Our stand-in UF2 bootloader first, unless the image brings its own.
      const ownBootloader = segments.some((s) => s.address < BOOTLOADER_SIZE);
      if (!ownBootloader) mcu.loadSegments([{ address: 0, data: samd21BootloaderImage() }]);
      mcu.loadSegments(segments);
      mcu.powerOn();
    },
  };
}
