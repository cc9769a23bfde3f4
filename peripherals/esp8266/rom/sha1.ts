/**
 * SHA-1 (FIPS 180-4), HMAC-SHA1 (RFC 2104) and PBKDF2-HMAC-SHA1 (RFC 8018), for the ROM's
 * `pbkdf2_sha1` (WPA passphrase to PSK, IEEE 802.11i) and `sha1_prf`. Synchronous: ROM calls
 * return at once, so WebCrypto's promises cannot serve them.
 *
 * The SDK derives its soft-AP's PSK at every boot (4096 PBKDF2 iterations, two blocks: 16 384
 * HMACs), which made SHA-1 the largest cost of MicroPython's boot. So PBKDF2 hashes the HMAC
 * key pads once and then runs two compressions per iteration on preallocated words, the usual
 * way (the result is the same as HMAC from scratch: the pads fill exactly one block).
 */
const K0 = 0x5a827999;
const K1 = 0x6ed9eba1;
const K2 = 0x8f1bbcdc;
const K3 = 0xca62c1d6;
const IV = Int32Array.of(0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 | 0);

/** Message schedule scratch, shared (nothing here is reentrant). */
const w = new Int32Array(80);

/** One SHA-1 compression: `h` (5 words) updated with the 16 big-endian words `block[at..]`. */
function compress(h: Int32Array, block: Int32Array, at = 0): void {
  for (let i = 0; i < 16; i++) w[i] = block[at + i]!;
  for (let i = 16; i < 80; i++) {
    const x = w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!;
    w[i] = (x << 1) | (x >>> 31);
  }
  let a = h[0]!;
  let b = h[1]!;
  let c = h[2]!;
  let d = h[3]!;
  let e = h[4]!;
  for (let i = 0; i < 80; i++) {
    const f = i < 20 ? ((b & c) | (~b & d)) + K0 : i < 40 ? (b ^ c ^ d) + K1 : i < 60 ? ((b & c) | (b & d) | (c & d)) + K2 : (b ^ c ^ d) + K3;
    const t = (((a << 5) | (a >>> 27)) + f + e + w[i]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  h[0] = (h[0]! + a) | 0;
  h[1] = (h[1]! + b) | 0;
  h[2] = (h[2]! + c) | 0;
  h[3] = (h[3]! + d) | 0;
  h[4] = (h[4]! + e) | 0;
}

/** `bytes` as big-endian words, zero-padded to whole words. */
function words(bytes: Uint8Array, count: number): Int32Array {
  const out = new Int32Array(count);
  for (let i = 0; i < bytes.length; i++) out[i >> 2]! |= bytes[i]! << (24 - 8 * (i & 3));
  return out;
}

function digestBytes(h: Int32Array): Uint8Array {
  const out = new Uint8Array(20);
  for (let i = 0; i < 20; i++) out[i] = h[i >> 2]! >>> (24 - 8 * (i & 3));
  return out;
}

export function sha1(data: Uint8Array): Uint8Array {
  const blocks = (data.length + 9 + 63) >> 6;
  const padded = new Uint8Array(blocks << 6);
  padded.set(data);
  padded[data.length] = 0x80;
  const bitLength = data.length * 8;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(bitLength / 0x1_0000_0000));
  view.setUint32(padded.length - 4, bitLength >>> 0);
  const m = words(padded, blocks * 16);
  const h = IV.slice();
  for (let i = 0; i < blocks; i++) compress(h, m, 16 * i);
  return digestBytes(h);
}

/** The states after hashing the HMAC key's inner and outer pads (one block each). */
function hmacStates(key: Uint8Array): { inner: Int32Array; outer: Int32Array } {
  const k = new Uint8Array(64);
  k.set(key.length > 64 ? sha1(key) : key);
  const pad = new Uint8Array(64);
  const inner = IV.slice();
  const outer = IV.slice();
  for (let i = 0; i < 64; i++) pad[i] = k[i]! ^ 0x36;
  compress(inner, words(pad, 16));
  for (let i = 0; i < 64; i++) pad[i] = k[i]! ^ 0x5c;
  compress(outer, words(pad, 16));
  return { inner, outer };
}

export function hmacSha1(key: Uint8Array, message: Uint8Array): Uint8Array {
  const k = new Uint8Array(64);
  k.set(key.length > 64 ? sha1(key) : key);
  const inner = new Uint8Array(64 + message.length);
  const outer = new Uint8Array(64 + 20);
  for (let i = 0; i < 64; i++) {
    inner[i] = k[i]! ^ 0x36;
    outer[i] = k[i]! ^ 0x5c;
  }
  inner.set(message, 64);
  outer.set(sha1(inner), 64);
  return sha1(outer);
}

export function pbkdf2Sha1(password: Uint8Array, salt: Uint8Array, iterations: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const { inner, outer } = hmacStates(password);
  const block = new Uint8Array(salt.length + 4);
  block.set(salt);
  // U_i (20 bytes) as the one remaining block of an HMAC message: U, 0x80, zeros, bit length
  // (64 + 20 bytes) = 672 bits. Inner and outer hashes both use this layout.
  const u = new Int32Array(16);
  u[5] = 0x80000000 | 0;
  u[15] = (64 + 20) * 8;
  const h = new Int32Array(5);
  const t = new Int32Array(5);
  for (let index = 1, done = 0; done < length; index++) {
    new DataView(block.buffer).setUint32(salt.length, index);
    const first = digestBytes(finishHmac(inner, outer, block));
    u.set(words(first, 5));
    t.set(u.subarray(0, 5));
    for (let i = 1; i < iterations; i++) {
      h.set(inner);
      compress(h, u);
      u.set(h);
      h.set(outer);
      compress(h, u);
      u.set(h);
      for (let j = 0; j < 5; j++) t[j]! ^= h[j]!;
    }
    out.set(digestBytes(t).subarray(0, Math.min(20, length - done)), done);
    done += 20;
  }
  return out;
}

/** HMAC of `message` from the precomputed pad states, as the 5-word digest. */
function finishHmac(inner: Int32Array, outer: Int32Array, message: Uint8Array): Int32Array {
  const h = inner.slice();
  const blocks = (message.length + 9 + 63) >> 6;
  const padded = new Uint8Array(blocks << 6);
  padded.set(message);
  padded[message.length] = 0x80;
  const bits = (64 + message.length) * 8;
  new DataView(padded.buffer).setUint32(padded.length - 4, bits >>> 0);
  const m = words(padded, blocks * 16);
  for (let i = 0; i < blocks; i++) compress(h, m, 16 * i);
  const o = outer.slice();
  const last = new Int32Array(16);
  last.set(h);
  last[5] = 0x80000000 | 0;
  last[15] = (64 + 20) * 8;
  compress(o, last);
  return o;
}

/** IEEE 802.11 PRF (SHA1-PRF): HMAC-SHA1(key, label || 0 || data || counter) blocks, truncated. */
export function sha1Prf(key: Uint8Array, label: Uint8Array, data: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const message = new Uint8Array(label.length + 1 + data.length + 1);
  message.set(label);
  message.set(data, label.length + 1);
  for (let counter = 0, done = 0; done < length; counter++, done += 20) {
    message[message.length - 1] = counter;
    out.set(hmacSha1(key, message).subarray(0, Math.min(20, length - done)), done);
  }
  return out;
}
