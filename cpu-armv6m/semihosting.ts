/**
 * ARM semihosting through `BKPT 0xAB` (ARM "Semihosting for AArch32 and AArch64", v2.0), the
 * operations newlib's librdimon uses. r0 holds the operation, r1 a parameter block (or value).
 *
 * Only the console is a file: ":tt" opens stdin (read modes) or stdout/stderr (write modes), and
 * ":semihosting-features" is the read-only feature file advertising SYS_EXIT_EXTENDED and
 * separate stdout/stderr. Host files are never opened: an emulated program must not reach the
 * user's disk. Time is simulated time, so runs are deterministic.
 */
import type { HostInput, HostStream } from '../emulator/kernel/machine.js';
import type { CortexM0Plus } from './core.js';

export const enum SysOp {
  OPEN = 0x01, CLOSE = 0x02, WRITEC = 0x03, WRITE0 = 0x04, WRITE = 0x05, READ = 0x06,
  READC = 0x07, ISERROR = 0x08, ISTTY = 0x09, SEEK = 0x0a, FLEN = 0x0c, TMPNAM = 0x0d,
  REMOVE = 0x0e, RENAME = 0x0f, CLOCK = 0x10, TIME = 0x11, SYSTEM = 0x12, ERRNO = 0x13,
  GET_CMDLINE = 0x15, HEAPINFO = 0x16, EXIT = 0x18, EXIT_EXTENDED = 0x20, ELAPSED = 0x30,
  TICKFREQ = 0x31,
}

const ADP_STOPPED_APPLICATION_EXIT = 0x20026;
const FEATURES = new Uint8Array([0x53, 0x48, 0x46, 0x42, 0x03]); // "SHFB", EXIT_EXTENDED | STDOUT_STDERR
const ENOENT = 2;
const EBADF = 9;
const EINVAL = 22;

type Handle = { kind: 'stdin' | 'stdout' | 'stderr' | 'features'; position: number };

export interface SemihostingHost {
  stdout: HostStream;
  stderr?: HostStream;
  stdin: HostInput;
  /** The program asked to exit with `code`. */
  exit(code: number, message: string): void;
  /** Command line returned by SYS_GET_CMDLINE. */
  commandLine?: string;
  /** Heap and stack limits for SYS_HEAPINFO: [heapBase, heapLimit, stackBase, stackLimit]. */
  heapInfo?: [number, number, number, number];
  /** SYS_TIME: seconds since 1970-01-01 UTC now (default: simulated seconds since power-on). */
  time?: () => number;
}

export class ArmSemihosting {
  private handles = new Map<number, Handle>();
  private nextHandle = 1;
  private errno = 0;

  constructor(private readonly host: SemihostingHost) {}

  /** The core's BKPT 0xAB hook. */
  readonly call = (core: CortexM0Plus, op: number, param: number): number => {
    if (this.mustWaitForInput(core, op, param)) return this.waitForInput(core);
    core.clock.cycles += 1; // the debugger's work costs the target nothing more than the BKPT
    return this.dispatch(core, op, param) | 0;
  };

  /** A console read with no input yet, while more may come (an interactive session). */
  private mustWaitForInput(core: CortexM0Plus, op: number, p: number): boolean {
    const stdin = this.host.stdin;
    if (stdin.closed || stdin.available > 0) return false;
    if (op === SysOp.READC) return true;
    return op === SysOp.READ && this.handles.get(this.word(core, p))?.kind === 'stdin';
  }

  /**
   * The core sleeps on the BKPT itself (the PC is rewound) until the host pushes input or
   * closes the stream (the board wakes it then); the BKPT then executes again. No simulated
   * time passes meanwhile, so the program sees the same cycle counts however late input comes.
   */
  private waitForInput(core: CortexM0Plus): number {
    core.pc = core.ip;
    core.state = 'sleeping';
    // The machine lets no time pass until the host answers (determinism: see HostInput.waiting).
    this.host.stdin.waiting = true;
    core.clock.requestBreak();
    return core.r[0];
  }


  private word(core: CortexM0Plus, address: number): number {
    const v = core.bus.read(address >>> 0, 4);
    core.bus.error = false;
    return v;
  }

  private bytes(core: CortexM0Plus, address: number, length: number): Uint8Array {
    return core.bus.readBlock(address >>> 0, Math.max(0, Math.min(length, 1 << 24)));
  }

  private cString(core: CortexM0Plus, address: number, max = 1 << 16): Uint8Array {
    const out: number[] = [];
    for (let i = 0; i < max; i++) {
      const b = core.bus.read((address + i) >>> 0, 1);
      if (core.bus.error || b === 0) break;
      out.push(b);
    }
    core.bus.error = false;
    return new Uint8Array(out);
  }

  private dispatch(core: CortexM0Plus, op: number, p: number): number {
    switch (op) {
      case SysOp.OPEN: return this.open(core, p);
      case SysOp.CLOSE: return this.handles.delete(this.word(core, p)) ? 0 : this.fail(EBADF);
      case SysOp.WRITEC: this.host.stdout.write(this.bytes(core, p, 1)); return 0;
      case SysOp.WRITE0: this.host.stdout.write(this.cString(core, p)); return 0;
      case SysOp.WRITE: return this.write(core, p);
      case SysOp.READ: return this.read(core, p);
      case SysOp.READC: return this.host.stdin.available > 0 ? this.host.stdin.read(1)[0] : -1;
      case SysOp.ISERROR: return this.word(core, p) | 0 ? 1 : 0;
      case SysOp.ISTTY: {
        const h = this.handles.get(this.word(core, p));
        return h ? (h.kind === 'features' ? 0 : 1) : this.fail(EBADF);
      }
      case SysOp.SEEK: return this.seek(core, p);
      case SysOp.FLEN: {
        const h = this.handles.get(this.word(core, p));
        if (!h) return this.fail(EBADF);
        return h.kind === 'features' ? FEATURES.length : 0;
      }
      case SysOp.CLOCK: return Math.floor((core.clock.cycles * 100) / core.clock.frequency);
      case SysOp.TIME: return this.host.time ? this.host.time() >>> 0 : Math.floor(core.clock.seconds);
      case SysOp.ERRNO: return this.errno;
      case SysOp.GET_CMDLINE: return this.commandLine(core, p);
      case SysOp.HEAPINFO: return this.heapInfo(core, p);
      case SysOp.EXIT: return this.exit(p === ADP_STOPPED_APPLICATION_EXIT ? 0 : 1, p);
      case SysOp.EXIT_EXTENDED: {
        const reason = this.word(core, p);
        const sub = this.word(core, p + 4);
        return this.exit(reason === ADP_STOPPED_APPLICATION_EXIT ? sub : 1, reason);
      }
      case SysOp.ELAPSED: {
        const ticks = core.clock.cycles;
        core.bus.write(p >>> 0, 4, ticks >>> 0);
        core.bus.write((p + 4) >>> 0, 4, Math.floor(ticks / 2 ** 32));
        core.bus.error = false;
        return 0;
      }
      case SysOp.TICKFREQ: return core.clock.frequency;
      case SysOp.TMPNAM:
      case SysOp.REMOVE:
      case SysOp.RENAME:
      case SysOp.SYSTEM:
        return this.fail(ENOENT); // no host file system or shell for emulated programs
      default:
        return this.fail(EINVAL);
    }
  }

  private fail(errno: number): number {
    this.errno = errno;
    return -1;
  }

  private open(core: CortexM0Plus, p: number): number {
    const nameAddress = this.word(core, p);
    const mode = this.word(core, p + 4);
    const length = this.word(core, p + 8);
    const name = new TextDecoder().decode(this.bytes(core, nameAddress, Math.min(length, 4096)));
    let kind: Handle['kind'];
    if (name === ':tt') kind = mode < 4 ? 'stdin' : mode < 8 ? 'stdout' : 'stderr';
    else if (name === ':semihosting-features' && mode < 4) kind = 'features';
    else return this.fail(ENOENT);
    const handle = this.nextHandle++;
    this.handles.set(handle, { kind, position: 0 });
    return handle;
  }

  /** SYS_WRITE returns the number of bytes NOT written. */
  private write(core: CortexM0Plus, p: number): number {
    const h = this.handles.get(this.word(core, p));
    const length = this.word(core, p + 8);
    if (!h || h.kind === 'stdin' || h.kind === 'features') {
      this.errno = EBADF;
      return length;
    }
    const data = this.bytes(core, this.word(core, p + 4), length);
    (h.kind === 'stderr' ? (this.host.stderr ?? this.host.stdout) : this.host.stdout).write(data);
    return 0;
  }

  /** SYS_READ returns the number of bytes NOT read (== length at end of file). */
  private read(core: CortexM0Plus, p: number): number {
    const h = this.handles.get(this.word(core, p));
    const buffer = this.word(core, p + 4);
    const length = this.word(core, p + 8);
    if (!h || h.kind === 'stdout' || h.kind === 'stderr') return this.fail(EBADF);
    let data: Uint8Array;
    if (h.kind === 'features') {
      data = FEATURES.subarray(h.position, h.position + length);
      h.position += data.length;
    } else {
      data = this.host.stdin.read(length);
    }
    core.bus.writeBlock(buffer, data);
    return length - data.length;
  }

  private seek(core: CortexM0Plus, p: number): number {
    const h = this.handles.get(this.word(core, p));
    if (!h || h.kind !== 'features') return this.fail(EBADF);
    h.position = Math.min(this.word(core, p + 4), FEATURES.length);
    return 0;
  }

  private commandLine(core: CortexM0Plus, p: number): number {
    const buffer = this.word(core, p);
    const size = this.word(core, p + 4);
    const text = new TextEncoder().encode(this.host.commandLine ?? 'program');
    if (text.length + 1 > size) return this.fail(EINVAL);
    core.bus.writeBlock(buffer, text);
    core.bus.writeBlock(buffer + text.length, new Uint8Array(1));
    core.bus.write((p + 4) >>> 0, 4, text.length);
    core.bus.error = false;
    return 0;
  }

  private heapInfo(core: CortexM0Plus, p: number): number {
    const block = this.word(core, p);
    const info = this.host.heapInfo ?? [0, 0, 0, 0];
    for (let i = 0; i < 4; i++) core.bus.write((block + 4 * i) >>> 0, 4, info[i] >>> 0);
    core.bus.error = false;
    return 0;
  }

  private exit(code: number, reason: number): number {
    this.host.exit(code, `semihosting exit (reason 0x${(reason >>> 0).toString(16)}, status ${code})`);
    return 0;
  }
}
