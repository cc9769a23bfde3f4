/** Gravity in the board's frame for a tilt (degrees): flat and face up is (0, 0, 1) g. */
export function tiltToG(pitch: number, roll: number): { x: number; y: number; z: number } {
  const p = (pitch * Math.PI) / 180, r = (roll * Math.PI) / 180;
  return { x: Math.sin(r) * Math.cos(p), y: Math.sin(p), z: Math.cos(r) * Math.cos(p) };
}
