/**
 * SHA-1 (FIPS 180-4), HMAC-SHA1 (RFC 2104) and PBKDF2-HMAC-SHA1 (RFC 8018), for the ROM's
 * `pbkdf2_sha1` (WPA passphrase to PSK, IEEE 802.11i). Synchronous: ROM calls return at once,
 * so WebCrypto's promises cannot serve them.
 */
const K = [0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xca62c1d6];

export function sha1(data: Uint8Array): Uint8Array {
  const bitLength = data.length * 8;
  const padded = new Uint8Array(((data.length + 9 + 63) >> 6) << 6);
  padded.set(data);
  padded[data.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(bitLength / 0x1_0000_0000));
  view.setUint32(padded.length - 4, bitLength >>> 0);
  const h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
  const w = new Int32Array(80);
  for (let block = 0; block < padded.length; block += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getInt32(block + 4 * i);
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!;
      w[i] = (x << 1) | (x >>> 31);
    }
    let [a, b, c, d, e] = h as [number, number, number, number, number];
    for (let i = 0; i < 80; i++) {
      const f = i < 20 ? (b & c) | (~b & d) : i < 40 ? b ^ c ^ d : i < 60 ? (b & c) | (b & d) | (c & d) : b ^ c ^ d;
      const t = (((a << 5) | (a >>> 27)) + f + e + K[(i / 20) | 0]! + w[i]!) | 0;
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
  const out = new Uint8Array(20);
  const ov = new DataView(out.buffer);
  h.forEach((v, i) => ov.setUint32(4 * i, v >>> 0));
  return out;
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
  const block = new Uint8Array(salt.length + 4);
  block.set(salt);
  for (let index = 1, done = 0; done < length; index++) {
    new DataView(block.buffer).setUint32(salt.length, index);
    let u = hmacSha1(password, block);
    const t = u.slice();
    for (let i = 1; i < iterations; i++) {
      u = hmacSha1(password, u);
      for (let j = 0; j < 20; j++) t[j]! ^= u[j]!;
    }
    out.set(t.subarray(0, Math.min(20, length - done)), done);
    done += 20;
  }
  return out;
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
