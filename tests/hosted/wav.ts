/** WAV files for audio tests. */
/** A PCM WAV file: `bits` 8 (unsigned) or 16 (signed little-endian), mono or stereo. */
export function wav(samples: number[], rate: number, bits: 8 | 16, channels = 1): Uint8Array {
  const data = new Uint8Array(samples.length * (bits / 8));
  const dv = new DataView(data.buffer);
  samples.forEach((s, i) => (bits === 8 ? dv.setUint8(i, s) : dv.setInt16(2 * i, s, true)));
  const out = new Uint8Array(44 + data.length);
  const h = new DataView(out.buffer);
  const text = (o: number, s: string) => [...s].forEach((c, i) => h.setUint8(o + i, c.charCodeAt(0)));
  text(0, 'RIFF');
  h.setUint32(4, 36 + data.length, true);
  text(8, 'WAVEfmt ');
  h.setUint32(16, 16, true);
  h.setUint16(20, 1, true);
  h.setUint16(22, channels, true);
  h.setUint32(24, rate, true);
  h.setUint32(28, (rate * channels * bits) / 8, true);
  h.setUint16(32, (channels * bits) / 8, true);
  h.setUint16(34, bits, true);
  text(36, 'data');
  h.setUint32(40, data.length, true);
  out.set(data, 44);
  return out;
}
