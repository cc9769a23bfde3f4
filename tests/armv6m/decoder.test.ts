/**
 * The decode table and the interpreter's case labels. The interpreter switches over numeric
 * literals (named in comments) for speed; this checks every label against the `Op` enum.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Op, opcodeTable } from '../../cpu-armv6m/decoder.js';

const source = readFileSync(new URL('../../cpu-armv6m/core.ts', import.meta.url), 'utf8');
const labels = [...source.matchAll(/case (\d+) \/\* (\w+) \*\/:/g)].map((m) => ({ value: Number(m[1]), name: m[2] }));

describe('ARMv6-M decoder', () => {
  it('every case label of the interpreter is the value of the Op it names', () => {
    expect(labels.length).toBeGreaterThan(70);
    for (const { value, name } of labels) expect(`${name}=${value}`).toBe(`${name}=${Op[name as keyof typeof Op]}`);
  });

  it('every operation but the undefined ones has a case', () => {
    const handled = new Set(labels.map((l) => l.name));
    const ops = Object.keys(Op).filter((k) => Number.isNaN(Number(k)));
    const missing = ops.filter((k) => !handled.has(k) && !['UNDEFINED', 'T32_UNDEFINED', 'UDF'].includes(k));
    expect(missing).toEqual([]);
  });

  it.each([
    // encodings from GNU as (arm-none-eabi-as -mcpu=cortex-m0plus)
    [0x1840, Op.ADD_REG], [0x4148, Op.ADC], [0x0808, Op.LSR_IMM], [0x4348, Op.MUL], [0xba08, Op.REV],
    [0xbac8, Op.REVSH], [0xba88, Op.UNDEFINED], [0x4678, Op.MOV_HI], [0x4700, Op.BX], [0x4780, Op.BLX],
    [0xb503, Op.PUSH], [0xbd0c, Op.POP], [0xc905, Op.LDM], [0xdf05, Op.SVC], [0xde00, Op.UDF],
    [0xbeab, Op.BKPT], [0xbf30, Op.WFI], [0xbf20, Op.WFE], [0xbf40, Op.SEV], [0xbf10, Op.YIELD],
    [0xbf08, Op.UNDEFINED /* IT */], [0xb672, Op.CPS], [0xb662, Op.CPS], [0xb100, Op.UNDEFINED /* CBZ */],
    [0xf3ef, Op.T32], [0xf000, Op.T32], [0xe800, Op.T32_UNDEFINED], [0xf800, Op.T32_UNDEFINED], [0xe7fe, Op.B],
  ])('halfword 0x%s decodes to op %s', (h, op) => {
    expect(opcodeTable()[h]).toBe(op);
  });
});
