/**
 * The WiFi access points around a board with a radio (the Feather HUZZAH): one per line in the
 * CLI's --wifi-ap form, `SSID[:channel[:RSSI[:security[:network]]]]`, checked here with the same
 * parser (a mistake is shown, nothing changes) and put on the air at once: MicroPython's scan()
 * finds them, connect() to an open one gets an address by DHCP (peripherals/esp8266/README.md).
 */
import { parseAccessPoints } from '../peripherals/esp8266/wifi-air.js';
import { store } from './store.js';
import { machine } from './machine.js';
import { el } from './dom.js';

export function mountWifi(host: HTMLElement): void {
  const fieldset = el('fieldset', 'wifi');
  const legend = document.createElement('legend');
  legend.textContent = 'WiFi';
  const label = document.createElement('label');
  label.htmlFor = 'wifi-aps';
  label.textContent = 'Access points in range, one per line: SSID[:channel[:RSSI[:security[:network]]]]';
  const text = document.createElement('textarea');
  text.id = 'wifi-aps';
  text.rows = 3;
  text.spellcheck = false;
  text.placeholder = 'home\nlab:6:-45:open:10.0.0.0/24\ncafe:11:-70:wpa2-psk';
  text.dataset.control = 'wifi';
  const apply = document.createElement('button');
  apply.type = 'button';
  apply.textContent = 'Apply';
  apply.dataset.control = 'wifi-apply';
  const status = document.createElement('output');
  status.setAttribute('role', 'status');
  status.className = 'wifi-status';
  status.textContent = 'No access point in range.';
  fieldset.append(legend, label, text, apply, status);
  host.append(fieldset);

  apply.addEventListener('click', () => {
    const specs = text.value.split('\n').map((l) => l.trim()).filter(Boolean);
    try {
      const accessPoints = parseAccessPoints(specs);
      machine.input({ kind: 'wifi', accessPoints });
      status.classList.remove('error');
      status.textContent = accessPoints.length === 0 ? 'No access point in range.' : `${accessPoints.length} access point${accessPoints.length > 1 ? 's' : ''} in range: ${accessPoints.map((a) => a.ssid).join(', ')}.`;
    } catch (e) {
      status.classList.add('error');
      status.textContent = (e as Error).message.replace(/^--wifi-ap /, '');
    }
  });
  fieldset.hidden = true;
  store.subscribe((s, prev) => {
    if (s.board !== prev.board) fieldset.hidden = !s.board?.has.wifi;
  });
}
