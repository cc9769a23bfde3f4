/**
 * Diagnostics: a sink for guest accesses the models cannot serve as real hardware would, in the
 * manner of QEMU's `-d guest_errors,unimp` (LOG_GUEST_ERROR / LOG_UNIMP):
 *  - `guestError`: the firmware accessed a reserved offset inside a block (a firmware bug or a
 *    wrong register map; the SAMD21 reads 0 and ignores the write, and so do we);
 *  - `unimplemented`: the firmware accessed a register or a whole peripheral slot the emulator
 *    does not model (an emulator gap: the access is harmless only if the firmware does not care).
 *
 * Every access is counted per (kind, block, offset), so a run can report what its firmware
 * touched; listeners added with `onLog` hear the first access of each (kind, block, offset,
 * direction) — a firmware polling a reserved register must not flood a console. After the first
 * access of a key, counting allocates nothing.
 *
 * Nothing here is on a register's fast path: blocks call the sink only for accesses that miss
 * their declared registers or hit one declared unimplemented. A block's `diagnostics` field is
 * null (nothing counted) until the chip assembly attaches a sink.
 */

export type DiagnosticKind = 'guest-error' | 'unimplemented';

/** Counts of one (kind, block, offset). */
export interface DiagnosticCount {
  readonly kind: DiagnosticKind;
  /** Block (peripheral instance) name, as the data sheet spells it: 'SERCOM3', 'PAC0'. */
  readonly block: string;
  /** Byte offset of the access inside the block. */
  readonly offset: number;
  reads: number;
  writes: number;
}

/** One access as a listener hears it. */
export interface DiagnosticEvent {
  readonly kind: DiagnosticKind;
  readonly block: string;
  readonly offset: number;
  readonly size: number;
  readonly write: boolean;
  /** The value written (0 for a read). */
  readonly value: number;
  /** A one-line description: `guest error: write of 0x0001 (16-bit) to reserved SERCOM3+0x2a`. */
  readonly message: string;
}

export type DiagnosticListener = (event: DiagnosticEvent) => void;

/** What a block exposes so one sink can be attached to every block of a chip. */
export interface DiagnosticSource {
  diagnostics: Diagnostics | null;
}

export class Diagnostics {
  private readonly entries: Record<DiagnosticKind, Map<string, Map<number, DiagnosticCount>>> = {
    'guest-error': new Map(),
    unimplemented: new Map(),
  };
  private listeners: DiagnosticListener[] = [];

  /** An access to a reserved offset of `block` (LOG_GUEST_ERROR). */
  guestError(block: string, offset: number, size: number, write: boolean, value: number): void {
    this.record('guest-error', block, offset, size, write, value);
  }

  /** An access to a register or peripheral slot the emulator does not model (LOG_UNIMP). */
  unimplemented(block: string, offset: number, size: number, write: boolean, value: number): void {
    this.record('unimplemented', block, offset, size, write, value);
  }

  /** Every (kind, block, offset) counted so far (a snapshot): guest errors, then unimplemented. */
  counts(): DiagnosticCount[] {
    const out: DiagnosticCount[] = [];
    for (const byBlock of Object.values(this.entries)) for (const byOffset of byBlock.values()) for (const c of byOffset.values()) out.push({ ...c });
    return out;
  }

  /** Total accesses of one kind (or of both). */
  total(kind?: DiagnosticKind): number {
    let n = 0;
    for (const c of this.counts()) if (kind === undefined || c.kind === kind) n += c.reads + c.writes;
    return n;
  }

  /** Adds a listener for the first access of each (kind, block, offset, direction); returns its remover. */
  onLog(listener: DiagnosticListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Forgets every count (a new run on the same machine). */
  clear(): void {
    for (const byBlock of Object.values(this.entries)) byBlock.clear();
  }

  private record(kind: DiagnosticKind, block: string, offset: number, size: number, write: boolean, value: number): void {
    const byBlock = this.entries[kind];
    let byOffset = byBlock.get(block);
    if (!byOffset) {
      byOffset = new Map();
      byBlock.set(block, byOffset);
    }
    let entry = byOffset.get(offset);
    if (!entry) {
      entry = { kind, block, offset, reads: 0, writes: 0 };
      byOffset.set(offset, entry);
    }
    const first = write ? entry.writes++ === 0 : entry.reads++ === 0;
    if (first && this.listeners.length > 0) {
      const event: DiagnosticEvent = { kind, block, offset, size, write, value: value >>> 0, message: describe(kind, block, offset, size, write, value) };
      for (const l of this.listeners) l(event);
    }
  }
}

function describe(kind: DiagnosticKind, block: string, offset: number, size: number, write: boolean, value: number): string {
  const where = `${kind === 'guest-error' ? 'reserved' : 'unimplemented'} ${block}+0x${offset.toString(16)}`;
  const access = write ? `write of 0x${(value >>> 0).toString(16).padStart(2 * size, '0')} (${8 * size}-bit) to` : `read (${8 * size}-bit) of`;
  return `${kind === 'guest-error' ? 'guest error' : 'unimplemented'}: ${access} ${where}`;
}
