/**
 * GDB Remote Serial Protocol framing (GDB manual, "Remote Protocol", E.1 Overview): packets
 * `$data#cs` with a modulo-256 checksum, `+`/`-` acknowledgements, `}`-escaping of `#$}*`
 * (byte XOR 0x20) in binary data, run-length encoding in what GDB sends (`*`), and the
 * interrupt character 0x03 outside packets. Garbage between packets is ignored, a packet with
 * a bad checksum is NAKed, and nothing here throws on bad input.
 */

export type Incoming = { kind: 'packet'; data: string } | { kind: 'interrupt' } | { kind: 'bad-checksum' };

const MAX_PACKET = 1 << 16;

/** Splits the client's byte stream into packets and interrupts. */
export class PacketReader {
  private state: 'idle' | 'data' | 'check1' | 'check2' = 'idle';
  private data: number[] = [];
  private check = '';

  feed(bytes: Uint8Array): Incoming[] {
    const out: Incoming[] = [];
    for (const b of bytes) {
      switch (this.state) {
        case 'idle':
          if (b === 0x24 /* $ */) {
            this.state = 'data';
            this.data = [];
          } else if (b === 0x03) out.push({ kind: 'interrupt' });
          break; // '+', '-' and anything else between packets are ignored
        case 'data':
          if (b === 0x23 /* # */) {
            this.state = 'check1';
            this.check = '';
          } else if (b === 0x24) this.data = []; // a new start: the previous packet was cut short
          else if (this.data.length < MAX_PACKET) this.data.push(b);
          else this.state = 'idle';
          break;
        case 'check1':
          this.check = String.fromCharCode(b);
          this.state = 'check2';
          break;
        case 'check2': {
          this.check += String.fromCharCode(b);
          this.state = 'idle';
          const sum = this.data.reduce((s, x) => (s + x) & 0xff, 0);
          if (parseInt(this.check, 16) !== sum || !/^[0-9a-fA-F]{2}$/.test(this.check)) out.push({ kind: 'bad-checksum' });
          else out.push({ kind: 'packet', data: latin1(unescape(this.data)) });
          break;
        }
      }
    }
    return out;
  }
}

/** Undoes `}` escapes and `*` run-length encoding. */
function unescape(raw: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i];
    if (b === 0x7d && i + 1 < raw.length) out.push(raw[++i] ^ 0x20);
    else if (b === 0x2a && out.length && i + 1 < raw.length) {
      const n = raw[++i] - 29;
      for (let k = 0; k < n; k++) out.push(out[out.length - 1]);
    } else out.push(b);
  }
  return out;
}

function latin1(bytes: number[]): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/** Frames `data` (latin1, one char per byte) as `$data#cs`, escaping what must be. */
export function framePacket(data: string): Uint8Array {
  const body: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i) & 0xff;
    if (c === 0x23 || c === 0x24 || c === 0x7d || c === 0x2a) body.push(0x7d, c ^ 0x20);
    else body.push(c);
  }
  const sum = body.reduce((s, x) => (s + x) & 0xff, 0);
  const out = new Uint8Array(body.length + 4);
  out[0] = 0x24;
  out.set(body, 1);
  out[body.length + 1] = 0x23;
  const hex = sum.toString(16).padStart(2, '0');
  out[body.length + 2] = hex.charCodeAt(0);
  out[body.length + 3] = hex.charCodeAt(1);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Hex to bytes; null for malformed hex. */
export function fromHex(hex: string): Uint8Array | null {
  if (hex.length % 2 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** A 32-bit value as GDB's target-order (little-endian) hex. */
export function le32(v: number): string {
  return toHex(new Uint8Array(new Uint32Array([v >>> 0]).buffer));
}
