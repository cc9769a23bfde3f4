/**
 * Adafruit Circuit Playground Express: SAMD21G18A (crystal-less, 48 MHz from DFLL48M in USB
 * clock-recovery mode) and the parts soldered on the board, wired to the pads the CircuitPython
 * board definition names (../shared/design/samd21-circuitpython-facts.md §5, §9).
 *
 *   GD25Q16C 2 MiB SPI flash   SERCOM3 SPI (MISO PA16, MOSI PA20, SCK PA21), CS PB22
 *   10 NeoPixels (WS2812B)     DIN PB23
 *   red LED D13                PA17
 *   buttons A / B              PA28 / PA14 (to 3.3 V, external pull-downs)
 *   slide switch               PA15 (to GND; firmware enables the pull-up)
 *   LIS3DH accelerometer       SERCOM1 I2C (SDA PA00, SCL PA01) at 0x19, INT1 PA13
 *   light sensor ALS-PT19      PA11 (A8);  thermistor (10k NTC, β 3950)  PA09 (A9)
 *   speaker amplifier          DAC on PA02 (A0), enable PA30
 *   PDM microphone             clock PA10, data PA08 (I2S)
 *   touch pads A1-A7           PTC on PA05, PA06, PA07, PB02, PB03, PB09, PB08
 *   USB                        PA24/PA25 (the host side is attached by the emulator layer)
 */
import { BOARD_PULL_OHMS, Pin, connect } from '../emulator/kernel/signals.js';
import { SpiBus, I2cBus } from '../peripherals/devices/buses.js';
import { Gd25q16c } from '../peripherals/devices/gd25q16c.js';
import { Ws2812bChain } from '../peripherals/devices/ws2812b.js';
import { Lis3dh } from '../peripherals/devices/lis3dh.js';
import { AlsPt19 } from '../peripherals/devices/light-sensor.js';
import { NtcThermistor } from '../peripherals/devices/thermistor.js';
import { PushButton } from '../peripherals/devices/push-button.js';
import { SlideSwitch } from '../peripherals/devices/slide-switch.js';
import { Speaker } from '../peripherals/devices/speaker.js';
import { PdmMicrophone } from '../peripherals/devices/pdm-microphone.js';
import { createSamd21, type Samd21 } from '../peripherals/samd21/samd21.js';
import type { Sercom } from '../peripherals/samd21/sercom.js';
import type { DAC } from '../peripherals/samd21/dac.js';
import type { PTC } from '../peripherals/samd21/ptc.js';
import type { I2S } from '../peripherals/samd21/i2s.js';
import type { Samd21Usb } from '../peripherals/samd21/usb.js';
import { FLASH_SIZE } from '../peripherals/samd21/memory-map.js';
import { SAMD21_UF2_FAMILY_ID, samd21BootloaderImage, APPLICATION_BASE, BOOTLOADER_SIZE } from './samd21-bootloader.js';
import type { Board, LoadSegment } from './types.js';

/** CPX touch pads (board names A1-A7) and their pads. */
export const CPX_TOUCH_PADS: Record<string, string> = { A1: 'PA05', A2: 'PA06', A3: 'PA07', A4: 'PB03', A5: 'PB02', A6: 'PB09', A7: 'PB08' };

export interface CpxParts {
  flash: Gd25q16c;
  pixels: Ws2812bChain;
  accelerometer: Lis3dh;
  light: AlsPt19;
  thermistor: NtcThermistor;
  buttonA: PushButton;
  buttonB: PushButton;
  slideSwitch: SlideSwitch;
  speaker: Speaker;
  microphone: PdmMicrophone;
  /** Touch a pad by board name ('A1'..'A7'): true/false or an amount 0..1. */
  touch(pad: string, amount: boolean | number): void;
  /** The red LED (D13) is lit when PA17 is high. */
  readonly redLed: boolean;
}

export interface CpxBoard extends Board {
  readonly mcu: Samd21;
  readonly parts: CpxParts;
  readonly usb: Samd21Usb;
}

/** A part's own terminal wired to a chip pad. */
function wire(mcu: Samd21, pad: string, name: string): Pin {
  const pin = new Pin(name, mcu.scheduler);
  connect(pin, mcu.pin(pad));
  return pin;
}

export function createCpx(): CpxBoard {
  const mcu = createSamd21({ variant: 'G18A', xosc32kCrystal: false });
  const scheduler = mcu.scheduler;
  const peripheral = <T>(name: string): T => {
    const p = mcu.peripherals.get(name);
    if (!p) throw new Error(`cpx: the SAMD21 model has no ${name}`);
    return p as unknown as T;
  };

  const flash = new Gd25q16c({ cs: wire(mcu, 'PB22', 'flash CS'), scheduler, name: 'GD25Q16C' });
  const spi = new SpiBus();
  spi.attach(flash);
  peripheral<Sercom>('SERCOM3').attachSpi(spi, { miso: 'PA16', mosi: 'PA20', sck: 'PA21' }); // PAD0/2/3, function D

  const accelerometer = new Lis3dh({ scheduler, address: 0x19, int1: wire(mcu, 'PA13', 'LIS3DH INT1') });
  const i2c = new I2cBus();
  i2c.attach(accelerometer);
  peripheral<Sercom>('SERCOM1').attachI2c(i2c, { sda: 'PA00', scl: 'PA01' }); // PAD0/1, function D
  // 10 kΩ pull-ups on SDA/SCL (busio.I2C refuses a bus without them).
  for (const pad of ['PA00', 'PA01']) wire(mcu, pad, `I2C pull-up ${pad}`).setPull('up', BOARD_PULL_OHMS);

  const pixels = new Ws2812bChain({ din: wire(mcu, 'PB23', 'NeoPixel DIN'), count: 10, scheduler, name: 'NeoPixels' });
  const light = new AlsPt19({ out: wire(mcu, 'PA11', 'light sensor'), lux: 100 });
  const thermistor = new NtcThermistor({ out: wire(mcu, 'PA09', 'thermistor'), celsius: 25, highSide: true });
  const buttonA = new PushButton({ pin: wire(mcu, 'PA28', 'button A'), activeLevel: 1, externalPull: 'down' });
  const buttonB = new PushButton({ pin: wire(mcu, 'PA14', 'button B'), activeLevel: 1, externalPull: 'down' });
  const slideSwitch = new SlideSwitch({ pin: wire(mcu, 'PA15', 'slide switch'), closedLevel: 0 });
  const speaker = new Speaker({ input: wire(mcu, 'PA02', 'speaker'), enable: wire(mcu, 'PA30', 'speaker enable'), scheduler });
  peripheral<DAC>('DAC').onOutput((cycle, _value, volts) => speaker.feed(cycle, volts));
  const microphone = new PdmMicrophone({ clk: wire(mcu, 'PA10', 'mic clock'), data: wire(mcu, 'PA08', 'mic data') });
  peripheral<I2S>('I2S').attachBitSource(microphone);
  const ptc = peripheral<PTC>('PTC');
  const led = mcu.pin('PA17');

  const parts: CpxParts = {
    flash, pixels, accelerometer, light, thermistor, buttonA, buttonB, slideSwitch, speaker, microphone,
    touch(pad, amount) {
      const chipPad = CPX_TOUCH_PADS[pad];
      if (!chipPad) throw new Error(`cpx: no touch pad '${pad}' (pads: ${Object.keys(CPX_TOUCH_PADS).join(', ')})`);
      ptc.setTouch(chipPad, amount);
    },
    get redLed() {
      return led.level === 1;
    },
  };

  return {
    name: 'cpx',
    architecture: 'ARM',
    machine: mcu.machine,
    mcu,
    parts,
    usb: peripheral<Samd21Usb>('USB'),
    regions: [{ name: 'flash', base: 0, size: FLASH_SIZE }],
    binBase: APPLICATION_BASE,
    circuitpy: { kind: 'spi-flash', bytes: flash.data, load: (bytes) => flash.load(bytes) },
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
