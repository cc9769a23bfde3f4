/**
 * The per-board module table in boards/README.md is generated from the data that drives
 * tests/firmware-real/modules.test.ts (tests/firmware-real/module-table.ts): this checks that the
 * two agree, so the docs say only what the firmware tests check. UPDATE_MODULE_TABLE=1 rewrites
 * the README's table from the data.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BOARDS as CATALOGUE } from '../../boards/index.js';
import { BOARDS, MODULES, MODULE_STATUS, TABLE_END, TABLE_START, renderModuleTable } from '../firmware-real/module-table.js';

const README = new URL('../../boards/README.md', import.meta.url);

describe('the per-board module table', () => {
  it('covers every SAMD21 board of the catalogue and every module on each', () => {
    const samd21 = CATALOGUE.filter((b) => b.name !== 'test-m0' && b.name !== 'test-lx106' && !b.name.startsWith('feather_huzzah')).map((b) => b.name);
    expect([...BOARDS].sort()).toEqual(samd21.sort());
    for (const b of BOARDS) for (const m of MODULES) expect(MODULE_STATUS[b][m], `${b} ${m}`).toBeDefined();
  });

  it('in boards/README.md is the one generated from the test data', () => {
    const text = readFileSync(README, 'utf8');
    const start = text.indexOf(TABLE_START);
    const end = text.indexOf(TABLE_END);
    expect(start, `boards/README.md has no line ${TABLE_START}`).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    const table = renderModuleTable();
    if (process.env.UPDATE_MODULE_TABLE) {
      writeFileSync(README, `${text.slice(0, start + TABLE_START.length)}\n${table}\n${text.slice(end)}`);
      return;
    }
    expect(text.slice(start + TABLE_START.length, end).trim()).toBe(table);
  });
});
