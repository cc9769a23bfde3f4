/**
 * Machine state as data: capture the live object graph of a board (CPU, memories, every
 * peripheral and part, the scheduler with its pending events) and apply it to a freshly built
 * board of the same kind, so that the restored board continues cycle for cycle as the original.
 *
 * Why a graph walk and not a save/load method per peripheral: every field of every model is
 * state (a peripheral that forgets one field in a hand-written method restores "almost" the same
 * machine, which no test notices until a run diverges hours later), and ~60 models are edited by
 * several people at once. The walk sees every field a model has today and every field it gains
 * tomorrow. What a model cannot express as data (a function, a generator) is wiring: it comes
 * from the fresh board's construction, and it is checked, not guessed:
 *  - a function in the captured graph must meet a function at the same place in the fresh board;
 *  - a Generator, Promise, WeakMap or similar is refused with its path (its state is invisible);
 *  - a pending event must belong to some model (reachable from the board other than through the
 *    scheduler's queue): an event a host-side tool scheduled (the USB host's frame clock, a
 *    scenario timer) is refused by name, because a snapshot is of the board, not of its host.
 *
 * Identity: objects are numbered in the order a breadth-first walk from the root reaches them.
 * Applying walks the fresh board the same way and pairs each captured object with the fresh
 * object at the same place, reusing it (so closures the fresh board's wiring captured, and typed
 * arrays a core holds for its fast path, stay valid); an object the fresh board does not have
 * there is created (with the prototype of a fresh object of the same class). Typed arrays are
 * restored into their fresh buffers in place.
 *
 * A class may name fields that are caches (decoded instructions, compiled blocks): they are not
 * captured, the fresh board keeps its own, and the class's `afterRestore` drops them (`Rules`).
 *
 * No `node:` import: this runs in the browser worker too. The byte format is file.ts.
 */

/** How a captured value is written: primitives inline, objects by record number. */
export type Value =
  | number
  | string
  | boolean
  | null
  | { u: 1 } // undefined
  | { h: 1 } // a hole in a sparse array
  | { n: 'NaN' | 'Infinity' | '-Infinity' | '-0' }
  | { big: string }
  | { fn: 1 } // a function: wiring, kept from the fresh board
  | { r: number }; // another record

export type StateRecord =
  | { t: 'object'; c: string | null; f: [string, Value][] }
  | { t: 'array'; v: Value[] }
  | { t: 'map'; e: [Value, Value][] }
  | { t: 'set'; v: Value[] }
  | { t: 'buffer'; blob: number; length: number }
  | { t: 'typed'; c: string; buffer: number; offset: number; length: number };

/** A captured board: records (0 is the root) and the bytes of its ArrayBuffers. */
export interface MachineState {
  records: StateRecord[];
  blobs: Uint8Array[];
}

/** Per-class rules: fields not captured (caches) and what to do after a restore. */
export interface ClassRule {
  /** The class (matched with instanceof). */
  type: abstract new (...args: never[]) => object;
  /** Fields that are caches of other state: neither captured nor applied. */
  transient?: readonly string[];
  /** Fields whose objects are only referenced here (the scheduler's queue): their owners elsewhere give them identity. */
  referencesOnly?: readonly string[];
  /** Called on the restored object once every record has been applied. */
  afterRestore?: (object: never) => void;
}

/** A snapshot cannot be taken or does not fit the board it is applied to. */
export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
}

const TYPED_ARRAYS: Record<string, new (buffer: ArrayBuffer, offset: number, length: number) => ArrayBufferView> = {
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array,
};

/** Objects whose state is hidden from a walk: refused when met. */
const OPAQUE: [string, (v: object) => boolean][] = [
  ['a Promise', (v) => v instanceof Promise],
  ['a WeakMap', (v) => v instanceof WeakMap],
  ['a WeakSet', (v) => v instanceof WeakSet],
  ['a WeakRef', (v) => typeof WeakRef !== 'undefined' && v instanceof WeakRef],
  ['a DataView', (v) => v instanceof DataView],
  ['a SharedArrayBuffer', (v) => typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer],
  ['a generator (a suspended coroutine)', (v) => Object.prototype.toString.call(v) === '[object Generator]'],
  ['a WebAssembly instance', (v) => typeof WebAssembly !== 'undefined' && (v instanceof WebAssembly.Instance || v instanceof WebAssembly.Memory || v instanceof WebAssembly.Module)],
];

function className(o: object): string | null {
  const proto = Object.getPrototypeOf(o) as { constructor?: { name?: string } } | null;
  if (proto === null) return null;
  return proto.constructor?.name ?? 'Object';
}

/** An own getter/setter (`{ get size() {...} }`): computed from other state, not state itself. */
function isAccessor(o: object, key: string): boolean {
  const d = Object.getOwnPropertyDescriptor(o, key);
  return !!d && (d.get !== undefined || d.set !== undefined);
}

function ruleFor(rules: readonly ClassRule[], o: object): ClassRule | undefined {
  for (const r of rules) if (o instanceof r.type) return r;
  return undefined;
}

function primitive(v: unknown): Value | undefined {
  switch (typeof v) {
    case 'number':
      if (Number.isNaN(v)) return { n: 'NaN' };
      if (v === Infinity) return { n: 'Infinity' };
      if (v === -Infinity) return { n: '-Infinity' };
      if (Object.is(v, -0)) return { n: '-0' };
      return v;
    case 'string':
    case 'boolean':
      return v;
    case 'undefined':
      return { u: 1 };
    case 'bigint':
      return { big: v.toString() };
    case 'function':
      return { fn: 1 };
    case 'symbol':
      return { u: 1 };
    default:
      return v === null ? null : undefined;
  }
}

function decodePrimitive(v: Value): unknown {
  if (v === null || typeof v !== 'object') return v;
  if ('u' in v) return undefined;
  if ('n' in v) return v.n === '-0' ? -0 : Number(v.n);
  if ('big' in v) return BigInt(v.big);
  return undefined;
}

// ================================================================== capture

/** Captures the graph reachable from `root`. Throws SnapshotError for state it cannot hold. */
export function captureState(root: object, rules: readonly ClassRule[]): MachineState {
  const ids = new Map<object, number>();
  const paths: string[] = [];
  const queue: object[] = [];
  const records: StateRecord[] = [];
  const blobs: Uint8Array[] = [];
  /** References-only fields, filled in once every owned object has its number. */
  const later: { field: [string, Value]; array: unknown[]; path: string }[] = [];

  const ref = (v: object, path: string): Value => {
    let id = ids.get(v);
    if (id === undefined) {
      for (const [what, test] of OPAQUE) if (test(v)) throw new SnapshotError(`cannot snapshot ${what} at ${path}`);
      id = queue.length;
      ids.set(v, id);
      paths.push(path);
      queue.push(v);
    }
    return { r: id };
  };
  const value = (v: unknown, path: string): Value => {
    const p = primitive(v);
    return p !== undefined ? p : ref(v as object, path);
  };

  const encode = (o: object, path: string): StateRecord => {
    if (o instanceof ArrayBuffer) {
      blobs.push(new Uint8Array(o.slice(0)));
      return { t: 'buffer', blob: blobs.length - 1, length: o.byteLength };
    }
    if (ArrayBuffer.isView(o)) {
      const c = className(o) ?? '';
      if (!(c in TYPED_ARRAYS)) throw new SnapshotError(`cannot snapshot a ${c} at ${path}`);
      const t = o as unknown as { buffer: ArrayBuffer; byteOffset: number; length: number };
      const b = ref(t.buffer, `${path}.buffer`) as { r: number };
      return { t: 'typed', c, buffer: b.r, offset: t.byteOffset, length: t.length };
    }
    if (Array.isArray(o)) {
      const v: Value[] = new Array<Value>(o.length);
      for (let i = 0; i < o.length; i++) v[i] = i in o ? value(o[i], `${path}[${i}]`) : { h: 1 };
      return { t: 'array', v };
    }
    if (o instanceof Map) return { t: 'map', e: [...o].map(([k, v], i) => [value(k, `${path}<key ${i}>`), value(v, `${path}.get(${String(k)})`)]) };
    if (o instanceof Set) return { t: 'set', v: [...o].map((v, i) => value(v, `${path}<item ${i}>`)) };
    const rule = ruleFor(rules, o);
    const f: [string, Value][] = [];
    for (const key of Object.keys(o)) {
      if (rule?.transient?.includes(key) || isAccessor(o, key)) continue;
      const v = (o as Record<string, unknown>)[key];
      if (rule?.referencesOnly?.includes(key)) {
        if (!Array.isArray(v)) throw new SnapshotError(`${path}.${key}: a references-only field must hold an array`);
        const field: [string, Value] = [key, null];
        later.push({ field, array: v, path: `${path}.${key}` });
        f.push(field);
        continue;
      }
      f.push([key, value(v, `${path}.${key}`)]);
    }
    return { t: 'object', c: className(o), f };
  };

  ref(root, 'board');
  for (let id = 0; id < queue.length; id++) records.push(encode(queue[id], paths[id]));
  for (const { field, array, path } of later) {
    const v = array.map((e, i): Value => {
      const p = primitive(e);
      if (p !== undefined) return p;
      const id = ids.get(e as object);
      if (id === undefined) {
        const name = (e as { name?: unknown }).name;
        throw new SnapshotError(
          `cannot snapshot: ${path}[${i}] is ${typeof name === 'string' ? `'${name}'` : 'an object'}, which no part of the board owns ` +
            '(a host-side tool such as the USB host or a scenario timer is attached to this board: take the snapshot before connecting it)',
        );
      }
      return { r: id };
    });
    records.push({ t: 'array', v });
    field[1] = { r: records.length - 1 };
  }
  return { records, blobs };
}

// ================================================================== apply

/**
 * Applies `state` to `root`, a board freshly built the same way as the captured one. Throws
 * SnapshotError when the state does not fit (another board, another version of a model).
 */
export function applyState(root: object, state: MachineState, rules: readonly ClassRule[]): void {
  const { records, blobs } = state;
  if (!records.length) throw new SnapshotError('the snapshot holds no state');
  const fresh = new Map<number, object>();
  /** Fresh object -> the record it was paired with (one object holds one record's state). */
  const owner = new Map<object, number>();
  const paths = new Map<number, string>();
  const queue: number[] = [];
  const restored: object[] = [];
  let prototypes: Map<string, object> | null = null;
  const laterRefs: { target: Record<string, unknown>; key: string; v: Value; path: string }[] = [];

  const record = (id: number, path: string): StateRecord => {
    const r = records[id];
    if (!r) throw new SnapshotError(`corrupt snapshot: ${path} refers to record ${id} of ${records.length}`);
    return r;
  };
  const pair = (id: number, o: object, path: string) => {
    fresh.set(id, o);
    owner.set(o, id);
    paths.set(id, path);
    queue.push(id);
  };
  /** The object for record `id`: the fresh one at this place when it fits, else a new one. */
  const resolve = (id: number, current: unknown, path: string): object => {
    const known = fresh.get(id);
    if (known) return known;
    const r = record(id, path);
    const reuse = fits(r, current) && !owner.has(current as object);
    const o = reuse ? (current as object) : create(r, path);
    pair(id, o, path);
    return o;
  };
  const decode = (v: Value, current: unknown, path: string): unknown => {
    if (v !== null && typeof v === 'object') {
      if ('r' in v) return resolve(v.r, current, path);
      if ('fn' in v) {
        if (typeof current !== 'function') throw new SnapshotError(`the snapshot does not fit this board: ${path} is a function in the snapshot but not here`);
        return current;
      }
    }
    return decodePrimitive(v);
  };
  const fits = (r: StateRecord, o: unknown): boolean => {
    if (typeof o !== 'object' || o === null) return false;
    switch (r.t) {
      case 'object':
        return !Array.isArray(o) && !(o instanceof Map) && !(o instanceof Set) && !ArrayBuffer.isView(o) && className(o) === r.c;
      case 'array':
        return Array.isArray(o);
      case 'map':
        return o instanceof Map;
      case 'set':
        return o instanceof Set;
      case 'buffer':
        return o instanceof ArrayBuffer && o.byteLength === r.length;
      case 'typed':
        return ArrayBuffer.isView(o) && className(o) === r.c && (o as Uint8Array).length === r.length && (o as Uint8Array).byteOffset === r.offset;
    }
  };
  const create = (r: StateRecord, path: string): object => {
    switch (r.t) {
      case 'array':
        return [];
      case 'map':
        return new Map();
      case 'set':
        return new Set();
      case 'buffer':
        return new ArrayBuffer(r.length);
      case 'typed': {
        const Ctor = TYPED_ARRAYS[r.c];
        if (!Ctor) throw new SnapshotError(`corrupt snapshot: ${path} is a ${r.c}`);
        const buffer = resolve(r.buffer, undefined, `${path}.buffer`) as ArrayBuffer;
        if (r.offset + r.length * (Ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT > buffer.byteLength) {
          throw new SnapshotError(`corrupt snapshot: ${path} lies outside its buffer`);
        }
        return new Ctor(buffer, r.offset, r.length);
      }
      case 'object': {
        if (r.c === null) return Object.create(null) as object;
        if (r.c === 'Object') return {};
        prototypes ??= collectPrototypes(root);
        const proto = prototypes.get(r.c);
        if (!proto) throw new SnapshotError(`the snapshot does not fit this board: ${path} is a ${r.c}, a kind of object this board does not have`);
        return Object.create(proto) as object;
      }
    }
  };

  pair(0, root, 'board');
  if (!fits(record(0, 'board'), root)) throw new SnapshotError(`the snapshot does not fit this board: it holds a ${(records[0] as { c?: string }).c ?? records[0].t}`);
  for (let q = 0; q < queue.length; q++) {
    const id = queue[q];
    const o = fresh.get(id)!;
    const path = paths.get(id)!;
    applyRecord(o, record(id, path), path);
    restored.push(o);
  }
  // References-only arrays (the event queue) last: their elements belong to owners walked above.
  for (const { target, key, v, path } of laterRefs) {
    const r = v !== null && typeof v === 'object' && 'r' in v ? record(v.r, path) : null;
    if (!r || r.t !== 'array') throw new SnapshotError(`corrupt snapshot: ${path} is not a list`);
    const list = Array.isArray(target[key]) ? (target[key] as unknown[]) : [];
    list.length = r.v.length;
    r.v.forEach((e, i) => {
      const id = e !== null && typeof e === 'object' && 'r' in e ? e.r : -1;
      const o = fresh.get(id);
      if (!o) throw new SnapshotError(`corrupt snapshot: ${path}[${i}] belongs to nothing in the board`);
      list[i] = o;
    });
    target[key] = list;
  }
  for (const o of restored) {
    const rule = ruleFor(rules, o);
    if (rule?.afterRestore) (rule.afterRestore as (x: object) => void)(o);
  }

  function applyRecord(o: object, r: StateRecord, path: string): void {
    switch (r.t) {
      case 'buffer': {
        const blob = blobs[r.blob];
        if (!blob || blob.length !== r.length) throw new SnapshotError(`corrupt snapshot: the bytes of ${path} are missing`);
        new Uint8Array(o as ArrayBuffer).set(blob);
        return;
      }
      case 'typed': {
        const buffer = (o as Uint8Array).buffer as ArrayBuffer;
        const mapped = fresh.get(r.buffer);
        if (mapped === undefined) {
          if (!fits(record(r.buffer, path), buffer) || owner.has(buffer)) throw new SnapshotError(`the snapshot does not fit this board: ${path} has another size here`);
          pair(r.buffer, buffer, `${path}.buffer`);
        }
        else if (mapped !== buffer) throw new SnapshotError(`the snapshot does not fit this board: ${path} shares its memory differently`);
        return;
      }
      case 'array': {
        const a = o as unknown[];
        // A list of functions only (listeners) is wiring: the fresh board's own stays.
        if (r.v.length > 0 && r.v.every((v) => v !== null && typeof v === 'object' && 'fn' in v)) return;
        const old = a.slice();
        a.length = r.v.length;
        for (let i = 0; i < r.v.length; i++) {
          const v = r.v[i];
          if (v !== null && typeof v === 'object' && 'h' in v) delete a[i];
          else a[i] = decode(v, old[i], `${path}[${i}]`);
        }
        return;
      }
      case 'map': {
        const m = o as Map<unknown, unknown>;
        const old = new Map(m);
        m.clear();
        r.e.forEach(([k, v], i) => {
          const key = decode(k, undefined, `${path}<key ${i}>`);
          m.set(key, decode(v, old.get(key), `${path}.get(${String(key)})`));
        });
        return;
      }
      case 'set': {
        const s = o as Set<unknown>;
        s.clear();
        r.v.forEach((v, i) => s.add(decode(v, undefined, `${path}<item ${i}>`)));
        return;
      }
      case 'object': {
        const target = o as Record<string, unknown>;
        const rule = ruleFor(rules, o);
        const seen = new Set<string>();
        for (const [key, v] of r.f) {
          seen.add(key);
          if (rule?.referencesOnly?.includes(key)) {
            laterRefs.push({ target, key, v, path: `${path}.${key}` });
            continue;
          }
          const next = decode(v, target[key], `${path}.${key}`);
          if (target[key] !== next) target[key] = next;
        }
        for (const key of Object.keys(target)) {
          if (!seen.has(key) && !isAccessor(target, key) && !rule?.transient?.includes(key) && typeof target[key] !== 'function') delete target[key];
        }
        return;
      }
    }
  }
}

/** Constructor name -> prototype of every class instance reachable from `root`. */
function collectPrototypes(root: object): Map<string, object> {
  const out = new Map<string, object>();
  const seen = new Set<object>([root]);
  const queue: object[] = [root];
  const visit = (v: unknown) => {
    if (typeof v === 'object' && v !== null && !seen.has(v)) {
      seen.add(v);
      queue.push(v);
    }
  };
  for (let i = 0; i < queue.length; i++) {
    const o = queue[i];
    if (ArrayBuffer.isView(o) || o instanceof ArrayBuffer) continue;
    const c = className(o);
    const proto = Object.getPrototypeOf(o) as object | null;
    if (c && proto && !out.has(c)) out.set(c, proto);
    if (o instanceof Map) for (const [k, v] of o) (visit(k), visit(v));
    else if (o instanceof Set) for (const v of o) visit(v);
    else for (const key of Object.keys(o)) visit((o as Record<string, unknown>)[key]);
  }
  return out;
}
