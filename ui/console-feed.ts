/**
 * Flow control between the board's console output and xterm.js. The worker posts what the board printed
 * as it comes (a `while True: print(i)` loop on the hosted engine posts half a megabyte at a time), and
 * xterm.js parses each write in one go: one big write was one main-thread task of 50-300 ms, and a backlog
 * of megabytes kept a Ctrl-C's traceback seconds behind. Here the output goes to the terminal
 *  - in pieces of at most `pieceBytes` (xterm.js yields to the page between writes, never inside one),
 *  - one piece at a time, the next when xterm.js calls back that it has parsed the last (back-pressure),
 *  - at most `frameBytes` per animation frame (the rest of the frame is the page's: drawing, input),
 * and when more than `maxPending` bytes wait, the oldest whole lines are dropped down to `keepPending`
 * and a marker in their place says how many (never silently). Order is kept; a short write (REPL echo)
 * with nothing waiting goes to the terminal at once.
 */

/** Where the feed writes: xterm.js's `Terminal.write(data, callback)`. */
export interface FeedSink {
  /** Writes `data`; calls `done` once it is parsed (`data` may be a view of a buffer the feed keeps). */
  write(data: Uint8Array, done: () => void): void;
}

export interface FeedOptions {
  /** The largest single write (bytes). */
  pieceBytes?: number;
  /** Bytes written per animation frame before the feed waits for the next. */
  frameBytes?: number;
  /** Waiting bytes above which the oldest lines are dropped. */
  maxPending?: number;
  /** What is left waiting after a drop (below maxPending, so markers come seldom, not at every message). */
  keepPending?: number;
  /** Calls `cb` at the next animation frame (requestAnimationFrame; tests drive it by hand). */
  nextFrame: (cb: () => void) => void;
}

const NL = 0x0a;

/** Lines dropped at one place in the output, shown as a marker line when the writing reaches it. */
interface Skip {
  lines: number;
  bytes: number;
  /** The drop began inside a line that has no end in the queue (a flood with no newline): start a new line. */
  midLine: boolean;
}

type Item = Uint8Array | Skip;
const isSkip = (i: Item): i is Skip => !(i instanceof Uint8Array);

const encoder = new TextEncoder();

/** The marker's text: black on yellow (the page's own console notes are yellow), the attributes reset after it. */
export function skipMarker(lines: number, bytes: number): string {
  const size = bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} kB`;
  return `\x1b[0;30;43m[… ${group(lines)} ${lines === 1 ? 'line' : 'lines'} (${size}) skipped: the board prints faster than the console shows …]\x1b[0m\r\n`;
}

/** 1234567 as "1,234,567" (the same on every locale: tests read it). */
function group(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Backs `end` off a UTF-8 continuation byte so that a cut never splits a character. */
function charBoundary(bytes: Uint8Array, start: number, end: number): number {
  let e = end;
  while (e > start && end - e < 3 && e < bytes.length && (bytes[e]! & 0xc0) === 0x80) e--;
  return e > start ? e : end;
}

export class ConsoleFeed {
  private readonly pieceBytes: number;
  private readonly frameBytes: number;
  private readonly maxPending: number;
  private readonly keepPending: number;
  private readonly nextFrame: (cb: () => void) => void;
  /** Waiting output in order; the first item's first `headOffset` bytes are written already. */
  private queue: Item[] = [];
  private headOffset = 0;
  private pendingBytes = 0;
  private inFlight = false;
  private pumping = false;
  private frameUsed = 0;
  private frameAsked = false;
  /** The last byte written ended a line (or nothing was written yet). */
  private atLineStart = true;
  private skippedTotal = 0;

  constructor(private readonly sink: FeedSink, options: FeedOptions) {
    this.pieceBytes = options.pieceBytes ?? 4096;
    this.frameBytes = options.frameBytes ?? 32 * 1024;
    this.maxPending = options.maxPending ?? 1 << 20;
    this.keepPending = options.keepPending ?? this.maxPending >> 1;
    this.nextFrame = options.nextFrame;
    if (!(this.pieceBytes > 0 && this.frameBytes >= this.pieceBytes && this.keepPending >= 0 && this.keepPending < this.maxPending)) {
      throw new Error(`ConsoleFeed: needs 0 < pieceBytes <= frameBytes and 0 <= keepPending < maxPending (got ${this.pieceBytes}, ${this.frameBytes}, ${this.keepPending}, ${this.maxPending})`);
    }
  }

  /** Bytes of output waiting to be written (markers not counted). */
  get pending(): number {
    return this.pendingBytes;
  }

  /** Lines dropped so far, over the feed's life. */
  get skippedLines(): number {
    return this.skippedTotal;
  }

  /** Queues the board's output (the feed keeps a view of `bytes`: the caller must not change it). */
  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.queue.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes > this.maxPending) this.skip();
    this.pump();
  }

  /** Queues text of the page's own (after the output before it). */
  pushText(text: string): void {
    this.push(encoder.encode(text));
  }

  /** Writes while the sink is free and the frame has budget left. */
  private pump(): void {
    // A sink that calls back at once (xterm.js parses at once after a key) re-enters through done(): the loop here goes on.
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.inFlight && this.queue.length > 0) {
        if (this.frameUsed >= this.frameBytes) break;
        const piece = this.take();
        this.frameUsed += piece.length;
        this.atLineStart = piece[piece.length - 1] === NL;
        this.inFlight = true;
        this.sink.write(piece, this.done);
      }
    } finally {
      this.pumping = false;
    }
    if (this.frameUsed > 0) this.askFrame();
  }

  private readonly done = (): void => {
    this.inFlight = false;
    this.pump();
  };

  /** The frame's budget starts again at the next animation frame. */
  private askFrame(): void {
    if (this.frameAsked) return;
    this.frameAsked = true;
    this.nextFrame(() => {
      this.frameAsked = false;
      this.frameUsed = 0;
      this.pump();
    });
  }

  /** The next piece: a marker, or up to pieceBytes of output (joined from several small chunks). */
  private take(): Uint8Array {
    const first = this.queue[0]!;
    if (isSkip(first)) {
      this.queue.shift();
      return encoder.encode((first.midLine ? '\r\n' : '') + skipMarker(first.lines, first.bytes));
    }
    const avail = first.length - this.headOffset;
    if (avail >= this.pieceBytes || this.queue.length === 1 || isSkip(this.queue[1]!)) {
      const end = charBoundary(first, this.headOffset, this.headOffset + Math.min(avail, this.pieceBytes));
      return this.consume(first, end);
    }
    // Several small chunks (echo, short prints): one write of up to pieceBytes, of whole chunks.
    const parts: Uint8Array[] = [];
    let size = 0;
    for (let item = this.queue[0]; item && !isSkip(item) && size + item.length - this.headOffset <= this.pieceBytes; item = this.queue[0]) {
      const part = this.consume(item, item.length);
      parts.push(part);
      size += part.length;
    }
    const piece = new Uint8Array(size);
    let o = 0;
    for (const p of parts) {
      piece.set(p, o);
      o += p.length;
    }
    return piece;
  }

  /** Takes the first item's bytes up to `end` off the queue. */
  private consume(item: Uint8Array, end: number): Uint8Array {
    const part = item.subarray(this.headOffset, end);
    this.pendingBytes -= part.length;
    if (end >= item.length) {
      this.queue.shift();
      this.headOffset = 0;
    } else {
      this.headOffset = end;
    }
    return part;
  }

  /**
   * Drops the oldest whole lines until keepPending bytes wait. The line being written is finished first
   * (so an escape sequence in it is not cut); the marker goes where the lines were, and a later drop
   * before the marker is written adds to it.
   */
  private skip(): void {
    const at = this.dropStart();
    let skip: Skip;
    let index = at.index;
    const existing = index > 0 ? this.queue[index - 1] : undefined;
    if (existing && isSkip(existing)) {
      skip = existing;
    } else {
      skip = { lines: 0, bytes: 0, midLine: at.midLine };
      // Split the chunk the drop starts in: its head stays before the marker.
      const item = this.queue[index];
      const from = index === 0 ? this.headOffset : 0;
      if (item && !isSkip(item) && at.offset > from && at.offset < item.length) {
        this.queue.splice(index, 1, item.subarray(from, at.offset), item.subarray(at.offset));
        if (index === 0) this.headOffset = 0;
        index++;
      } else if (item && !isSkip(item) && at.offset === item.length) {
        // The line ends with this chunk: the marker goes after it.
        index++;
      } else if (index === 0 && item && !isSkip(item) && this.headOffset > 0) {
        this.queue[0] = item.subarray(this.headOffset);
        this.headOffset = 0;
      }
      this.queue.splice(index, 0, skip);
      index++;
    }
    this.dropFrom(index, skip);
    // Nothing after the line being written (one line longer than maxPending): no marker for nothing dropped.
    if (skip.bytes === 0) this.queue.splice(index - 1, 1);
  }

  /** Where dropping starts: after a waiting marker, else at the first line start in the queue. */
  private dropStart(): { index: number; offset: number; midLine: boolean } {
    for (let i = 0; i < this.queue.length; i++) {
      if (isSkip(this.queue[i]!)) return { index: i + 1, offset: 0, midLine: false };
    }
    if (this.atLineStart) return { index: 0, offset: this.headOffset, midLine: false };
    for (let i = 0; i < this.queue.length; i++) {
      const item = this.queue[i] as Uint8Array;
      const from = i === 0 ? this.headOffset : 0;
      const nl = item.indexOf(NL, from);
      if (nl >= 0) return { index: i, offset: nl + 1, midLine: false };
    }
    // No line ends anywhere: the line being written is dropped from here on.
    return { index: 0, offset: this.headOffset, midLine: true };
  }

  /**
   * Drops from queue[index] on until keepPending bytes wait, then on to the end of that line (into later
   * chunks if it goes on there; at the byte count if no line ends in the queue), adding them to `skip`.
   */
  private dropFrom(index: number, skip: Skip): void {
    const excess = this.pendingBytes - this.keepPending;
    let dropped = 0;
    let lines = 0;
    while (index < this.queue.length) {
      const item = this.queue[index] as Uint8Array;
      const need = excess - dropped;
      let end = item.length;
      if (need < item.length) {
        const nl = item.indexOf(NL, Math.max(0, need));
        if (nl >= 0) end = nl + 1;
        else if (!this.lineEndAfter(index)) end = need > 0 ? charBoundary(item, 0, need) : 0;
      }
      lines += countLines(item, end);
      dropped += end;
      if (end < item.length) {
        if (end > 0) this.queue[index] = item.subarray(end);
        break;
      }
      this.queue.splice(index, 1);
    }
    skip.lines += lines;
    skip.bytes += dropped;
    this.pendingBytes -= dropped;
    this.skippedTotal += lines;
  }

  /** A line ends somewhere in the queue after queue[index]. */
  private lineEndAfter(index: number): boolean {
    for (let i = index + 1; i < this.queue.length; i++) {
      const item = this.queue[i]!;
      if (!isSkip(item) && item.includes(NL)) return true;
    }
    return false;
  }
}

/** Newlines in bytes[0, end). */
function countLines(bytes: Uint8Array, end: number): number {
  let n = 0;
  for (let i = bytes.indexOf(NL); i >= 0 && i < end; i = bytes.indexOf(NL, i + 1)) n++;
  return n;
}
