/**
 * The layering of DEVELOPERS.md ("Where things go"), checked on every import of every source file:
 * imports point down the layers only, and nothing below the CLI imports a `node:` module (the
 * same code runs in a browser Web Worker).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Layer of a file (most specific folder first) and the layers it may import from. */
const LAYERS: { folder: string; mayImport: string[] }[] = [
  { folder: 'emulator/kernel', mayImport: [] },
  { folder: 'cpu-armv6m', mayImport: ['emulator/kernel'] },
  { folder: 'cpu-xtensa', mayImport: ['emulator/kernel'] },
  { folder: 'peripherals', mayImport: ['emulator/kernel'] },
  { folder: 'boards/chips', mayImport: ['peripherals', 'cpu-armv6m', 'cpu-xtensa', 'emulator/kernel'] },
  // Boards are data plus wiring over chips; the bare test boards (test-m0, test-lx106) are a core
  // and a console with no chip around them, so boards may also name a core.
  { folder: 'boards', mayImport: ['boards/chips', 'peripherals', 'cpu-armv6m', 'cpu-xtensa', 'emulator/kernel'] },
  { folder: 'firmware-runtime', mayImport: ['boards', 'peripherals', 'cpu-armv6m', 'cpu-xtensa', 'emulator/kernel'] },
  { folder: 'emulator', mayImport: ['firmware-runtime', 'boards', 'peripherals', 'cpu-armv6m', 'cpu-xtensa', 'emulator/kernel'] },
  { folder: 'ui', mayImport: ['emulator', 'firmware-runtime', 'boards', 'peripherals', 'cpu-armv6m', 'cpu-xtensa', 'emulator/kernel'] },
];

/** The CLI and its host-side helpers: the only sources that may use Node's own modules. */
const NODE_ALLOWED = [
  /^emulator\/cli\.ts$/,
  /^emulator\/demo\.ts$/,
  /^emulator\/drive\.ts$/,
  /^emulator\/host-files\.ts$/,
  /^emulator\/node\//,
  // `circuitemu test` (reads scenarios, writes reports) and `--gdb` (a TCP server): CLI commands.
  /^emulator\/scenario\/cli\.ts$/,
  // `circuitemu snapshot` and --snapshot-load (read and write snapshot files).
  /^emulator\/snapshot\/cli\.ts$/,
  /^emulator\/gdb\/(cli|tcp)\.ts$/,
];

function layerOf(file: string) {
  return LAYERS.find((l) => file === l.folder || file.startsWith(`${l.folder}/`));
}

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...sources(path));
    else if (/\.ts$/.test(name) && !/\.d\.ts$/.test(name)) out.push(path);
  }
  return out;
}

function imports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    found.push(m[1] ?? m[2]);
  }
  return found;
}

const FILES = LAYERS.map((l) => l.folder)
  .filter((f) => !f.includes('/') || f === 'emulator/kernel')
  .flatMap((f) => {
    try {
      return sources(f);
    } catch {
      return []; // a layer with no folder yet (ui/ before the web app)
    }
  })
  .filter((f, i, all) => all.indexOf(f) === i);

describe('layering', () => {
  it('finds the sources', () => {
    expect(FILES.length).toBeGreaterThan(80);
  });

  it('every import points down the layers (or stays in its own)', () => {
    const wrong: string[] = [];
    for (const file of FILES) {
      const layer = layerOf(file)!;
      for (const spec of imports(file)) {
        if (!spec.startsWith('.')) continue;
        const target = relative(ROOT, resolve(ROOT, dirname(file), spec));
        const targetLayer = layerOf(target);
        if (!targetLayer) {
          wrong.push(`${file} imports ${spec}, outside every layer`);
          continue;
        }
        if (targetLayer === layer || layer.mayImport.includes(targetLayer.folder)) continue;
        // A folder may always import its own sub-layers' siblings within the same top folder only
        // when the table says so; anything else is an upward or sideways import.
        wrong.push(`${file} (${layer.folder}) imports ${target} (${targetLayer.folder})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('nothing below the CLI imports a node: module', () => {
    const wrong: string[] = [];
    for (const file of FILES) {
      if (NODE_ALLOWED.some((re) => re.test(file))) continue;
      for (const spec of imports(file)) if (spec.startsWith('node:') || ['fs', 'path', 'os', 'child_process', 'worker_threads'].includes(spec)) wrong.push(`${file} imports ${spec}`);
    }
    expect(wrong).toEqual([]);
  });
});
