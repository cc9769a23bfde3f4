/** Loading firmware: a file picked or dropped anywhere on the page goes to the firmware engine. */
import { machine } from './machine.js';
import { notify } from './store.js';

/** Bigger than any SAMD21 image (256 KiB flash; a UF2 doubles it): refuse before reading it all. */
const MAX_FIRMWARE_BYTES = 4 * 1024 * 1024;

export async function loadFirmwareFile(file: File): Promise<void> {
  if (file.size > MAX_FIRMWARE_BYTES) {
    notify('error', `${file.name} is ${(file.size / 1048576).toFixed(1)} MiB: too big to be firmware for this board (at most 4 MiB). The board keeps running.`);
    return;
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  notify('info', `Loading ${file.name}…`);
  machine.loadFirmware(file.name, bytes);
}

export function mountFirmwareDrop(input: HTMLInputElement, hint: HTMLElement): void {
  input.addEventListener('change', () => {
    const f = input.files?.[0];
    if (f) void loadFirmwareFile(f);
    input.value = '';
  });
  let depth = 0;
  window.addEventListener('dragenter', (e) => {
    if (!e.dataTransfer?.types.includes('Files')) return;
    depth++;
    hint.hidden = false;
  });
  window.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) hint.hidden = true;
  });
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => {
    e.preventDefault();
    depth = 0;
    hint.hidden = true;
    const f = e.dataTransfer?.files[0];
    // A file dropped on the file list is a file for the drive, not firmware.
    if (!f || (e.target instanceof Element && e.target.closest('.files'))) return;
    if (/\.py$|\.txt$|\.json$|\.toml$|\.mpy$/i.test(f.name)) {
      notify('error', `${f.name} is not firmware: drop it on the file list to put it on CIRCUITPY.`);
      return;
    }
    void loadFirmwareFile(f);
  });
}
