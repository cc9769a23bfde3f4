/** Human-readable register dumps for fault reports and debuggers. */
import type { CortexM0Plus } from './core.js';

const hex8 = (v: number): string => '0x' + (v >>> 0).toString(16).padStart(8, '0');

export function formatRegisters(core: CortexM0Plus): string {
  const snapshot = new Uint32Array(REGISTER_SNAPSHOT_WORDS);
  captureRegisters(core, snapshot);
  return formatRegisterSnapshot(snapshot);
}

/** Words captureRegisters fills: r0-r12, sp, lr, pc, xPSR, PRIMASK, CONTROL, MSP, PSP. */
export const REGISTER_SNAPSHOT_WORDS = 21;

/**
 * Copies what a register dump shows into `out`, formatting nothing: a fault the program handles
 * costs a few stores, and the text is made only if the fault is ever reported.
 */
export function captureRegisters(core: CortexM0Plus, out: Uint32Array): void {
  const r = core.r;
  for (let n = 0; n < 15; n++) out[n] = r[n]!;
  out[15] = core.pc;
  out[16] = core.xpsr;
  out[17] = core.primask;
  out[18] = (core.spsel << 1) | core.npriv;
  out[19] = core.getMsp();
  out[20] = core.getPsp();
}

export function formatRegisterSnapshot(s: Uint32Array): string {
  const lines: string[] = [];
  for (let row = 0; row < 4; row++) {
    const cells: string[] = [];
    for (let col = 0; col < 4; col++) {
      const n = row * 4 + col;
      const name = n === 13 ? 'sp' : n === 14 ? 'lr' : n === 15 ? 'pc' : `r${n}`;
      cells.push(`${name.padStart(3)}=${hex8(s[n]!)}`);
    }
    lines.push(cells.join(' '));
  }
  const xpsr = s[16]!;
  const flags = `${xpsr & (1 << 31) ? 'N' : 'n'}${xpsr & (1 << 30) ? 'Z' : 'z'}${xpsr & (1 << 29) ? 'C' : 'c'}${xpsr & (1 << 28) ? 'V' : 'v'}`;
  const ipsr = xpsr & 0x3f;
  const mode = ipsr ? `handler(exception ${ipsr})` : 'thread';
  lines.push(`xpsr=${hex8(xpsr)} [${flags}] mode=${mode} primask=${s[17]} control=${s[18]} msp=${hex8(s[19]!)} psp=${hex8(s[20]!)}`);
  return lines.join('\n');
}
