/**
 * The speaker through WebAudio. Off until the user turns it on (browsers start audio only after
 * a gesture). Chunks from the worker are scheduled on the audio clock a little ahead of now, in
 * simulated-time order; when simulated and audio time drift apart (a pause, a slow machine) the
 * schedule is re-anchored.
 */
import { machine } from './machine.js';

const LATENCY = 0.12;

export function mountSound(button: HTMLButtonElement): void {
  let ctx: AudioContext | null = null;
  let on = false;
  /** Audio-clock time that simulated time `anchorSim` plays at. */
  let anchorAudio = 0;
  let anchorSim = -1;

  machine.onSound((start, rate, samples) => {
    if (!ctx || !on) return;
    let at = anchorAudio + (start - anchorSim);
    if (anchorSim < 0 || at < ctx.currentTime || at > ctx.currentTime + 1) {
      anchorAudio = ctx.currentTime + LATENCY;
      anchorSim = start;
      at = anchorAudio;
    }
    const buffer = ctx.createBuffer(1, samples.length, rate);
    buffer.copyToChannel(samples as Float32Array<ArrayBuffer>, 0);
    const src = ctx.createBufferSource();
    src.buffer = buffer;
    src.connect(ctx.destination);
    src.start(at);
  });

  button.addEventListener('click', async () => {
    on = !on;
    if (on && !ctx) ctx = new AudioContext();
    if (ctx) await (on ? ctx.resume() : ctx.suspend());
    anchorSim = -1;
    machine.sound(on);
    button.setAttribute('aria-pressed', String(on));
    button.textContent = on ? 'Sound: on' : 'Sound: off';
  });
}
