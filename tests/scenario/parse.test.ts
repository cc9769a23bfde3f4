/**
 * Scenario files: what is accepted (our steps and Wokwi's format), and that every mistake is a
 * ScenarioError naming the file, the line and the step, never another exception.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario, ScenarioError } from '../../emulator/scenario/parse.js';

const parse = (yaml: string) => parseScenario(yaml, 'test.yaml');
function error(yaml: string): string {
  try {
    parse(yaml);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as Error).message;
  }
  throw new Error('no error');
}

describe('scenario files', () => {
  it("accepts Wokwi's format: version 1, name/author, named steps, delays with units, part-id", () => {
    const s = parse(`version: 1
name: Blink
author: someone
steps:
  - delay: 500ms
  - name: Press
    set-control:
      part-id: buttonA
      control: pressed
      value: 1
  - wait-serial: 'LED ON'
  - write-serial: "hi\\r"
  - expect-pin:
      part-id: redLed
      pin: anode
      value: 1
`);
    expect(s.name).toBe('Blink');
    expect(s.steps.map((x) => x.kind)).toEqual(['delay', 'set-control', 'wait-serial', 'write-serial', 'expect-pin']);
    expect(s.steps[0]).toMatchObject({ seconds: 0.5, line: 5, index: 1 });
    expect(s.steps[1]).toMatchObject({ label: 'Press', partId: 'buttonA', control: 'pressed', value: 1, line: 6 });
    expect(s.steps[3]).toMatchObject({ bytes: new Uint8Array([0x68, 0x69, 0x0d]) });
    expect(s.steps[4]).toMatchObject({ partId: 'redLed', pin: 'anode', level: 1 });
  });

  it('converts durations, colours, keys and levels', () => {
    const s = parse(`steps:
  - delay: 10us
  - delay: 1.5 s
  - write-serial: { text: "x", keys: [ctrl-c, Ctrl-D, enter, up] }
  - write-serial: ["a", 3, 4]
  - expect-neopixel: { index: 2, color: "#FF8000", tolerance: 4 }
  - expect-neopixel: { color: [1, 2, 3] }
  - wait-pin: { pin: LED, value: high, timeout: 2s }
  - expect-pwm: { pin: D13, frequency: 1000, duty: 25%, tolerance: 0.5%, window: 50ms }
  - expect-pwm: { pin: D13, duty: 0.75, duty-tolerance: 0.02 }
`);
    expect(s.steps[0]).toMatchObject({ seconds: 10e-6 });
    expect(s.steps[1]).toMatchObject({ seconds: 1.5 });
    expect(s.steps[2]).toMatchObject({ bytes: new Uint8Array([0x78, 3, 4, 13, 0x1b, 0x5b, 0x41]) });
    expect(s.steps[3]).toMatchObject({ bytes: new Uint8Array([0x61, 3, 4]) });
    expect(s.steps[4]).toMatchObject({ index: 2, color: 0xff8000, tolerance: 4 });
    expect(s.steps[5]).toMatchObject({ index: 0, color: 0x010203, tolerance: 0 });
    expect(s.steps[6]).toMatchObject({ level: 1, timeoutSeconds: 2 });
    expect(s.steps[7]).toMatchObject({ pin: 'D13', frequency: 1000, duty: 0.25, tolerance: 0.005, dutyTolerance: 0.01, windowSeconds: 0.05 });
    expect(s.steps[8]).toMatchObject({ duty: 0.75, tolerance: 0.01, dutyTolerance: 0.02 });
    expect(parse('steps:\n  - expect-tone: 440\n').steps[0]).toMatchObject({ kind: 'expect-tone', frequency: 440, tolerance: 0.01, windowSeconds: 0.05 });
    expect(parse('steps:\n  - expect-tone: { frequency: 100, window: 1s }\n').steps[0]).toMatchObject({ windowSeconds: 1 });
  });

  it('names the line and step of each mistake', () => {
    expect(error('steps:\n  - delay: 1s\n  - wait-seriall: hi\n')).toBe(
      "test.yaml:3: step 2: unknown step 'wait-seriall' (did you mean 'wait-serial'?) (steps: delay, wait-serial, expect-serial, write-serial, set-control, expect-pin, wait-pin, expect-neopixel, expect-pwm, expect-tone, write-file, expect-file, take-screenshot)",
    );
    expect(error('steps:\n  - delay: 500\n')).toBe("test.yaml:2: step 1 (delay): delay needs a unit: '500ms' or '500s'");
    expect(error('steps:\n  - delay: soon\n')).toMatch(/^test\.yaml:2: step 1 \(delay\): delay must be a duration such as 500ms/);
    expect(error('steps:\n  - expect-pin: { pin: LED, value: 2 }\n')).toBe('test.yaml:2: step 1 (expect-pin): value must be a pin level: 0 or 1 (or low/high), not 2');
    expect(error('steps:\n  - expect-pin: { pin: LED, level: 1 }\n')).toMatch(/^test\.yaml:2: step 1 \(expect-pin\): unknown field 'level' .*fields: part-id, pin, value/);
    expect(error('steps:\n  - expect-neopixel: { color: purple-ish }\n')).toMatch(/^test\.yaml:2: step 1 \(expect-neopixel\): color must be a colour/);
    expect(error('steps:\n  - write-serial: { keys: [hyper-x] }\n')).toMatch(/^test\.yaml:2: step 1 \(write-serial\): unknown key 'hyper-x'/);
    expect(error('steps:\n  - delay: 1s\n    wait-serial: x\n')).toMatch(/^test\.yaml:2: step 1: has 2 step keys \(delay, wait-serial\)/);
    expect(error('steps:\n  - snapshot: { name: booted }\n')).toMatch(/^test\.yaml:2: step 1 \(snapshot\): a scenario cannot take a snapshot: save one with `circuitemu snapshot` .* --snapshot-load FILE`$/);
    expect(error('stepz:\n  - delay: 1s\n')).toMatch(/^test\.yaml:1: unknown key 'stepz' \(did you mean 'steps'\?\)/);
    expect(error('version: 2\nsteps: []\n')).toMatch(/^test\.yaml:1: version must be 1/);
    expect(error('name: x\n')).toBe('test.yaml:1: a scenario needs a `steps:` list');
    expect(error('steps: {a: 1}\n')).toMatch(/^test\.yaml:1: `steps` must be a list/);
    expect(error('steps:\n  - write-file: { path: code.py, text: x }\n')).toMatch(/^test\.yaml:2: drive paths start with \//);
    expect(error('steps:\n  - wait-serial: [unclosed\n')).toMatch(/^test\.yaml:\d+: not valid YAML: /);
    expect(error('- 1\n- 2\n')).toMatch(/^test\.yaml:1: a scenario is a mapping/);
    expect(error('steps:\n  - expect-serial: { text: x, timeout: 1s }\n')).toMatch(/use wait-serial to wait/);
    expect(error('steps:\n  - expect-pwm: { pin: A1, duty: 150% }\n')).toBe("test.yaml:2: step 1 (expect-pwm): duty must be a fraction 0..1 or a percentage such as '50%', not \"150%\"");
    expect(error('steps:\n  - expect-pwm: { pin: A1 }\n')).toBe('test.yaml:2: step 1 (expect-pwm): needs frequency (Hz), duty (0..1 or a percentage), or both');
  });

  it('wifi: access-points for a board with a radio, each checked', () => {
    const s = parse('board: feather_huzzah\nwifi:\n  access-points:\n    - { ssid: home, channel: 6, rssi: -55, auth: wpa2-psk }\n    - ssid: cafe\nsteps:\n  - delay: 1s\n');
    expect(s.accessPoints).toEqual([{ ssid: 'home', channel: 6, rssi: -55, auth: 'wpa2-psk' }, { ssid: 'cafe' }]);
    expect(parse('steps:\n  - delay: 1s\n').accessPoints).toBeUndefined();
    expect(error('wifi: [home]\nsteps:\n  - delay: 1s\n')).toMatch(/^test.yaml:1: `wifi` holds `access-points:`/);
    expect(error('wifi:\n  access-points:\n    - { ssid: x, channel: 15 }\nsteps:\n  - delay: 1s\n')).toBe('test.yaml:1: wifi access point 1: access point "x": channel 15 is not 1-14');
    expect(error('wifi:\n  access-points:\n    - { ssid: x, power: 3 }\nsteps:\n  - delay: 1s\n')).toMatch(/unknown key 'power'/);
    expect(error('wifi:\n  access-points:\n    - { ssid: x, network: 10.0.0.0/33 }\nsteps:\n  - delay: 1s\n')).toBe('test.yaml:1: wifi access point 1: access point "x": network "10.0.0.0/33": prefix /33 is not 8-30');
    expect(parse('wifi:\n  access-points:\n    - { ssid: lab, network: 10.1.0.0/16 }\nsteps:\n  - delay: 1s\n').accessPoints).toEqual([{ ssid: 'lab', network: '10.1.0.0/16' }]);
  });
});
