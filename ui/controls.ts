/**
 * The sensor controls beside the board: light, temperature, sound level, tilt and shake. As in
 * MakeCode's simulator, a sensor's control appears once the running code has used the sensor (the
 * chip model saw it: boards/part-use.ts), on either engine. Buttons A/B, the slide switch, the touch
 * pads and reset are on the board drawing itself (board-view.ts outlines those the code reads).
 * Every control is a native form element with a label.
 */
import { store, setInputs, type AppState, type Inputs } from './store.js';
import { machine } from './machine.js';
import { tiltToG } from './tilt.js';
import { el } from './dom.js';

interface SliderSpec {
  key: 'lux' | 'celsius' | 'dbSpl' | 'pitch' | 'roll';
  /** The board part the slider moves; hidden on boards without it. */
  part: 'light' | 'temperature' | 'sound' | 'accelerometer';
  label: string;
  min: number;
  max: number;
  step: number;
  unit: string;
  /** Slider position <-> value (the light slider is logarithmic). */
  toValue?: (v: number) => number;
  toSlider?: (v: number) => number;
}

const SLIDERS: SliderSpec[] = [
  { key: 'lux', part: 'light', label: 'Light', min: 0, max: 4, step: 0.01, unit: 'lux', toValue: (v) => Math.round(10 ** v - 1), toSlider: (v) => Math.log10(v + 1) },
  { key: 'celsius', part: 'temperature', label: 'Temperature', min: -20, max: 60, step: 0.5, unit: '°C' },
  { key: 'dbSpl', part: 'sound', label: 'Sound level', min: 30, max: 110, step: 1, unit: 'dB SPL' },
  { key: 'roll', part: 'accelerometer', label: 'Tilt left/right', min: -90, max: 90, step: 1, unit: '°' },
  { key: 'pitch', part: 'accelerometer', label: 'Tilt forward/back', min: -90, max: 90, step: 1, unit: '°' },
];


function sendSlider(key: SliderSpec['key'], inputs: Inputs): void {
  if (key === 'lux') machine.input({ kind: 'light', lux: inputs.lux });
  else if (key === 'celsius') machine.input({ kind: 'temperature', celsius: inputs.celsius });
  else if (key === 'dbSpl') machine.input({ kind: 'sound', dbSpl: inputs.dbSpl });
  else machine.input({ kind: 'tilt', ...tiltToG(inputs.pitch, inputs.roll) });
}

/**
 * Whether the code has used `part`. With no engine (the CPU-less chip, before a .uf2 is dropped) no code
 * runs and every control is shown, so the room can be set up beforehand.
 */
function inUse(st: AppState, part: SliderSpec['part']): boolean {
  return st.engine === 'none' || st.used.includes(part);
}

export function mountControls(host: HTMLElement): void {
  const fieldset = el('fieldset', 'sensors');
  const legend = document.createElement('legend');
  legend.textContent = 'Sensors';
  fieldset.append(legend);
  for (const s of SLIDERS) {
    const row = el('label', 'slider');
    const name = document.createElement('span');
    name.textContent = s.label;
    const input = document.createElement('input');
    input.type = 'range';
    input.min = String(s.min);
    input.max = String(s.max);
    input.step = String(s.step);
    input.dataset.control = s.key;
    const value = store.getState().inputs[s.key];
    input.value = String(s.toSlider ? s.toSlider(value) : value);
    const out = document.createElement('output');
    const show = (v: number) => {
      out.textContent = `${v} ${s.unit}`;
      input.setAttribute('aria-valuetext', `${v} ${s.unit}`);
    };
    show(value);
    input.addEventListener('input', () => {
      const raw = Number(input.value);
      const v = s.toValue ? s.toValue(raw) : raw;
      show(v);
      setInputs({ [s.key]: v } as Partial<Inputs>);
      sendSlider(s.key, store.getState().inputs);
    });
    // Follow changes made elsewhere (dragging the board tilts it); show only what the code has used.
    row.hidden = true;
    store.subscribe((st, prev) => {
      if (st.board !== prev.board || st.used !== prev.used || st.engine !== prev.engine) row.hidden = !st.board?.has[s.part] || !inUse(st, s.part);
      const v = st.inputs[s.key];
      if (v !== prev.inputs[s.key] && document.activeElement !== input) {
        input.value = String(s.toSlider ? s.toSlider(v) : v);
        show(v);
      }
    });
    row.append(name, input, out);
    fieldset.append(row);
  }
  const shake = document.createElement('button');
  shake.type = 'button';
  shake.textContent = 'Shake';
  shake.dataset.control = 'shake';
  shake.setAttribute('aria-label', 'Shake the board');
  shake.addEventListener('click', () => machine.input({ kind: 'shake' }));
  shake.hidden = true;
  const hint = el('p', 'sensors-hint');
  hint.textContent = 'A sensor\'s control appears here once the running code reads it.';
  fieldset.append(shake, hint);
  host.append(fieldset);
  store.subscribe((st, prev) => {
    if (!st.board || (st.board === prev.board && st.used === prev.used && st.engine === prev.engine)) return;
    shake.hidden = !st.board.has.accelerometer || !inUse(st, 'accelerometer');
    fieldset.hidden = !SLIDERS.some((s) => st.board!.has[s.part]);
    hint.hidden = SLIDERS.some((s) => st.board!.has[s.part] && inUse(st, s.part));
  });
}
