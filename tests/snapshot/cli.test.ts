/**
 * Snapshots through the built CLI: `circuitemu snapshot` + `run --snapshot-load` print exactly
 * what one cold run prints (and end with its status), and every bad snapshot file or flag
 * combination gets a precise message and its documented status, never a stack trace.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, 'bin/circuitemu.js');
const demo = join(root, 'tests/firmware/demo/demo.elf');
const scratch = mkdtempSync(join(tmpdir(), 'circuitemu-snapshot-'));
const snap = join(scratch, 'demo.snap');
const MAGIC = 'CIRCUITEMU SNAPSHOT\n';

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { timeout: 120_000 });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

/** The snapshot with its header changed by `edit` (the payload re-packed as the writer packs it). */
function withHeader(edit: (header: Record<string, unknown>) => void): string {
  const bytes = readFileSync(snap);
  const payload = gunzipSync(bytes.subarray(MAGIC.length));
  const length = payload.readUInt32LE(0);
  const header = JSON.parse(payload.subarray(4, 4 + length).toString()) as Record<string, unknown>;
  edit(header);
  const json = Buffer.from(JSON.stringify(header));
  const size = Buffer.alloc(4);
  size.writeUInt32LE(json.length);
  const out = join(scratch, `edited-${Math.random().toString(36).slice(2)}.snap`);
  writeFileSync(out, Buffer.concat([Buffer.from(MAGIC), gzipSync(Buffer.concat([size, json, payload.subarray(4 + length)]))]));
  return out;
}

describe('circuitemu snapshot / run --snapshot-load', () => {
  let saved: ReturnType<typeof cli>;
  beforeAll(() => {
    saved = cli('snapshot', '--board', 'test-m0', '--firmware', demo, '--at', '0.1', '--output', snap);
  });

  it('a run from the snapshot prints what the cold run prints after that point, and ends the same', () => {
    expect(saved.stderr).toMatch(/^circuitemu snapshot: saved test-m0 at 0\.100000 simulated s \(\d+ cycles\) to .*demo\.snap \(\d+ bytes\)\n$/);
    expect(saved.status).toBe(0);
    const cold = cli('run', '--board', 'test-m0', '--firmware', demo, '--timeout', '5', '--stats');
    const warm = cli('run', '--snapshot-load', snap, '--timeout', '5', '--stats');
    expect(saved.stdout.length).toBeGreaterThan(0);
    expect(warm.stdout.length).toBeGreaterThan(0);
    expect(saved.stdout + warm.stdout).toBe(cold.stdout);
    expect(warm.status).toBe(cold.status);
    // The same cycle and instruction counts at the end: the restored machine is the same machine.
    const counts = (s: string) => /(\d+) instructions, (\d+) cycles/.exec(s)?.slice(1);
    expect(counts(warm.stderr)).toEqual(counts(cold.stderr));
  });

  it('refuses files that are not snapshots, are damaged or cut short (status 65)', () => {
    const bytes = readFileSync(snap);
    const cases: [string, Uint8Array, RegExp][] = [
      ['not-a-snapshot', readFileSync(demo), /not a circuitemu snapshot/],
      ['truncated', bytes.subarray(0, bytes.length >> 1), /corrupt snapshot/],
      ['flipped', Uint8Array.from(bytes, (b, i) => (i === bytes.length - 12 ? b ^ 0xff : b)), /corrupt snapshot/],
      ['empty', new Uint8Array(0), /not a circuitemu snapshot/],
    ];
    for (const [name, data, message] of cases) {
      const file = join(scratch, `${name}.snap`);
      writeFileSync(file, data);
      const r = cli('run', '--snapshot-load', file, '--timeout', '1');
      expect(r.stderr, name).toMatch(message);
      expect(r.stderr, name).not.toMatch(/\n\s+at /);
      expect(r.status, name).toBe(65);
    }
  });

  it('refuses a snapshot of another board, format or version, and one whose models changed', () => {
    const other = cli('run', '--snapshot-load', snap, '--board', 'cpx', '--timeout', '1');
    expect(other.stderr).toMatch(/the snapshot is of board test-m0, not cpx/);
    expect(other.status).toBe(65);
    const format = cli('run', '--snapshot-load', withHeader((h) => (h.format = 99)), '--timeout', '1');
    expect(format.stderr).toMatch(/the snapshot has format 99; this circuitemu reads format 1/);
    expect(format.status).toBe(65);
    const version = cli('run', '--snapshot-load', withHeader((h) => (h.version = '0.0.1')), '--timeout', '1');
    expect(version.stderr).toMatch(/written by circuitemu 0\.0\.1; this is \d+\.\d+\.\d+/);
    expect(version.status).toBe(65);
    // A model that gained a class the board does not have (a future version's state).
    const models = cli(
      'run', '--snapshot-load',
      withHeader((h) => {
        const records = h.records as { t: string; c?: string }[];
        const i = records.findIndex((r) => r.t === 'object' && r.c === 'HostStream');
        records[i].c = 'HostStreamV2';
      }),
      '--timeout', '1',
    );
    expect(models.stderr).toMatch(/does not fit this board: board\.machine\.std\w+ is a HostStreamV2/);
    expect(models.status).toBe(65);
  });

  it('usage errors: flags the snapshot replaces, a missing --at, a missing file', () => {
    for (const [args, message] of [
      [['run', '--snapshot-load', snap, '--firmware', demo], /--snapshot-load and --firmware do not go together/],
      [['run', '--snapshot-load', snap, '--drive', scratch], /--snapshot-load and --drive do not go together/],
      [['snapshot', '--board', 'test-m0', '--firmware', demo, '--output', snap], /needs --at SIM_SECONDS/],
      [['snapshot', '--board', 'test-m0', '--firmware', demo, '--at', 'soon', '--output', snap], /not 'soon'/],
      [['snapshot', '--board', 'nope', '--firmware', demo, '--at', '1', '--output', snap], /unknown board 'nope'/],
    ] as [string[], RegExp][]) {
      const r = cli(...args);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.status, args.join(' ')).toBe(64);
    }
    const missing = cli('run', '--snapshot-load', join(scratch, 'none.snap'));
    expect(missing.stderr).toMatch(/cannot read .*none\.snap/);
    expect(missing.status).toBe(66);
    const unwritable = cli('snapshot', '--board', 'test-m0', '--firmware', demo, '--at', '0.001', '--output', join(scratch, 'no/such/dir.snap'));
    expect(unwritable.stderr).toMatch(/cannot write snapshot/);
    expect(unwritable.status).toBe(73);
  });

  it('a firmware that ends before --at is reported, and nothing is saved (status 125)', () => {
    const r = cli('snapshot', '--board', 'test-m0', '--firmware', demo, '--at', '100', '--output', join(scratch, 'late.snap'));
    expect(r.stderr).toMatch(/the firmware stopped at [\d.]+ s, before 100 s/);
    expect(r.status).toBe(125);
  });
});
