/**
 * Xtensa `simcall` semihosting with QEMU's numbering (target/xtensa/xtensa-semi.c): the call
 * number is in a2, arguments in a3..a5; the result goes to a2 and errno to a3.
 *
 *   1 exit(status)           3 read(fd, buf, len)     4 write(fd, buf, len)
 *   5 open(path, flags, mode) → always fails (ENOENT): emulated programs never reach host files
 *   6 close(fd)              19 lseek → ESPIPE       29 select_one(fd, rq, tv)
 *   1000 argc  1001 argv_sz  1002 argv(buf)         1004 memset(buf, c, len)
 *   anything else → a2 = -1, a3 = ENOSYS
 *
 * Only the console exists: fd 0 reads the machine's stdin (EAGAIN when empty and still open,
 * end of file once closed), fds 1 and 2 write to its stdout and stderr.
 */
import type { HostInput, HostStream } from '../emulator/kernel/machine.js';
import type { Lx106 } from './lx106.js';

export const SIMCALL = {
  exit: 1,
  read: 3,
  write: 4,
  open: 5,
  close: 6,
  lseek: 19,
  select_one: 29,
  argc: 1000,
  argv_sz: 1001,
  argv: 1002,
  memset: 1004,
} as const;

const ENOENT = 2;
const EBADF = 9;
const EAGAIN = 11;
const ESPIPE = 29;
const ENOSYS = 88;

export interface XtensaSemihostingHost {
  stdout: HostStream;
  stderr?: HostStream;
  stdin: HostInput;
  exit(code: number, message: string): void;
  /** Program arguments for argc/argv (default: one, "program"). */
  argv?: string[];
}

export class XtensaSemihosting {
  constructor(private readonly host: XtensaSemihostingHost) {}

  /** The core's SIMCALL hook. */
  readonly call = (core: Lx106): void => {
    const a = core.a;
    const op = a[2];
    const [r2, r3] = this.dispatch(core, op, a[3], a[4], a[5]);
    a[2] = r2;
    a[3] = r3;
  };

  private dispatch(core: Lx106, op: number, p1: number, p2: number, p3: number): [number, number] {
    const bus = core.bus;
    switch (op) {
      case SIMCALL.exit: {
        const code = p1 | 0;
        this.host.exit(code, `simcall exit(${code})`);
        return [0, 0];
      }
      case SIMCALL.write: {
        const length = p3 >>> 0;
        const fd = p1 >>> 0;
        if (fd !== 1 && fd !== 2) return [-1, EBADF];
        const bytes = bus.readBlock(p2 >>> 0, Math.min(length, 1 << 24));
        (fd === 2 && this.host.stderr ? this.host.stderr : this.host.stdout).write(bytes);
        return [length | 0, 0];
      }
      case SIMCALL.read: {
        if (p1 >>> 0 !== 0) return [-1, EBADF];
        const stdin = this.host.stdin;
        if (stdin.available === 0) return stdin.closed ? [0, 0] : [-1, EAGAIN];
        const data = stdin.read(p3 >>> 0);
        bus.writeBlock(p2 >>> 0, data);
        return [data.length, 0];
      }
      case SIMCALL.open:
        return [-1, ENOENT];
      case SIMCALL.close:
        return p1 >>> 0 < 3 ? [0, 0] : [-1, EBADF];
      case SIMCALL.lseek:
        return [-1, ESPIPE];
      case SIMCALL.select_one: {
        const fd = p1 >>> 0;
        if ((fd === 1 || fd === 2) && p2 === 2) return [1, 0];
        if (fd === 0 && p2 === 1) return [this.host.stdin.available > 0 || this.host.stdin.closed ? 1 : 0, 0];
        return [0, 0];
      }
      case SIMCALL.argc:
        return [this.argv().length, 0];
      case SIMCALL.argv_sz: {
        const argv = this.argv();
        let size = (argv.length + 1) * 4;
        for (const arg of argv) size += new TextEncoder().encode(arg).length + 1;
        return [size, 0];
      }
      case SIMCALL.argv: {
        const argv = this.argv();
        const base = p1 >>> 0;
        let strings = base + (argv.length + 1) * 4;
        argv.forEach((arg, i) => {
          const bytes = new TextEncoder().encode(arg + '\0');
          bus.write(base + i * 4, 4, strings);
          bus.writeBlock(strings, bytes);
          strings += bytes.length;
        });
        bus.write(base + argv.length * 4, 4, 0);
        bus.error = false;
        return [core.a[2], 0]; // QEMU leaves a2 as it was
      }
      case SIMCALL.memset: {
        const base = p1 >>> 0;
        const length = p3 >>> 0;
        const fill = new Uint8Array(Math.min(length, 1 << 26)).fill(p2 & 0xff);
        bus.writeBlock(base, fill);
        return [base | 0, 0];
      }
      default:
        return [-1, ENOSYS];
    }
  }

  private argv(): string[] {
    return this.host.argv ?? ['program'];
  }
}
