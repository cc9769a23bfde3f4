/**
 * The ROM's SHA-1 family (peripherals/esp8266/rom/sha1.ts) against Node's OpenSSL-backed
 * node:crypto as the oracle: SHA-1 around the padding boundaries, HMAC with short, block-sized
 * and long keys, PBKDF2 as WPA uses it (4096 iterations, 32 bytes) and at other counts/lengths.
 */
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { hmacSha1, pbkdf2Sha1, sha1 } from '../../peripherals/esp8266/rom/sha1.js';

const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed * 17) & 0xff);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('ROM SHA-1 family = node:crypto', () => {
  test('SHA-1 of 0..130 bytes', () => {
    for (let n = 0; n <= 130; n++) expect(hex(sha1(bytes(n))), `${n} bytes`).toBe(createHash('sha1').update(bytes(n)).digest('hex'));
  });

  test('HMAC-SHA1 with keys of 0, 20, 64, 65 and 100 bytes', () => {
    for (const k of [0, 20, 64, 65, 100]) {
      for (const m of [0, 20, 55, 64, 200]) {
        expect(hex(hmacSha1(bytes(k, 3), bytes(m, 5)))).toBe(createHmac('sha1', bytes(k, 3)).update(bytes(m, 5)).digest('hex'));
      }
    }
  });

  test('PBKDF2-HMAC-SHA1: the WPA PSK (4096 iterations, 32 bytes) and other counts and lengths', () => {
    const pass = new TextEncoder().encode('micropythoN');
    const ssid = new TextEncoder().encode('MicroPython-123456');
    expect(hex(pbkdf2Sha1(pass, ssid, 4096, 32))).toBe(pbkdf2Sync(pass, ssid, 4096, 32, 'sha1').toString('hex'));
    for (const [it, len, keyLen] of [[1, 20, 8], [2, 1, 64], [3, 41, 70], [100, 40, 0]] as const) {
      expect(hex(pbkdf2Sha1(bytes(keyLen, 7), bytes(13, 9), it, len))).toBe(pbkdf2Sync(bytes(keyLen, 7), bytes(13, 9), it, len, 'sha1').toString('hex'));
    }
  });
});
