/**
 * `circuitemu test` on our own firmware (no third-party firmware needed): the USB echo firmware
 * on the CPX and semihosting test programs on test-m0. Passes, a deliberately wrong expectation,
 * timeouts, reports, determinism of the serial log, and bad input with its exit status.
 * Runs the built CLI (`npm test` builds dist/ first).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, 'bin/circuitemu.js');
const echoElf = join(root, 'tests/firmware/samd21-usb/usb_echo.elf');
const printfElf = join(root, 'tests/firmware/armv6m/printf.elf');
const scratch = mkdtempSync(join(tmpdir(), 'circuitemu-scenario-'));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [bin, 'test', ...args], { timeout: 60_000 });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

function scenario(name: string, yaml: string): string {
  const path = join(scratch, name);
  writeFileSync(path, yaml);
  return path;
}

const echoHeader = `board: cpx\nfirmware: ${echoElf}\nreload: false\ntimeout: 5s\n`;

describe('circuitemu test on our own firmware', () => {
  it('passes the committed echo scenario and writes JUnit and serial-log reports', () => {
    const junit = join(scratch, 'echo.xml');
    const log = join(scratch, 'echo.log');
    const r = cli([join(root, 'tests/scenario/files/echo.yaml'), '--junit', junit, '--serial-log', log]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^PASS USB echo \(.*echo\.yaml; 5 steps, 0\.300 s simulated/);
    expect(readFileSync(log, 'latin1')).toBe('hello, board\r\nabc\x03');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<testsuite name="circuitemu" tests="1" failures="0" errors="0"');
    expect(xml).toContain('<testcase name="USB echo"');
  });

  it('gives the same serial log, byte for byte, on every run', () => {
    const logs = [1, 2].map((i) => {
      const log = join(scratch, `det${i}.log`);
      expect(cli([join(root, 'tests/scenario/files/echo.yaml'), '--serial-log', log]).status).toBe(0);
      return readFileSync(log);
    });
    expect(logs[0].equals(logs[1])).toBe(true);
  });

  it('fails a wrong expectation with status 1, naming the step, its line and what was seen', () => {
    const file = scenario('wrong.yaml', `${echoHeader}steps:\n  - write-serial: "ping\\r"\n  - wait-serial: { text: "pong", timeout: 200ms }\n`);
    const junit = join(scratch, 'wrong.xml');
    const r = cli([file, '--junit', junit]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('FAIL wrong');
    expect(r.stdout).toContain('step 2 (wait-serial), line 7: "pong" did not appear within 0.2 s; serial output: "ping\\r"');
    expect(readFileSync(junit, 'utf8')).toMatch(/<failure type="failed" message="step 2 \(wait-serial\), line 7: &quot;pong&quot; did not appear/);
  });

  it('fails on --fail-text as soon as the console shows it', () => {
    const file = scenario('failtext.yaml', `${echoHeader}steps:\n  - write-serial: "Traceback (most recent call last)\\r"\n  - delay: 1s\n`);
    const r = cli([file, '--fail-text', 'Traceback']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('step 2 (delay), line 7: the serial output shows the fail text "Traceback": "Traceback (most recent call last)"');
  });

  it('reports a timeout with the step it was waiting at, with --timeout-exit-code', () => {
    const file = scenario('timeout.yaml', `${echoHeader}steps:\n  - wait-serial: "never"\n`);
    const r = cli([file, '--timeout', '0.5']);
    expect(r.status).toBe(124);
    expect(r.stdout).toContain('TIMEOUT timeout');
    expect(r.stdout).toContain('timed out after 0.5 simulated s at step 1 (wait-serial), line 6, waiting for "never"');
    expect(cli([file, '--timeout', '0.5', '--timeout-exit-code', '42']).status).toBe(42);
  });

  it('runs semihosting programs on test-m0; a program that exits before the steps are done fails', () => {
    const ok = scenario('printf.yaml', `board: test-m0\nfirmware: ${printfElf}\nsteps:\n  - wait-serial: "[-42] [42]"\n  - expect-serial: "[BEEF]"\n`);
    expect(cli([ok]).status).toBe(0);
    const late = scenario('printf-late.yaml', `board: test-m0\nfirmware: ${printfElf}\nsteps:\n  - wait-serial: "not printed"\n`);
    const r = cli([late]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/the program exited with status 0 at step 1 \(wait-serial\), line 4, waiting for "not printed"/);
  });

  it('drives pins and parts on our own button/LED firmware; the pin waveforms (VCD) are the same every run', () => {
    const file = join(root, 'tests/scenario/files/button-led.yaml');
    const dumps = [1, 2].map((i) => {
      const vcd = join(scratch, `bl${i}.vcd`);
      const r = cli([file, '--vcd', vcd, '--vcd-pins', 'LED,BUTTON_A,A1']);
      expect(r.stdout).toMatch(/^PASS LED follows button A/);
      expect(r.status).toBe(0);
      return readFileSync(vcd, 'utf8');
    });
    expect(dumps[0]).toBe(dumps[1]);
    const vcd = dumps[0];
    expect(vcd).toContain('$timescale 1ns $end');
    expect(vcd).toContain('$var wire 1 ! LED $end\n$var wire 1 " BUTTON_A $end\n$var wire 1 # A1 $end');
    // The button goes down at 10 ms (the scenario's delay) and the LED follows within a loop pass.
    const changes = [...vcd.split('$enddefinitions $end')[1].matchAll(/#(\d+)\n((?:[01][!-~]+\n)+)/g)].flatMap((m) =>
      m[2].trim().split('\n').map((c) => ({ t: Number(m[1]), level: c[0], id: c.slice(1) })),
    );
    const first = (id: string, level: string) => changes.find((c) => c.id === id && c.level === level)!.t;
    expect(first('"', '1')).toBeGreaterThanOrEqual(10_000_000);
    expect(first('"', '1')).toBeLessThan(10_010_000);
    expect(first('!', '1') - first('"', '1')).toBeGreaterThan(0);
    expect(first('!', '1') - first('"', '1')).toBeLessThan(100_000);
    // With every pin: one wire per pad, under its first name in the board declaration.
    const all = join(scratch, 'all.vcd');
    expect(cli([file, '--vcd', all]).status).toBe(0);
    const wires = [...readFileSync(all, 'utf8').matchAll(/\$var wire 1 \S+ (\S+) \$end/g)].map((m) => m[1]);
    expect(wires.slice(0, 4)).toEqual(['A0', 'A1', 'A2', 'A3']);
    expect(wires).toContain('D13'); // PA17, declared as D13 before LED
    expect(wires).not.toContain('LED');
    expect(new Set(wires).size).toBe(wires.length);
  });

  it('names the pin, its level and voltage when a pin expectation fails, and what a PWM measured', () => {
    const bl = join(root, 'tests/firmware/samd21/button_led.elf');
    const file = scenario('pinfail.yaml', `board: cpx\nfirmware: ${bl}\nsteps:\n  - delay: 5ms\n  - expect-pin: { pin: LED, value: 1 }\n`);
    const r = cli([file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('step 2 (expect-pin), line 5: pin LED (PA17) is 0 (0.00 V), expected 1');
    const pwm = scenario('pwmfail.yaml', `board: cpx\nfirmware: ${bl}\nsteps:\n  - expect-pwm: { pin: A1, frequency: 1000, window: 600ms }\n  - expect-pwm: { pin: LED, duty: 50% }\n`);
    const p = cli([pwm]);
    expect(p.status).toBe(1);
    expect(p.stdout).toMatch(/step 1 \(expect-pwm\), line 4: pin A1 \(PA05\) runs at [\d.]+ Hz, duty 50\.00% \(\d+ periods\), expected 1000 Hz ±1\.00%/);
    const flat = scenario('pwmflat.yaml', `board: cpx\nfirmware: ${bl}\nsteps:\n  - expect-pwm: { pin: LED, duty: 50% }\n`);
    expect(cli([flat]).stdout).toContain('step 1 (expect-pwm), line 4: no PWM on pin LED (PA17): 0 edge(s) in 0.1 s, now 0');
    const tone = scenario('tone.yaml', `board: cpx\nfirmware: ${bl}\nsteps:\n  - expect-tone: 440\n`);
    expect(cli([tone]).stdout).toContain('step 1 (expect-tone), line 4: speaker played no tone (its amplifier is not enabled) over 0.05 s, expected 440 Hz ±1.00%');
  });

  it('fails a file step clearly when the firmware presents no USB drive', () => {
    const file = scenario('nomsc.yaml', `${echoHeader}steps:\n  - expect-file: { path: /code.py, exists: true }\n`);
    const r = cli([file, '--timeout', '30']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('step 1 (expect-file), line 6: no USB mass storage appeared within 10 s (does the firmware present CIRCUITPY?)');
  });

  it('refuses bad input with a precise message and status 64 or 65, never a stack trace', () => {
    const cases: [string[], number, RegExp][] = [
      [[], 64, /test needs at least one SCENARIO file/],
      [['--frobnicate', 'x.yaml'], 64, /Unknown option '--frobnicate'/],
      [[join(scratch, 'missing.yaml')], 65, /cannot read scenario .*missing\.yaml: no such file/],
      [[scenario('typo.yaml', `${echoHeader}steps:\n  - wait_serial: x\n`)], 65, /typo\.yaml:6: step 1: unknown step 'wait_serial' \(did you mean 'wait-serial'\?\)/],
      [[scenario('pin.yaml', `${echoHeader}steps:\n  - expect-pin: { pin: D99, value: 1 }\n`)], 65, /pin\.yaml:6: step 1 \(expect-pin\): board cpx has no pin 'D99' \(pins: A0, SPEAKER/],
      [[scenario('part.yaml', `${echoHeader}steps:\n  - set-control: { part-id: buttonC, control: pressed, value: 1 }\n`)], 65, /part\.yaml:6: step 1 \(set-control\): board cpx has no part 'buttonC' \(parts: flash, pixels/],
      [[scenario('control.yaml', `${echoHeader}steps:\n  - set-control: { part-id: light, control: brightness, value: 1 }\n`)], 65, /control\.yaml:6: .*part 'light' \(light-sensor\) takes control lux, not 'brightness'/],
      [[scenario('pixel.yaml', `${echoHeader}steps:\n  - expect-neopixel: { index: 10, color: red }\n`)], 65, /pixel\.yaml:6: .*index 10: pixels has 10 pixels \(0\.\.9\)/],
      [[scenario('m0pin.yaml', `board: test-m0\nfirmware: ${printfElf}\nsteps:\n  - expect-pin: { pin: LED, value: 1 }\n`)], 65, /m0pin\.yaml:4: .*board test-m0 declares no pins or parts/],
      [[scenario('noboard.yaml', 'steps: []\n')], 64, /no board \(give --board NAME or `board:` in the file\)/],
      [[scenario('nofw.yaml', 'board: cpx\nfirmware: nothing-here.uf2\nsteps: []\n')], 65, /cannot read firmware .*nothing-here\.uf2/],
      [[scenario('badboard.yaml', 'board: cpz\nfirmware: x\nsteps: []\n')], 64, /unknown board 'cpz'/],
      [[join(root, 'tests/scenario/files/echo.yaml'), '--vcd', join(scratch, 'x.vcd'), '--vcd-pins', 'LED,D99'], 64, /--vcd: board cpx has no pin 'D99'/],
      [[join(root, 'tests/scenario/files/echo.yaml'), '--vcd-pins', 'LED'], 64, /--vcd-pins needs --vcd FILE/],
    ];
    for (const [args, status, message] of cases) {
      const r = cli(args);
      expect({ args, status: r.status }).toEqual({ args, status });
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
