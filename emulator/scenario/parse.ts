/**
 * Scenario files: YAML (parsed by the `yaml` library, which gives every node's position) turned
 * into a checked list of steps. Wokwi's format (`version: 1`, `name`, `author`, `steps` whose
 * items are `- name: ...` plus one step key) is accepted where its steps mean the same.
 *
 * Everything wrong in a file is a ScenarioError naming the file, line and step; nothing here
 * throws anything else for bad input.
 */
import { LineCounter, isMap, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { resolveAccessPoint, type AccessPoint } from '../../peripherals/esp8266/wifi-air.js';

/** A problem in a scenario file (exit 65: the data is wrong, not the command line). */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

export type PinLevel = 0 | 1;

interface StepBase {
  /** 1-based position in `steps`. */
  readonly index: number;
  /** Line in the file (1-based). */
  readonly line: number;
  /** The user's `name:`, or `step N (kind)`. */
  readonly label: string;
}

export type Step = StepBase &
  (
    | { kind: 'delay'; seconds: number }
    | { kind: 'wait-serial'; text: string; timeoutSeconds?: number }
    | { kind: 'expect-serial'; text: string }
    | { kind: 'write-serial'; bytes: Uint8Array; shown: string }
    | { kind: 'set-control'; partId?: string; pin?: string; control: string; value: number | number[] }
    | { kind: 'expect-pin'; partId?: string; pin: string; level: PinLevel }
    | { kind: 'wait-pin'; partId?: string; pin: string; level: PinLevel; timeoutSeconds?: number }
    | { kind: 'expect-neopixel'; partId?: string; index: number; color: number; tolerance: number }
    | { kind: 'expect-tone'; partId?: string; frequency: number; tolerance: number; windowSeconds: number }
    | { kind: 'expect-pwm'; partId?: string; pin: string; frequency?: number; duty?: number; tolerance: number; dutyTolerance: number; windowSeconds?: number }
    | { kind: 'write-file'; path: string; data: Uint8Array }
    | { kind: 'expect-file'; path: string; text?: string; contains?: string; exists?: boolean }
    /** Paths relative to the scenario file's folder (as the caller resolves them). */
    | { kind: 'take-screenshot'; partId?: string; saveTo?: string; compareWith?: string }
  );

export type StepKind = Step['kind'];

export interface Scenario {
  /** The file it came from (for messages and reports). */
  readonly file: string;
  readonly name: string;
  readonly board?: string;
  /** Firmware file, relative to the scenario file's folder. */
  readonly firmware?: string;
  /** A host folder copied onto CIRCUITPY before boot, relative to the scenario file's folder. */
  readonly drive?: string;
  /** Files put on CIRCUITPY before boot: drive path -> text. */
  readonly files: Readonly<Record<string, string>>;
  /** Simulated seconds for the whole scenario. */
  readonly timeoutSeconds?: number;
  /** showRun's reload of code.py on a USB console (default true). */
  readonly reload?: boolean;
  /** WiFi access points around the board (`wifi: access-points:`; feather_huzzah). */
  readonly accessPoints?: readonly AccessPoint[];
  readonly steps: readonly Step[];
}

const TOP_KEYS = ['version', 'name', 'author', 'description', 'board', 'firmware', 'drive', 'files', 'timeout', 'reload', 'wifi', 'steps'] as const;
const STEP_KINDS: readonly StepKind[] = [
  'delay', 'wait-serial', 'expect-serial', 'write-serial', 'set-control', 'expect-pin', 'wait-pin', 'expect-neopixel', 'expect-pwm', 'expect-tone', 'write-file', 'expect-file', 'take-screenshot',
];
/** Wokwi steps this emulator does not do (yet): refused by name rather than as typos. */
const NOT_SUPPORTED: Record<string, string> = {
  // A snapshot holds the board, not the USB host and timers a running scenario drives it with.
  snapshot: 'a scenario cannot take a snapshot: save one with `circuitemu snapshot` and start scenarios from it with `circuitemu test --snapshot-load FILE`',
};

/** Parses and checks a scenario; `file` is only used in messages. */
export function parseScenario(source: string, file: string): Scenario {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineOf = (node: YamlNode | null | undefined) => (node?.range ? lines.linePos(node.range[0]).line : 1);
  const fail = (line: number, message: string): never => {
    throw new ScenarioError(`${file}:${line}: ${message}`);
  };
  if (doc.errors.length) {
    const e = doc.errors[0];
    fail(e.linePos?.[0].line ?? 1, `not valid YAML: ${e.message.split('\n')[0]}`);
  }
  const root = doc.contents;
  if (!isMap(root)) return fail(lineOf(root as YamlNode), 'a scenario is a mapping with a `steps:` list (and optionally name, board, firmware, timeout)');
  const top: Record<string, { value: unknown; line: number; node: YamlNode | null }> = {};
  for (const pair of root.items) {
    const key = String((pair.key as { value?: unknown })?.value ?? pair.key);
    const node = pair.value as YamlNode | null;
    const line = lineOf((pair.key as YamlNode) ?? node);
    if (!(TOP_KEYS as readonly string[]).includes(key)) fail(line, `unknown key '${key}'${suggest(key, TOP_KEYS)} (known: ${TOP_KEYS.join(', ')})`);
    top[key] = { value: (node as { toJSON?: () => unknown })?.toJSON?.() ?? (node as { value?: unknown })?.value ?? null, line, node };
  }
  const field = new Fields(fail);
  if (top.version && top.version.value !== 1) fail(top.version.line, `version must be 1 (the Wokwi scenario format version), not ${show(top.version.value)}`);
  const str = (k: string) => (top[k] ? field.string(top[k].value, k, top[k].line) : undefined);
  const stepsEntry = top.steps;
  if (!stepsEntry) return fail(1, 'a scenario needs a `steps:` list');
  if (!isSeq(stepsEntry.node)) return fail(stepsEntry.line, '`steps` must be a list (each item `- step-name: ...`)');
  const steps: Step[] = stepsEntry.node.items.map((item, i) => parseStep(item as YamlNode, i + 1, lineOf(item as YamlNode), field, fail));
  const files: Record<string, string> = {};
  if (top.files) {
    const v = top.files.value;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(top.files.line, '`files` must map drive paths to their text (`/code.py: |` ...)');
    for (const [p, text] of Object.entries(v as Record<string, unknown>)) files[drivePath(p, top.files.line, fail)] = field.string(text, `files: ${p}`, top.files.line);
  }
  return {
    file,
    name: str('name') ?? file.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/i, ''),
    board: str('board'),
    firmware: str('firmware'),
    drive: str('drive'),
    files,
    timeoutSeconds: top.timeout ? field.duration(top.timeout.value, 'timeout', top.timeout.line) : undefined,
    reload: top.reload ? field.boolean(top.reload.value, 'reload', top.reload.line) : undefined,
    accessPoints: top.wifi ? accessPoints(top.wifi.value, top.wifi.line, fail) : undefined,
    steps,
  };
}

const AP_KEYS = ['ssid', 'bssid', 'channel', 'rssi', 'auth', 'hidden', 'network'];

/** `wifi: { access-points: [{ ssid, bssid?, channel?, rssi?, auth?, hidden?, network? }, ...] }`, checked. */
function accessPoints(value: unknown, line: number, fail: Fail): AccessPoint[] {
  const v = value as { 'access-points'?: unknown } | null;
  if (typeof v !== 'object' || v === null || Array.isArray(v) || Object.keys(v).some((k) => k !== 'access-points') || !Array.isArray(v['access-points'])) {
    return fail(line, '`wifi` holds `access-points:`, a list of { ssid, channel, rssi, auth, bssid, hidden, network }');
  }
  return v['access-points'].map((item: unknown, i) => {
    const where = `wifi access point ${i + 1}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return fail(line, `${where}: a mapping such as { ssid: home, channel: 6 }`);
    const unknown = Object.keys(item).find((k) => !AP_KEYS.includes(k));
    if (unknown) fail(line, `${where}: unknown key '${unknown}' (known: ${AP_KEYS.join(', ')})`);
    const ap = item as AccessPoint;
    try {
      resolveAccessPoint({ ...ap, ssid: String(ap.ssid ?? '') });
    } catch (e) {
      fail(line, `${where}: ${(e as Error).message}`);
    }
    return { ...ap, ssid: String(ap.ssid) };
  });
}

type Fail = (line: number, message: string) => never;

function parseStep(node: YamlNode, index: number, line: number, field: Fields, fail: Fail): Step {
  if (!isMap(node)) return fail(line, `step ${index}: a step is a mapping such as \`- wait-serial: "Hello"\`, not ${show((node as { toJSON?: () => unknown })?.toJSON?.() ?? node)}`);
  const entries = node.items.map((p) => [String((p.key as { value?: unknown })?.value), (p.value as { toJSON?: () => unknown } | null)?.toJSON?.() ?? null] as const);
  const name = entries.find(([k]) => k === 'name');
  const kinds = entries.filter(([k]) => k !== 'name');
  if (kinds.length !== 1) {
    const what = kinds.length ? `${kinds.length} step keys (${kinds.map(([k]) => k).join(', ')})` : 'no step key';
    return fail(line, `step ${index}: has ${what}; each list item holds exactly one step (and an optional name)`);
  }
  const [key, value] = kinds[0];
  const kind = key as StepKind;
  if (key in NOT_SUPPORTED) return fail(line, `step ${index} (${key}): ${NOT_SUPPORTED[key]}`);
  if (!(STEP_KINDS as readonly string[]).includes(key)) return fail(line, `step ${index}: unknown step '${key}'${suggest(key, STEP_KINDS)} (steps: ${STEP_KINDS.join(', ')})`);
  const label = name ? field.string(name[1], 'name', line) : `step ${index} (${kind})`;
  const base = { index, line, label };
  const f = field.for(`step ${index} (${kind})`, line);
  switch (kind) {
    case 'delay':
      return { ...base, kind: 'delay', seconds: f.duration(value, 'delay') };
    case 'wait-serial':
    case 'expect-serial': {
      const o = typeof value === 'string' ? { text: value } : f.object(value, ['text', 'timeout'], kind);
      const text = f.string(o.text, 'text');
      if (!text) f.fail('text must not be empty');
      if (kind === 'expect-serial') {
        if (o.timeout !== undefined) f.fail('expect-serial checks what was printed already: use wait-serial to wait');
        return { ...base, kind, text };
      }
      return { ...base, kind, text, timeoutSeconds: o.timeout === undefined ? undefined : f.duration(o.timeout, 'timeout') };
    }
    case 'write-serial':
      return { ...base, kind: 'write-serial', ...serialBytes(value, f) };
    case 'set-control': {
      const o = f.object(value, ['part-id', 'pin', 'control', 'value'], kind);
      if (o['part-id'] === undefined && o.pin === undefined) f.fail('needs part-id (a part of the board) or pin (a board pin, for its voltage)');
      const v = o.value;
      const val = Array.isArray(v) ? v.map((x, i) => f.number(x, `value[${i}]`)) : typeof v === 'boolean' ? (v ? 1 : 0) : f.number(v, 'value');
      return {
        ...base,
        kind: 'set-control',
        partId: o['part-id'] === undefined ? undefined : f.string(o['part-id'], 'part-id'),
        pin: o.pin === undefined ? undefined : f.string(o.pin, 'pin'),
        control: o.control === undefined ? (o.pin !== undefined ? 'voltage' : f.fail('needs control (pressed, lux, temperature, ...)')) : f.string(o.control, 'control'),
        value: val,
      };
    }
    case 'expect-pin':
    case 'wait-pin': {
      const o = f.object(value, kind === 'wait-pin' ? ['part-id', 'pin', 'value', 'timeout'] : ['part-id', 'pin', 'value'], kind);
      const pin = f.string(o.pin, 'pin');
      const level = f.level(o.value, 'value');
      const partId = o['part-id'] === undefined ? undefined : f.string(o['part-id'], 'part-id');
      if (kind === 'expect-pin') return { ...base, kind, partId, pin, level };
      return { ...base, kind, partId, pin, level, timeoutSeconds: o.timeout === undefined ? undefined : f.duration(o.timeout, 'timeout') };
    }
    case 'expect-neopixel': {
      const o = f.object(value, ['part-id', 'index', 'color', 'tolerance'], kind);
      const idx = o.index === undefined ? 0 : f.number(o.index, 'index');
      if (!Number.isInteger(idx) || idx < 0) f.fail(`index must be a whole number from 0, not ${show(o.index)}`);
      const tolerance = o.tolerance === undefined ? 0 : f.number(o.tolerance, 'tolerance');
      if (tolerance < 0 || tolerance > 255) f.fail(`tolerance is per colour channel, 0..255, not ${show(o.tolerance)}`);
      return {
        ...base,
        kind,
        partId: o['part-id'] === undefined ? undefined : f.string(o['part-id'], 'part-id'),
        index: idx,
        color: f.color(o.color, 'color'),
        tolerance,
      };
    }
    case 'expect-pwm': {
      const o = f.object(value, ['part-id', 'pin', 'frequency', 'duty', 'tolerance', 'duty-tolerance', 'window'], kind);
      const frequency = o.frequency === undefined ? undefined : f.number(o.frequency, 'frequency');
      if (frequency !== undefined && !(frequency > 0)) f.fail(`frequency must be positive (Hz), not ${show(o.frequency)}`);
      const duty = o.duty === undefined ? undefined : f.fraction(o.duty, 'duty');
      if (frequency === undefined && duty === undefined) f.fail('needs frequency (Hz), duty (0..1 or a percentage), or both');
      return {
        ...base,
        kind,
        partId: o['part-id'] === undefined ? undefined : f.string(o['part-id'], 'part-id'),
        pin: f.string(o.pin, 'pin'),
        frequency,
        duty,
        tolerance: o.tolerance === undefined ? 0.01 : f.fraction(o.tolerance, 'tolerance'),
        dutyTolerance: o['duty-tolerance'] === undefined ? 0.01 : f.fraction(o['duty-tolerance'], 'duty-tolerance'),
        windowSeconds: o.window === undefined ? undefined : f.duration(o.window, 'window'),
      };
    }
    case 'expect-tone': {
      const o = typeof value === 'number' ? { frequency: value } : f.object(value, ['part-id', 'frequency', 'tolerance', 'window'], kind);
      const frequency = f.number(o.frequency, 'frequency');
      if (!(frequency > 0)) f.fail(`frequency must be positive (Hz), not ${show(o.frequency)}`);
      return {
        ...base,
        kind,
        partId: o['part-id'] === undefined ? undefined : f.string(o['part-id'], 'part-id'),
        frequency,
        tolerance: o.tolerance === undefined ? 0.01 : f.fraction(o.tolerance, 'tolerance'),
        windowSeconds: o.window === undefined ? Math.max(0.05, 20 / frequency) : f.duration(o.window, 'window'),
      };
    }
    case 'write-file': {
      const o = f.object(value, ['path', 'text'], kind);
      return { ...base, kind, path: drivePath(f.string(o.path, 'path'), line, fail), data: new TextEncoder().encode(f.string(o.text, 'text')) };
    }
    case 'expect-file': {
      const o = f.object(value, ['path', 'text', 'contains', 'exists'], kind);
      const step: Step = {
        ...base,
        kind,
        path: drivePath(f.string(o.path, 'path'), line, fail),
        text: o.text === undefined ? undefined : f.string(o.text, 'text'),
        contains: o.contains === undefined ? undefined : f.string(o.contains, 'contains'),
        exists: o.exists === undefined ? undefined : f.boolean(o.exists, 'exists'),
      };
      if (step.text === undefined && step.contains === undefined && step.exists === undefined) f.fail('needs text, contains or exists');
      return step;
    }
    case 'take-screenshot': {
      const o = f.object(value, ['part-id', 'save-to', 'compare-with'], kind);
      const saveTo = o['save-to'] === undefined ? undefined : f.string(o['save-to'], 'save-to');
      const compareWith = o['compare-with'] === undefined ? undefined : f.string(o['compare-with'], 'compare-with');
      if (saveTo === undefined && compareWith === undefined) f.fail('needs save-to (a PNG file to write) or compare-with (a PNG file to compare with)');
      if (saveTo === '' || compareWith === '') f.fail('a file name must not be empty');
      return { ...base, kind, partId: o['part-id'] === undefined ? undefined : f.string(o['part-id'], 'part-id'), saveTo, compareWith };
    }
  }
}

/** write-serial's value: a string (YAML escapes such as "\x03" work), a list of strings, key names and byte values, or { text, keys }. */
function serialBytes(value: unknown, f: StepFields): { bytes: Uint8Array; shown: string } {
  const items: unknown[] =
    typeof value === 'string' ? [value] : Array.isArray(value) ? value : (() => {
      const o = f.object(value, ['text', 'keys'], 'write-serial');
      if (o.keys !== undefined && !Array.isArray(o.keys)) f.fail('keys must be a list such as [ctrl-c, enter]');
      return [...(o.text === undefined ? [] : [f.string(o.text, 'text')]), ...((o.keys as unknown[]) ?? []).map((k) => ({ key: k }))];
    })();
  const out: number[] = [];
  for (const item of items) {
    if (typeof item === 'number') {
      if (!Number.isInteger(item) || item < 0 || item > 255) f.fail(`a byte is 0..255, not ${item}`);
      out.push(item);
    } else if (typeof item === 'string') {
      out.push(...new TextEncoder().encode(item));
    } else if (typeof item === 'object' && item !== null && 'key' in item) {
      out.push(...keyBytes(f.string((item as { key: unknown }).key, 'key'), f));
    } else {
      f.fail(`write-serial takes text, a list of text, key names and bytes, or { text, keys }, not ${show(item)}`);
    }
  }
  if (!out.length) f.fail('write-serial has nothing to write');
  const bytes = Uint8Array.from(out);
  return { bytes, shown: JSON.stringify(new TextDecoder().decode(bytes)) };
}

const NAMED_KEYS: Record<string, number[]> = {
  enter: [0x0d], return: [0x0d], tab: [0x09], escape: [0x1b], esc: [0x1b], backspace: [0x08], delete: [0x7f], space: [0x20],
  up: [0x1b, 0x5b, 0x41], down: [0x1b, 0x5b, 0x42], right: [0x1b, 0x5b, 0x43], left: [0x1b, 0x5b, 0x44],
};

/** 'ctrl-c', 'Ctrl-D', 'enter', 'up', ... as the bytes a terminal sends. */
function keyBytes(name: string, f: StepFields): number[] {
  const k = name.trim().toLowerCase();
  const ctrl = /^(?:ctrl|control|c)[-+]([a-z@[\\\]^_])$/.exec(k);
  if (ctrl) return [ctrl[1].toUpperCase().charCodeAt(0) & 0x1f];
  if (k in NAMED_KEYS) return NAMED_KEYS[k];
  return f.fail(`unknown key '${name}' (keys: ctrl-a .. ctrl-z, ${Object.keys(NAMED_KEYS).join(', ')})`);
}

function drivePath(p: string, line: number, fail: Fail): string {
  if (!p.startsWith('/')) fail(line, `drive paths start with / (such as /code.py), not '${p}'`);
  return p;
}

/** Typed field readers with messages that say where. */
class Fields {
  constructor(readonly failAt: Fail) {}
  for(where: string, line: number): StepFields {
    return new StepFields(this.failAt, where, line);
  }
  string(v: unknown, name: string, line: number): string {
    return this.for(name, line).string(v, 'value');
  }
  duration(v: unknown, name: string, line: number): number {
    return this.for(name, line).duration(v, name);
  }
  boolean(v: unknown, name: string, line: number): boolean {
    return this.for(name, line).boolean(v, name);
  }
}

class StepFields {
  constructor(
    private readonly failAt: Fail,
    private readonly where: string,
    private readonly line: number,
  ) {}

  fail(message: string): never {
    return this.failAt(this.line, `${this.where}: ${message}`);
  }

  object(v: unknown, allowed: readonly string[], kind: string): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(`${kind} takes a mapping with ${allowed.join(', ')}, not ${show(v)}`);
    for (const k of Object.keys(v as object)) if (!allowed.includes(k)) this.fail(`unknown field '${k}'${suggest(k, allowed)} (fields: ${allowed.join(', ')})`);
    return v as Record<string, unknown>;
  }

  string(v: unknown, name: string): string {
    if (typeof v === 'number') return String(v);
    if (typeof v !== 'string') this.fail(`${name} must be text, not ${show(v)}`);
    return v as string;
  }

  number(v: unknown, name: string): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(`${name} must be a number, not ${show(v)}`);
    return v as number;
  }

  boolean(v: unknown, name: string): boolean {
    if (typeof v !== 'boolean') this.fail(`${name} must be true or false, not ${show(v)}`);
    return v as boolean;
  }

  level(v: unknown, name: string): PinLevel {
    if (v === 0 || v === false || v === 'low' || v === 'LOW') return 0;
    if (v === 1 || v === true || v === 'high' || v === 'HIGH') return 1;
    return this.fail(`${name} must be a pin level: 0 or 1 (or low/high), not ${show(v)}`);
  }

  /** 0..1, or a percentage such as '50%'. */
  fraction(v: unknown, name: string): number {
    const n = typeof v === 'string' && /^\s*\d+(\.\d+)?\s*%\s*$/.test(v) ? parseFloat(v) / 100 : v;
    if (typeof n !== 'number' || !(n >= 0 && n <= 1)) this.fail(`${name} must be a fraction 0..1 or a percentage such as '50%', not ${show(v)}`);
    return n as number;
  }

  /** '500ms', '2s', '10us', '1.5 s'; a bare number is refused (which unit?). */
  duration(v: unknown, name: string): number {
    if (typeof v === 'number') this.fail(`${name} needs a unit: '${v}ms' or '${v}s'`);
    const m = typeof v === 'string' ? /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ns|us|µs|ms|s|m|min)\s*$/.exec(v) : null;
    if (!m) return this.fail(`${name} must be a duration such as 500ms, 2s or 10us, not ${show(v)}`);
    // Divide by whole numbers: 10us is exactly 10 / 1e6, as 10 * 1e-6 is not.
    const per: Record<string, number> = { ns: 1e9, us: 1e6, 'µs': 1e6, ms: 1e3, s: 1 };
    return m[2] === 'm' || m[2] === 'min' ? Number(m[1]) * 60 : Number(m[1]) / per[m[2]];
  }

  /** '#ff8000', 'ff8000', 0xff8000, [255, 128, 0], or a few names. */
  color(v: unknown, name: string): number {
    const names: Record<string, number> = { black: 0, off: 0, red: 0xff0000, green: 0x00ff00, blue: 0x0000ff, white: 0xffffff, yellow: 0xffff00, cyan: 0x00ffff, magenta: 0xff00ff };
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffff) return v;
    if (Array.isArray(v) && v.length === 3 && v.every((c) => Number.isInteger(c) && c >= 0 && c <= 255)) return (v[0] << 16) | (v[1] << 8) | v[2];
    if (typeof v === 'string') {
      const s = v.trim().toLowerCase();
      if (s in names) return names[s];
      const m = /^#?([0-9a-f]{6})$/.exec(s);
      if (m) return parseInt(m[1], 16);
    }
    return this.fail(`${name} must be a colour: '#rrggbb', [r, g, b] (0..255) or a name (${Object.keys(names).join(', ')}), not ${show(v)}`);
  }
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  const s = JSON.stringify(v);
  return s.length > 60 ? s.slice(0, 60) + '…' : s;
}

/** " (did you mean 'x'?)" for a near miss. */
function suggest(word: string, known: readonly string[]): string {
  let best = '';
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(word.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best ? ` (did you mean '${best}'?)` : '';
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}
