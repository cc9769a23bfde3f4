/** Human-readable register dumps for fault reports and debuggers. */
import type { CortexM0Plus } from './core.js';

const hex8 = (v: number): string => '0x' + (v >>> 0).toString(16).padStart(8, '0');

export function formatRegisters(core: CortexM0Plus): string {
  const r = core.r;
  const lines: string[] = [];
  for (let row = 0; row < 4; row++) {
    const cells: string[] = [];
    for (let col = 0; col < 4; col++) {
      const n = row * 4 + col;
      const name = n === 13 ? 'sp' : n === 14 ? 'lr' : n === 15 ? 'pc' : `r${n}`;
      const value = n === 15 ? core.pc : r[n];
      cells.push(`${name.padStart(3)}=${hex8(value)}`);
    }
    lines.push(cells.join(' '));
  }
  const flags = `${core.N ? 'N' : 'n'}${core.Z ? 'Z' : 'z'}${core.C ? 'C' : 'c'}${core.V ? 'V' : 'v'}`;
  const ipsr = core.exceptions.ipsr;
  const mode = ipsr ? `handler(exception ${ipsr})` : 'thread';
  lines.push(
    `xpsr=${hex8(core.xpsr)} [${flags}] mode=${mode} primask=${core.primask} control=${(core.spsel << 1) | core.npriv} ` +
      `msp=${hex8(core.getMsp())} psp=${hex8(core.getPsp())}`,
  );
  return lines.join('\n');
}
