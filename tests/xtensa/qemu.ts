/**
 * Running raw code on `qemu-system-xtensa -M sim -cpu lx106` for the differential tests.
 * Semihosting output is QEMU's stdout (no serial console), so binary dumps arrive intact.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const QEMU = process.env.QEMU_XTENSA ?? 'qemu-system-xtensa';

export function qemuAvailable(): boolean {
  try {
    execFileSync(QEMU, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface QemuRun {
  output: Uint8Array;
  status: number | null;
  stderr: string;
}

/** Loads raw segments, starts at `entry`, returns what the program wrote through simcall. */
export function runQemuRaw(segments: { address: number; data: Uint8Array }[], entry: number, timeoutMs = 30_000): QemuRun {
  const dir = mkdtempSync(join(tmpdir(), 'lx106-diff-'));
  try {
    // With no serial console, simcall write(1, ...) goes straight to QEMU's stdout (binary-safe).
    const args = ['-M', 'sim', '-cpu', 'lx106', '-nographic', '-monitor', 'none', '-serial', 'none', '-semihosting'];
    segments.forEach((s, i) => {
      const file = join(dir, `seg${i}.bin`);
      writeFileSync(file, s.data);
      args.push('-device', `loader,file=${file},addr=0x${s.address.toString(16)},force-raw=on`);
    });
    args.push('-device', `loader,addr=0x${entry.toString(16)},cpu-num=0`);
    const r = spawnSync(QEMU, args, { timeout: timeoutMs, encoding: 'buffer' });
    const output = new Uint8Array(r.stdout ?? new Uint8Array(0));
    return { output, status: r.status, stderr: r.stderr?.toString() ?? '' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
