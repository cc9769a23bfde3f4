/**
 * The console's flow control (ui/console-feed.ts) without a browser: a sink that stands for xterm.js
 * (one write parsed at a time, its callback when the test says so) and animation frames run by hand.
 * The oracle is the output itself: consecutive numbered lines, so what arrives must be every line in
 * order, and where lines were dropped the marker must name exactly the gap.
 */
import { describe, it, expect } from 'vitest';
import { ConsoleFeed, skipMarker, type FeedOptions } from '../../ui/console-feed.js';

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

/** xterm.js as the feed sees it: writes parsed one after another, each calling back once parsed. */
class Sink {
  writes: Uint8Array[] = [];
  waiting: (() => void)[] = [];
  /** Calls back inside write() (xterm.js parses at once right after a key). */
  sync = false;
  write(data: Uint8Array, done: () => void): void {
    // The feed promises one write in flight at a time.
    expect(this.waiting.length).toBe(0);
    this.writes.push(data.slice());
    if (this.sync) done();
    else this.waiting.push(done);
  }
  /** Parses what was written (its callback may write the next piece). */
  parse(): boolean {
    const cb = this.waiting.shift();
    cb?.();
    return cb !== undefined;
  }
  text(): string {
    return dec.decode(concat(this.writes));
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function setup(options: Partial<FeedOptions> = {}) {
  const sink = new Sink();
  const frames: (() => void)[] = [];
  const feed = new ConsoleFeed(sink, { nextFrame: (cb) => frames.push(cb), ...options });
  /** One animation frame: the budget starts again, and the sink parses what it is given. */
  const frame = () => {
    for (const cb of frames.splice(0)) cb();
    while (sink.parse());
  };
  const drain = () => {
    for (let i = 0; i < 100_000 && (feed.pending > 0 || sink.waiting.length > 0 || frames.length > 0); i++) frame();
  };
  return { sink, feed, frames, frame, drain };
}

/** "0\r\n1\r\n…" for n from `from` to `to` - 1. */
function lines(from: number, to: number): string {
  let s = '';
  for (let n = from; n < to; n++) s += `${n}\r\n`;
  return s;
}

/** A deterministic generator (xorshift32), for chunk sizes. */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe('ConsoleFeed', () => {
  it('writes everything in order, in pieces of at most pieceBytes, one at a time, at most frameBytes per frame', () => {
    const { sink, feed, frames, drain } = setup({ pieceBytes: 100, frameBytes: 300 });
    const text = lines(0, 2000) + 'héllo wörld ✓ 🐍\r\n'.repeat(50);
    const bytes = enc.encode(text);
    const rand = rng(7);
    for (let o = 0; o < bytes.length; ) {
      const n = 1 + Math.floor(rand() * 700);
      feed.push(bytes.subarray(o, o + n));
      o += n;
      // Between frames: the sink parses as it is given work, the budget holds until the next frame.
      while (sink.parse());
    }
    let perFrame = 0;
    let worst = 0;
    const counted = sink.writes.length;
    for (const w of sink.writes.slice(0, counted)) perFrame += w.length;
    worst = perFrame;
    while (feed.pending > 0 || frames.length > 0) {
      const before = sink.writes.length;
      for (const cb of frames.splice(0)) cb();
      while (sink.parse());
      worst = Math.max(worst, sink.writes.slice(before).reduce((n, w) => n + w.length, 0));
    }
    drain();
    expect(sink.text()).toBe(text);
    expect(Math.max(...sink.writes.map((w) => w.length))).toBeLessThanOrEqual(100);
    // A frame's budget is checked before each write: it ends at most one piece past it.
    expect(worst).toBeLessThanOrEqual(300 + 100);
    // Every piece ends on a character boundary (the fatal decoder throws on a split character).
    for (const w of sink.writes) expect(() => dec.decode(w)).not.toThrow();
    expect(feed.skippedLines).toBe(0);
  });

  it('writes a short output (REPL echo) at once when nothing waits, and joins small chunks that wait', () => {
    const { sink, feed, frame } = setup({ pieceBytes: 64, frameBytes: 64 });
    feed.push(enc.encode('1'));
    expect(sink.writes.map((w) => dec.decode(w))).toEqual(['1']);
    // While that write is parsed, more arrives: it waits, then goes as one write.
    feed.push(enc.encode('+'));
    feed.push(enc.encode('1'));
    feed.push(enc.encode('\r\n'));
    expect(sink.writes.length).toBe(1);
    sink.parse();
    expect(sink.writes.map((w) => dec.decode(w))).toEqual(['1', '+1\r\n']);
    frame();
    feed.push(enc.encode('2\r\n>>> '));
    expect(dec.decode(sink.writes.at(-1)!)).toBe('2\r\n>>> ');
  });

  it('works with a sink that calls back inside write (no recursion, the frame budget still holds)', () => {
    const { sink, feed, frame, drain } = setup({ pieceBytes: 10, frameBytes: 50 });
    sink.sync = true;
    const text = lines(0, 500);
    feed.push(enc.encode(text));
    expect(sink.writes.reduce((n, w) => n + w.length, 0)).toBe(50);
    frame();
    expect(sink.writes.reduce((n, w) => n + w.length, 0)).toBe(100);
    drain();
    expect(sink.text()).toBe(text);
  });

  it('past maxPending drops the oldest whole lines, after the line being written, and says how many', () => {
    const { sink, feed, drain } = setup({ pieceBytes: 1000, frameBytes: 1000, maxPending: 10_000, keepPending: 5000 });
    // The first write ends inside line 143 (its "14"); the flood that follows overflows: line 143 is
    // finished (its "3\r\n") before the marker, so the lines dropped are whole ones.
    feed.push(enc.encode(lines(0, 143) + '14'));
    expect(feed.pending).toBe(0);
    feed.push(enc.encode('3\r\n' + lines(144, 100_000)));
    expect(feed.pending).toBeLessThanOrEqual(10_000);
    drain();
    const out = sink.text();
    const m = /\x1b\[0;30;43m\[… ([\d,]+) lines \((\d+ kB|[\d.]+ MB)\) skipped: the board prints faster than the console shows …\]\x1b\[0m\r\n/.exec(out);
    expect(m).not.toBeNull();
    const before = out.slice(0, m!.index);
    const after = out.slice(m!.index + m![0].length);
    // Whole lines on both sides, in order, consecutive on each side; the gap is the count the marker gives.
    expect(before).toMatch(/^(\d+\r\n)+$/);
    expect(after).toMatch(/^(\d+\r\n)+$/);
    const b = before.trim().split('\r\n').map(Number);
    const a = after.trim().split('\r\n').map(Number);
    expect(b).toEqual(b.map((_, i) => i));
    expect(b.at(-1)).toBe(143);
    expect(a).toEqual(a.map((_, i) => a[0]! + i));
    expect(a.at(-1)).toBe(99_999);
    const skipped = a[0]! - b.at(-1)! - 1;
    expect(Number(m![1]!.replace(/,/g, ''))).toBe(skipped);
    expect(feed.skippedLines).toBe(skipped);
    // What waits after a drop is keepPending less the rest of the line the drop ends in (lines of 7 bytes
    // here), the end of line 143 included.
    expect(3 + after.length).toBeLessThanOrEqual(5000);
    expect(3 + after.length).toBeGreaterThan(5000 - 7);
  });

  it('drops again before the marker is written: one marker, the counts added', () => {
    const { sink, feed, drain } = setup({ pieceBytes: 100, frameBytes: 100, maxPending: 2000, keepPending: 1000 });
    const text = lines(0, 20_000);
    const bytes = enc.encode(text);
    // Many pushes while the sink parses nothing: every drop lands on the same waiting marker.
    for (let o = 0; o < bytes.length; o += 333) feed.push(bytes.subarray(o, o + 333));
    drain();
    const out = sink.text();
    const markers = [...out.matchAll(/\[… ([\d,]+) lines/g)];
    expect(markers.length).toBe(1);
    const [before, after] = out.split(/\x1b\[0;30;43m.*?\x1b\[0m\r\n/);
    const last = Number(before!.trim().split('\r\n').at(-1));
    const first = Number(after!.split('\r\n')[0]);
    expect(Number(markers[0]![1]!.replace(/,/g, ''))).toBe(first - last - 1);
    expect(after!.endsWith('19999\r\n')).toBe(true);
  });

  it('a flood with many drops: every line either shown or counted in the marker before it', () => {
    const { sink, feed, frame, drain } = setup({ pieceBytes: 512, frameBytes: 2048, maxPending: 20_000 });
    const rand = rng(99);
    let n = 0;
    for (let step = 0; step < 400; step++) {
      const count = 100 + Math.floor(rand() * 2000);
      feed.push(enc.encode(lines(n, n + count)));
      n += count;
      expect(feed.pending).toBeLessThanOrEqual(20_000);
      if (step % 3 === 0) frame();
      else sink.parse();
    }
    drain();
    let expectNext = 0;
    let markers = 0;
    for (const line of sink.text().split('\r\n').slice(0, -1)) {
      const m = /^\x1b\[0;30;43m\[… ([\d,]+) lines? /.exec(line);
      if (m) {
        markers++;
        expectNext += Number(m[1]!.replace(/,/g, ''));
      } else {
        expect(Number(line)).toBe(expectNext);
        expectNext++;
      }
    }
    expect(expectNext).toBe(n);
    expect(markers).toBeGreaterThan(1);
    expect(feed.skippedLines).toBeGreaterThan(0);
  });

  it('a flood with no line ends: bytes dropped at a character boundary, the marker on a line of its own', () => {
    const { sink, feed, drain } = setup({ pieceBytes: 100, frameBytes: 100, maxPending: 3000, keepPending: 1000 });
    const text = 'ab✓'.repeat(5000);
    // Written at once (nothing waits), then the rest of the same line floods.
    feed.push(enc.encode(text.slice(0, 30)));
    feed.push(enc.encode(text.slice(30)));
    drain();
    const out = sink.text();
    const m = /\r\n\x1b\[0;30;43m\[… 0 lines \((\d+) kB\) skipped: .*?\x1b\[0m\r\n/.exec(out);
    expect(m).not.toBeNull();
    const before = out.slice(0, m!.index);
    const after = out.slice(m!.index + m![0].length);
    expect(text.startsWith(before)).toBe(true);
    expect(text.endsWith(after)).toBe(true);
    const dropped = enc.encode(text).length - enc.encode(before).length - enc.encode(after).length;
    expect(Number(m![1])).toBe(Math.round(dropped / 1024));
  });

  it('one line longer than maxPending, with nothing after it: written whole, no marker', () => {
    const { sink, feed, drain } = setup({ pieceBytes: 100, frameBytes: 100, maxPending: 1000, keepPending: 500 });
    feed.push(enc.encode('a'));
    feed.push(enc.encode(`${'x'.repeat(2000)}\r\n`));
    drain();
    expect(sink.text()).toBe(`a${'x'.repeat(2000)}\r\n`);
    expect(feed.skippedLines).toBe(0);
  });

  it('the marker: counts grouped by thousands, singular for one line, sizes in kB or MB', () => {
    expect(skipMarker(1, 10)).toBe('\x1b[0;30;43m[… 1 line (1 kB) skipped: the board prints faster than the console shows …]\x1b[0m\r\n');
    expect(skipMarker(1_234_567, 3 << 20)).toContain('[… 1,234,567 lines (3.0 MB) skipped');
    expect(skipMarker(999, 600 * 1024)).toContain('[… 999 lines (600 kB) skipped');
  });

  it('rejects options that cannot work', () => {
    const nextFrame = () => {};
    expect(() => new ConsoleFeed(new Sink(), { nextFrame, pieceBytes: 0 })).toThrow(/pieceBytes/);
    expect(() => new ConsoleFeed(new Sink(), { nextFrame, pieceBytes: 100, frameBytes: 50 })).toThrow(/frameBytes/);
    expect(() => new ConsoleFeed(new Sink(), { nextFrame, maxPending: 100, keepPending: 100 })).toThrow(/keepPending < maxPending/);
  });
});
