/**
 * One GDB client's session with a halted-or-running machine: the commands of the GDB Remote
 * Serial Protocol that gdb-multiarch needs to load symbols, read and write registers and memory,
 * set breakpoints, step, continue and interrupt (GDB manual, "Packets", "Stop Reply Packets").
 * Transport-free: bytes in through `receive`, out through the `send` callback (tcp.ts serves
 * it on 127.0.0.1). The machine is halted while GDB looks at it; `continue` runs it in slices,
 * one instruction at a time while breakpoints are set (the PC is checked before each), and a
 * host turn between slices lets Ctrl-C in.
 */
import type { Machine } from '../kernel/machine.js';
import type { HaltInfo } from '../kernel/core.js';
import { PacketReader, framePacket, fromHex, le32, toHex } from './packets.js';
import type { DataAccess, GdbTarget } from './target.js';

/** Instructions single-stepped per host turn while breakpoints are set. */
const STEPS_PER_TURN = 20_000;
/** Simulated seconds per slice while no breakpoint is set. */
const SLICE_SECONDS = 0.01;

const SIGINT = 2;
const SIGTRAP = 5;
const SIGSEGV = 11;

export interface GdbSessionOptions {
  /** Called when the client wants the machine reset (`monitor reset`). */
  reset?: () => void;
  /** A host turn between run slices (Ctrl-C arrives in it). */
  yield?: () => Promise<void>;
}

export class GdbSession {
  private readonly reader = new PacketReader();
  private readonly breakpoints = new Set<number>();
  /** Write watchpoints: address -> length (Z2). */
  private readonly watchpoints = new Map<number, number>();
  /** Read (Z3) and access (Z4) watchpoints: address -> length and kind. */
  private readonly dataWatches = new Map<number, { length: number; kind: 'rwatch' | 'awatch' }>();
  /** The watchpoint that stopped the last continue, for its stop reply. */
  private hitWatch: number | null = null;
  private hitKind: 'watch' | 'rwatch' | 'awatch' = 'watch';
  private running = false;
  private interruptRequested = false;
  private noAck = false;
  private ended: HaltInfo | null = null;
  /** Set when the client detached or killed: the caller lets the program run on, or stops. */
  closed: 'detach' | 'kill' | null = null;
  private abandoned = false;

  constructor(
    private readonly machine: Machine,
    private readonly target: GdbTarget,
    private readonly send: (bytes: Uint8Array) => void,
    private readonly options: GdbSessionOptions = {},
  ) {}

  receive(bytes: Uint8Array): void {
    for (const item of this.reader.feed(bytes)) {
      if (item.kind === 'interrupt') {
        if (this.running) this.interruptRequested = true;
        continue;
      }
      if (item.kind === 'bad-checksum') {
        if (!this.noAck) this.raw('-');
        continue;
      }
      if (!this.noAck) this.raw('+');
      if (this.running) continue; // only Ctrl-C while the target runs (all-stop mode)
      const reply = this.command(item.data);
      if (reply !== null) this.reply(reply);
    }
  }

  /** The client went away (mid-command, perhaps): a running `continue` stops at its next turn, silently. */
  abandon(): void {
    this.abandoned = true;
    this.interruptRequested = true;
  }

  /** How the program ended while the client was connected (exit, fault), if it did. */
  get programEnd(): HaltInfo | null {
    return this.ended;
  }

  private raw(s: string): void {
    this.send(new TextEncoder().encode(s));
  }

  private reply(data: string): void {
    this.send(framePacket(data));
  }

  /** The reply to one packet; null when the reply comes later (continue, step). */
  private command(p: string): string | null {
    const t = this.target;
    switch (p[0]) {
      case '?':
        return this.stopReply(SIGTRAP);
      case 'g': {
        let s = '';
        for (let i = 0; i < t.registerCount; i++) s += this.registerHex(i);
        return s;
      }
      case 'G': {
        const bytes = fromHex(p.slice(1));
        if (!bytes || bytes.length < t.registerCount * 4) return 'E01';
        const dv = new DataView(bytes.buffer);
        for (let i = 0; i < t.registerCount; i++) t.writeRegister(i, dv.getUint32(i * 4, true));
        return 'OK';
      }
      case 'p': {
        const n = parseInt(p.slice(1), 16);
        return Number.isInteger(n) && n >= 0 && n < t.registerCount ? this.registerHex(n) : 'E01';
      }
      case 'P': {
        const m = /^P([0-9a-fA-F]+)=([0-9a-fA-F]{8})$/.exec(p);
        const n = m ? parseInt(m[1], 16) : -1;
        if (!m || n >= t.registerCount) return 'E01';
        t.writeRegister(n, new DataView(fromHex(m[2])!.buffer).getUint32(0, true));
        return 'OK';
      }
      case 'm': {
        const m = /^m([0-9a-fA-F]+),([0-9a-fA-F]+)$/.exec(p);
        if (!m) return 'E01';
        const length = parseInt(m[2], 16);
        if (length > 0x4000) return 'E01';
        const bytes = t.readMemory(parseInt(m[1], 16), length);
        return bytes ? toHex(bytes) : 'E14';
      }
      case 'M': {
        const m = /^M([0-9a-fA-F]+),([0-9a-fA-F]+):([0-9a-fA-F]*)$/.exec(p);
        const data = m ? fromHex(m[3]) : null;
        if (!m || !data || data.length !== parseInt(m[2], 16)) return 'E01';
        return t.writeMemory(parseInt(m[1], 16), data) ? 'OK' : 'E14';
      }
      case 'X': {
        const at = p.indexOf(':');
        const m = /^X([0-9a-fA-F]+),([0-9a-fA-F]+)$/.exec(p.slice(0, at));
        if (at < 0 || !m) return 'E01';
        const data = Uint8Array.from(p.slice(at + 1), (c) => c.charCodeAt(0));
        if (data.length !== parseInt(m[2], 16)) return 'E01';
        return t.writeMemory(parseInt(m[1], 16), data) ? 'OK' : 'E14';
      }
      case 'Z':
      case 'z': {
        const w = /^([Zz])2,([0-9a-fA-F]+),([0-9a-fA-F]+)$/.exec(p);
        if (w) return this.watch(w[1] === 'Z', parseInt(w[2], 16), parseInt(w[3], 16));
        const rw = /^([Zz])([34]),([0-9a-fA-F]+),([0-9a-fA-F]+)$/.exec(p);
        if (rw) return this.dataWatch(rw[1] === 'Z', rw[2] === '3' ? 'rwatch' : 'awatch', parseInt(rw[3], 16), parseInt(rw[4], 16));
        const m = /^[Zz]([01]),([0-9a-fA-F]+),([0-9a-fA-F]+)$/.exec(p);
        if (!m) return '';
        const address = t.breakpointAddress(parseInt(m[2], 16));
        if (p[0] === 'Z') this.breakpoints.add(address);
        else this.breakpoints.delete(address);
        return 'OK';
      }
      case 'c':
      case 's':
        if (p.length > 1 && !/^[0-9a-fA-F]{1,8}$/.test(p.slice(1))) return 'E01';
        if (p.length > 1) t.writeRegister(t.pcRegister, parseInt(p.slice(1), 16));
        void this.resume(p[0] === 's');
        return null;
      case 'v':
        return this.vCommand(p);
      case 'q':
      case 'Q':
        return this.query(p);
      case 'H':
        return 'OK';
      case 'T':
        return 'OK'; // the one thread is alive
      case 'D':
        this.closed = 'detach';
        return 'OK';
      case 'k':
        this.closed = 'kill';
        return null;
      default:
        return ''; // unsupported: the empty reply (GDB manual, "Packets")
    }
  }

  /** A write watchpoint on plain memory (up to 64 bytes), set or removed. */
  private watch(set: boolean, address: number, length: number): string {
    if (!set) {
      this.watchpoints.delete(address);
      return 'OK';
    }
    if (!(length >= 1 && length <= 64) || !this.target.isPlainMemory(address, length)) return 'E01';
    this.watchpoints.set(address, length);
    return 'OK';
  }

  /** A read (Z3) or access (Z4) watchpoint, set or removed: checked against each instruction's accesses. */
  private dataWatch(set: boolean, kind: 'rwatch' | 'awatch', address: number, length: number): string {
    if (!set) {
      this.dataWatches.delete(address);
      return 'OK';
    }
    if (!(length >= 1 && length <= 64)) return 'E01';
    this.dataWatches.set(address, { length, kind });
    return 'OK';
  }

  /** The watchpoint (read, access, or write) the next instruction's own access triggers, or null. */
  private dataWatchHit(): { address: number; kind: 'watch' | 'rwatch' | 'awatch' } | null {
    if (!this.dataWatches.size && !this.watchpoints.size) return null;
    const overlaps = (a: DataAccess, address: number, length: number) => a.address < address + length && address < a.address + a.length;
    for (const a of this.target.nextAccesses()) {
      for (const [address, w] of this.dataWatches) {
        if ((w.kind === 'awatch' || !a.write) && overlaps(a, address, w.length)) return { address, kind: w.kind };
      }
      if (a.write) for (const [address, length] of this.watchpoints) if (overlaps(a, address, length)) return { address, kind: 'watch' };
    }
    return null;
  }

  /** The watched bytes now, to compare after each instruction. */
  private watchedBytes(): Uint8Array[] {
    return [...this.watchpoints].map(([a, n]) => this.target.readMemory(a, n) ?? new Uint8Array(n));
  }

  /** The first watched address whose bytes differ from `before`, or null. */
  private changedWatch(before: Uint8Array[]): number | null {
    let i = 0;
    for (const [a, n] of this.watchpoints) {
      const now = this.target.readMemory(a, n);
      const was = before[i++];
      if (now && now.some((b, k) => b !== was[k])) return a;
    }
    return null;
  }

  private vCommand(p: string): string | null {
    if (p === 'vCont?') return 'vCont;c;C;s;S';
    if (p.startsWith('vCont;')) {
      const action = p.slice(6).split(';')[0];
      if (action[0] === 'c' || action[0] === 'C') void this.resume(false);
      else if (action[0] === 's' || action[0] === 'S') void this.resume(true);
      else return 'E01';
      return null;
    }
    if (p.startsWith('vKill')) {
      this.closed = 'kill';
      return 'OK';
    }
    if (p === 'vMustReplyEmpty') return '';
    return '';
  }

  private query(p: string): string {
    if (p.startsWith('qSupported')) return 'PacketSize=4000;qXfer:features:read+;QStartNoAckMode+;vContSupported+';
    if (p === 'QStartNoAckMode') {
      this.noAck = true;
      return 'OK';
    }
    if (p === 'qAttached') return '1';
    if (p === 'qC') return 'QC1';
    if (p === 'qfThreadInfo') return 'm1';
    if (p === 'qsThreadInfo') return 'l';
    if (p === 'qOffsets') return 'Text=0;Data=0;Bss=0';
    if (p === 'qSymbol::') return 'OK';
    if (p.startsWith('qXfer:features:read:target.xml:')) {
      const m = /:([0-9a-fA-F]+),([0-9a-fA-F]+)$/.exec(p);
      if (!m) return 'E01';
      const offset = parseInt(m[1], 16);
      const length = parseInt(m[2], 16);
      const xml = this.target.targetXml;
      const chunk = xml.slice(offset, offset + length);
      return (offset + length >= xml.length ? 'l' : 'm') + chunk;
    }
    if (p.startsWith('qRcmd,')) return this.monitor(new TextDecoder().decode(fromHex(p.slice(6)) ?? new Uint8Array()));
    return '';
  }

  /** `monitor reset` (and `monitor help`). */
  private monitor(command: string): string {
    const out = (text: string) => 'O' + toHex(new TextEncoder().encode(text));
    if (command.trim() === 'reset' || command.trim() === 'reset halt') {
      if (!this.options.reset) return 'E01';
      this.options.reset();
      this.ended = null;
      // GDB keeps the registers it read before a monitor command: say how to see the new ones.
      this.reply(out('target reset (GDB shows the new registers after `maintenance flush register-cache` or a step)\n'));
      return 'OK';
    }
    this.reply(out('monitor commands: reset\n'));
    return 'OK';
  }

  /** A register in target order, or `xxxxxxxx` for one the core does not have (GDB: unavailable). */
  private registerHex(n: number): string {
    const v = this.target.readRegister(n);
    return v === null ? 'xxxxxxxx' : le32(v);
  }

  private stopReply(signal: number): string {
    if (this.ended) return this.ended.reason === 'exit' ? `W${(this.ended.exitCode & 0xff).toString(16).padStart(2, '0')}` : `S${SIGSEGV.toString(16).padStart(2, '0')}`;
    const watch = this.hitWatch === null ? '' : `${this.hitKind}:${(this.hitWatch >>> 0).toString(16)};`;
    this.hitWatch = null;
    const pc = this.target.pcRegister.toString(16).padStart(2, '0');
    return `T${signal.toString(16).padStart(2, '0')}${pc}:${this.registerHex(this.target.pcRegister)};${watch}`;
  }

  /** Runs (or steps) until a breakpoint, an interrupt, the program's end; then the stop reply. */
  private async resume(step: boolean): Promise<void> {
    if (this.ended) {
      this.reply(this.stopReply(SIGTRAP));
      return;
    }
    this.running = true;
    this.interruptRequested = false;
    const m = this.machine;
    let signal = SIGTRAP;
    try {
      if (step) {
        this.stepOne();
      } else {
        // The instruction at a breakpoint we are resuming from runs first.
        this.stepOne();
        for (;;) {
          if (this.ended || this.breakpoints.has(this.target.pc)) break;
          if (this.watchpoints.size || this.dataWatches.size) {
            // Each instruction: its accesses checked against read/access watchpoints before it
            // runs, the written bytes compared after (GDB reports the watchpoint and its address).
            // GDB takes ARM watchpoints as reported before the access (it then steps over the
            // instruction itself, watchpoints removed): an instruction whose own access hits one is
            // not run. A write the decoder cannot see (DMA, exception stacking) is caught after
            // the instruction by comparing the watched bytes.
            for (let i = 0; i < STEPS_PER_TURN && !this.ended && !this.breakpoints.has(this.target.pc); i++) {
              const data = this.dataWatchHit();
              if (data) {
                this.hitWatch = data.address;
                this.hitKind = data.kind;
                break;
              }
              const before = this.watchedBytes();
              this.stepOne();
              this.hitWatch = this.changedWatch(before);
              this.hitKind = 'watch';
              if (this.hitWatch !== null) break;
            }
            if (this.hitWatch !== null) break;
          } else if (this.breakpoints.size) {
            for (let i = 0; i < STEPS_PER_TURN && !this.ended && !this.breakpoints.has(this.target.pc); i++) this.stepOne();
          } else {
            const halt = m.runFor(SLICE_SECONDS);
            if (halt) this.ended = halt;
          }
          if (this.ended || this.breakpoints.has(this.target.pc)) break;
          await (this.options.yield?.() ?? Promise.resolve());
          if (this.interruptRequested || this.closed) {
            signal = SIGINT;
            break;
          }
        }
      }
    } finally {
      this.running = false;
    }
    if (!this.closed && !this.abandoned) this.reply(this.stopReply(signal));
  }

  /** Exactly one instruction (or, asleep in WFI, time up to the next event). */
  private stepOne(): void {
    const m = this.machine;
    const before = m.instructions;
    for (let guard = 0; guard < 1_000_000 && m.instructions === before && !this.ended; guard++) {
      const s = m.scheduler;
      const state = m.core?.state;
      const halt = state === 'sleeping' ? m.runUntil(Math.min(s.nextEventCycle, s.cycles + s.cyclesIn(0.001))) : m.runUntil(s.cycles + 1);
      if (halt) this.ended = halt;
      if (state === 'sleeping' && m.core?.state === 'sleeping') break; // still asleep: report where it sleeps
    }
  }
}
