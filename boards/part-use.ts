/**
 * Which of a board's sensors and controls the running code has used, seen from the chip, so the web
 * app can show a control only once the code needs it (as MakeCode's simulator does). It works the
 * same for real firmware and the hosted engine because both program the same chip model:
 *  - light sensor, thermistor: the ADC converted the AIN input of the pad the part is wired to;
 *  - accelerometer (LIS3DH): an I2C transfer was addressed to it;
 *  - microphone: the I2S serializer pulled PDM bits from it;
 *  - touch pads: the PTC measured the pad's Y line;
 *  - buttons, slide switch: the pad's input buffer is enabled (PINCFG.INEN: digitalio made it an input).
 * A use is sticky: once seen, the part stays "used" for the life of the watch (a control does not
 * flicker away when a program deinits its pin between reads).
 *
 * Everything is read from counters and registers when asked (no hooks in the hot paths), so asking
 * at frame rate costs a few array reads and allocates only when a new use is found.
 */
import { ADC_AIN_PADS } from '../peripherals/samd21/adc.js';
import { PTC_Y_PADS } from '../peripherals/samd21/ptc.js';
import { PORT_PINCFG } from '../peripherals/samd21/port.js';
import { padIndex } from '../peripherals/samd21/chip.js';
import type { Lis3dh } from '../peripherals/devices/lis3dh.js';
import type { PdmMicrophone } from '../peripherals/devices/pdm-microphone.js';
import type { Samd21Board } from './samd21-board.js';

/** What `used()` names: a part id ('light', 'buttonA', ...) or, for a touch pad, `<touch part id>.<board name>` ('touch.A1'). */
export type PartUseKey = string;

export interface PartUse {
  /** The keys of every part used since the watch began, in the board's declaration order. */
  used(): readonly PartUseKey[];
}

/** One way a part can be seen in use: `check` is true once it has been. */
interface Probe {
  key: PartUseKey;
  check(): boolean;
}

/** Starts watching `board`: only uses after this call count (counters are read relative to now). */
export function watchPartUse(board: Samd21Board): PartUse {
  const probes: Probe[] = [];
  const { adc, ptc, port } = board.mcu;
  const adcInput = (pad: string): number => ADC_AIN_PADS.indexOf(padIndex(pad));
  const inputEnabled = (pad: string): boolean => {
    const i = padIndex(pad);
    return (port.PINCFG[i >> 5][i & 31].value & PORT_PINCFG.INEN) !== 0;
  };
  for (const spec of board.spec.parts) {
    const part = board.parts[spec.id];
    switch (spec.type) {
      case 'light-sensor':
      case 'thermistor': {
        const ain = adcInput(spec.out);
        if (ain < 0) break;
        const start = adc.conversionsByInput[ain];
        probes.push({ key: spec.id, check: () => adc.conversionsByInput[ain] !== start });
        break;
      }
      case 'lis3dh': {
        const chip = part as Lis3dh;
        const start = chip.transfers;
        probes.push({ key: spec.id, check: () => chip.transfers !== start });
        break;
      }
      case 'pdm-microphone': {
        const mic = part as PdmMicrophone;
        const start = mic.bitsProduced;
        probes.push({ key: spec.id, check: () => mic.bitsProduced !== start });
        break;
      }
      case 'touch-pads':
        for (const [name, pad] of Object.entries(spec.pads)) {
          const line = PTC_Y_PADS.indexOf(padIndex(pad));
          if (line < 0) continue;
          const start = ptc.measurementsByLine[line];
          probes.push({ key: `${spec.id}.${name}`, check: () => ptc.measurementsByLine[line] !== start });
        }
        break;
      case 'button':
      case 'slide-switch': {
        const pad = spec.pin;
        probes.push({ key: spec.id, check: () => inputEnabled(pad) });
        break;
      }
    }
  }
  let used: PartUseKey[] = [];
  const seen = probes.map(() => false);
  return {
    used() {
      let changed = false;
      for (let i = 0; i < probes.length; i++) {
        if (!seen[i] && probes[i].check()) seen[i] = changed = true;
      }
      if (changed) used = probes.filter((_, i) => seen[i]).map((p) => p.key);
      return used;
    },
  };
}
