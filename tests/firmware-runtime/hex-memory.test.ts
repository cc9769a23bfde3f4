/**
 * Intel HEX parsing costs about the data's size in memory (issue 8 item 9: a 200 MB file took
 * 2.6 GB and 14 s). A 40 MB file is parsed in a child process whose JavaScript heap is capped at
 * 64 MB: the file and the data live in ArrayBuffers, so only a parser that keeps a string or an
 * object per line runs out of heap. Uses the built dist/ (`npm test` builds it first).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const hexModule = new URL('../../dist/firmware-runtime/images/hex.js', import.meta.url).href;

/** Builds `mb` MB of HEX (16-byte data records, 04 records every 64 KiB) as bytes, parses it, prints a summary. */
const child = `
const { parseIntelHex } = await import(${JSON.stringify(hexModule)});
const records = Math.floor((Number(process.argv[1]) * 1e6) / 44);
const out = new Uint8Array(records * 44 + (Math.floor(records / 4096) + 2) * 16);
const digit = (v) => (v < 10 ? 48 + v : 55 + v);
let p = 0;
const put = (b) => { out[p++] = digit(b >> 4); out[p++] = digit(b & 15); };
const record = (type, offset, data) => {
  out[p++] = 58;
  let sum = data.length + (offset >> 8) + (offset & 255) + type;
  put(data.length); put(offset >> 8); put(offset & 255); put(type);
  for (const d of data) { put(d); sum += d; }
  put(-sum & 255);
  out[p++] = 10;
};
for (let i = 0; i < records; i++) {
  const address = i * 16;
  if ((address & 0xffff) === 0) record(4, 0, [address >>> 24, (address >>> 16) & 255]);
  record(0, address & 0xffff, Array.from({ length: 16 }, (_, j) => (i + j) & 255));
}
record(1, 0, []);
const image = parseIntelHex(out.subarray(0, p));
const data = image.segments[0].data;
let ok = image.segments.length === 1 && data.length === records * 16;
for (let i = 0; ok && i < records; i += 997) ok = data[i * 16 + 5] === ((i + 5) & 255);
console.log(JSON.stringify({ ok, bytes: data.length }));
`;

describe('Intel HEX memory', () => {
  it('parses a 40 MB file within a 64 MB JavaScript heap', () => {
    const r = spawnSync(process.execPath, ['--max-old-space-size=64', '--input-type=module', '-e', child, '40'], { timeout: 60_000 });
    expect(r.stderr.toString()).not.toMatch(/heap out of memory/);
    expect(r.status, r.stderr.toString().slice(-500)).toBe(0);
    expect(JSON.parse(r.stdout.toString())).toEqual({ ok: true, bytes: Math.floor(40e6 / 44) * 16 });
  });
});
