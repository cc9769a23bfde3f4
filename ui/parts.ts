/**
 * External parts from @wokwi/elements wired to the board's pads: an LED from a pad to GND (lit
 * while the pad is high) and a push button from a pad to GND (firmware enables the pull-up).
 */
import '@wokwi/elements/dist/esm/led-element.js';
import '@wokwi/elements/dist/esm/pushbutton-element.js';
import { store } from './store.js';
import { machine } from './machine.js';
import { el } from './dom.js';

export function mountParts(host: HTMLElement): void {
  const fieldset = el('fieldset', 'parts');
  const legend = document.createElement('legend');
  legend.textContent = 'External parts';
  const row = el('div', 'parts-add');
  const padLabel = document.createElement('label');
  padLabel.textContent = 'Pad ';
  const select = document.createElement('select');
  select.dataset.control = 'part-pad';
  padLabel.append(select);
  const addLed = document.createElement('button');
  addLed.type = 'button';
  addLed.textContent = 'Add LED';
  const addButton = document.createElement('button');
  addButton.type = 'button';
  addButton.textContent = 'Add button';
  row.append(padLabel, addLed, addButton);
  const list = el('ul', 'parts-list');
  list.setAttribute('aria-label', 'External parts wired to the board');
  fieldset.append(legend, row, list);
  host.append(fieldset);

  const leds: { el: HTMLElement & { value: boolean }; pad: string }[] = [];

  store.subscribe((s, prev) => {
    if (s.board && s.board !== prev.board) {
      // The board's analog/digital pads by their CircuitPython names (A0..A7 on the CPX).
      const names = Object.keys(s.board.pins).filter((n) => /^A\d$/.test(n));
      select.replaceChildren(...names.map((n) => new Option(`${n} (${s.board!.pins[n]})`, n)));
      // A board whose pad levels the web app does not model (the ESP8266) takes no wired parts.
      fieldset.hidden = names.length === 0 || s.board.pads.length === 0;
    }
    if (s.frame && s.board && s.frame !== prev.frame) {
      for (const led of leds) led.el.value = s.frame.pins[s.board.pads.indexOf(led.pad)] === 1;
    }
  });

  const item = (name: string, el: HTMLElement, remove: () => void) => {
    const li = document.createElement('li');
    const label = document.createElement('span');
    label.textContent = name;
    const del = document.createElement('button');
    del.type = 'button';
    del.textContent = '×';
    del.setAttribute('aria-label', `Remove ${name}`);
    del.addEventListener('click', () => {
      remove();
      li.remove();
    });
    li.append(el, label, del);
    list.append(li);
  };

  addLed.addEventListener('click', () => {
    const board = store.getState().board;
    if (!board) return;
    const name = select.value;
    const el = document.createElement('wokwi-led') as HTMLElement & { value: boolean; color: string; label: string };
    el.color = 'green';
    el.label = name;
    const entry = { el, pad: board.pins[name] };
    leds.push(entry);
    item(`LED on ${name}`, el, () => leds.splice(leds.indexOf(entry), 1));
  });

  addButton.addEventListener('click', () => {
    const board = store.getState().board;
    if (!board) return;
    const name = select.value;
    const pad = board.pins[name];
    const el = document.createElement('wokwi-pushbutton') as HTMLElement & { label: string; color: string };
    el.color = 'blue';
    el.label = name;
    el.dataset.control = `external-button-${name}`;
    el.addEventListener('button-press', () => machine.input({ kind: 'external-button', pad, pressed: true }));
    el.addEventListener('button-release', () => machine.input({ kind: 'external-button', pad, pressed: false }));
    item(`Button on ${name}`, el, () => machine.input({ kind: 'external-button', pad, pressed: false }));
  });
}
