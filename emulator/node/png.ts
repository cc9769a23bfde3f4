/**
 * PNG files for screenshots (CLI layer: node:fs and pngjs, a maintained encoder/decoder).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import pngjs from 'pngjs';
import type { ScreenshotFiles } from '../scenario/runner.js';
import type { RgbaImage } from '../screenshot/render.js';

export function encodePng(image: RgbaImage): Buffer {
  const png = new pngjs.PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length);
  return pngjs.PNG.sync.write(png);
}

export function decodePng(bytes: Uint8Array): RgbaImage {
  const png = pngjs.PNG.sync.read(Buffer.from(bytes));
  return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length) };
}

/** Screenshot files relative to the scenario file's folder; failures are messages for the step. */
export function screenshotFiles(scenarioFile: string): ScreenshotFiles {
  const here = dirname(scenarioFile);
  const saveNow = (path: string, image: RgbaImage): void => {
    const full = resolve(here, path);
    try {
      writeFileSync(full, encodePng(image));
    } catch (e) {
      throw new Error(`cannot write ${full}: ${(e as Error).message}`);
    }
  };
  const loadNow = (path: string): RgbaImage => {
    const full = resolve(here, path);
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(full);
    } catch (e) {
      throw new Error(`cannot read ${full}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
    try {
      return decodePng(bytes);
    } catch (e) {
      throw new Error(`${full} is not a PNG image: ${(e as Error).message}`);
    }
  };
  return {
    save: async (path, image) => saveNow(path, image),
    load: async (path) => loadNow(path),
    saveNow,
    loadNow,
  };
}
