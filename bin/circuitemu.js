#!/usr/bin/env node
// Entry point of the `circuitemu` command: the compiled CLI lives in dist/ (built by `npm install`).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/emulator/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('circuitemu: not built yet; run `npm install` (or `npm run build`) in the package first\n');
  process.exit(64);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
