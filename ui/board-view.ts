/**
 * The board on a canvas, drawn from its drawing data (boards/drawings/), with DOM hot spots over
 * the pads and the parts a user handles, so that every one is reachable by keyboard, has an ARIA
 * label and shows its pinout on hover and focus.
 */
import { DRAWINGS, type BoardDrawing } from '../boards/drawings/index.js';
import type { ComponentDrawing, PadDrawing } from '../boards/drawings/types.js';
import { store, setInputs } from './store.js';
import { machine } from './machine.js';
import { tiltToG } from './tilt.js';
import type { BoardInfo, Frame } from './worker/protocol.js';
import { el } from './dom.js';

/** Margin around the board, in millimetres. */
const MARGIN = 2;
/**
 * The silkscreen's lettering: Arial's metrics (Liberation Sans, then Arial itself), so labels keep
 * their size and place whatever a system's default sans-serif is; the browser tests' references
 * are drawn with Liberation Sans (.ci/run installs fonts-liberation).
 */
const SILK_FONT = '"Liberation Sans", Arial, Helvetica, sans-serif';

export interface BoardView {
  /** The colour drawn at a point of the board (millimetres in drawing coordinates), as [r, g, b, alpha]. */
  colorAt(x: number, y: number): [number, number, number, number];
}

export function mountBoardView(host: HTMLElement): BoardView {
  const wrap = el('div', 'board-wrap');
  const canvas = el('canvas', 'board-canvas');
  canvas.setAttribute('role', 'img');
  const overlay = el('div', 'board-overlay');
  const tip = el('div', 'pin-tip');
  tip.setAttribute('role', 'tooltip');
  tip.id = 'pin-tip';
  tip.hidden = true;
  wrap.append(canvas, overlay, tip);
  host.append(wrap);

  let drawing: BoardDrawing | null = null;
  let info: BoardInfo | null = null;
  let scale = 1;
  let dirty = true;

  const layout = () => {
    if (!drawing) return;
    const css = Math.min(host.clientWidth || 480, 520);
    const dpr = window.devicePixelRatio || 1;
    scale = css / (drawing.width + 2 * MARGIN);
    canvas.style.width = `${css}px`;
    canvas.style.height = `${(drawing.height + 2 * MARGIN) * scale}px`;
    canvas.width = Math.round(css * dpr);
    canvas.height = Math.round((drawing.height + 2 * MARGIN) * scale * dpr);
    wrap.style.width = canvas.style.width;
    wrap.style.height = canvas.style.height;
    buildHotspots();
    dirty = true;
  };

  const px = (mm: number) => (mm + MARGIN) * scale;

  function buildHotspots(): void {
    overlay.replaceChildren();
    if (!drawing || !info) return;
    for (const pad of drawing.pads) overlay.append(padHotspot(pad, info));
    for (const c of drawing.components) {
      const el = componentHotspot(c, info);
      if (el) overlay.append(el);
    }
    markUsed(store.getState().used);
  }

  /** Buttons, the switch and touch pads the code reads are outlined (data-in-use), as the sensor controls appear. */
  function markUsed(used: readonly string[]): void {
    for (const el of overlay.querySelectorAll<HTMLElement>('[data-control], .pad[data-pad]')) {
      const key = el.dataset.pad ? `touch.${el.dataset.pad}` : el.dataset.control!;
      const inUse = used.includes(key);
      el.toggleAttribute('data-in-use', inUse);
      if (inUse) el.setAttribute('aria-description', 'the running code reads this');
      else el.removeAttribute('aria-description');
    }
  }

  function place(el: HTMLElement, x: number, y: number, w: number, h: number): void {
    el.style.left = `${px(x - w / 2)}px`;
    el.style.top = `${px(y - h / 2)}px`;
    el.style.width = `${w * scale}px`;
    el.style.height = `${h * scale}px`;
  }

  function showTip(el: HTMLElement, text: string): void {
    tip.textContent = text;
    tip.hidden = false;
    tip.style.left = `${el.offsetLeft + el.offsetWidth / 2}px`;
    tip.style.top = `${el.offsetTop + el.offsetHeight + 4}px`;
    el.setAttribute('aria-describedby', 'pin-tip');
  }
  const hideTip = () => {
    tip.hidden = true;
  };

  /** "A1 · pad PA05 · also D6, SCK · touch pad · level high". */
  function pinout(pad: PadDrawing, i: BoardInfo): string {
    if (pad.kind === 'nc') return `${pad.label}: not connected`;
    if (!pad.pin) return pad.kind === 'ground' ? 'GND: ground' : `${pad.label}: power`;
    const chipPad = i.pins[pad.pin];
    const aliases = Object.keys(i.pins).filter((n) => i.pins[n] === chipPad && n !== pad.pin);
    const parts = [`${pad.pin}`, `pad ${chipPad}`];
    if (aliases.length) parts.push(`also ${aliases.join(', ')}`);
    if (i.touchPads.includes(pad.pin)) parts.push('touch pad');
    const frame = store.getState().frame;
    const idx = i.pads.indexOf(chipPad);
    if (frame && idx >= 0) parts.push(`level ${['low', 'high', 'floating'][frame.pins[idx]]}`);
    return parts.join(' · ');
  }

  function padHotspot(pad: PadDrawing, i: BoardInfo): HTMLElement {
    const hotspot = el('button', 'hotspot pad');
    place(hotspot, pad.x, pad.y, pad.r * 2, pad.r * 2);
    const touchable = pad.pin !== null && i.touchPads.includes(pad.pin);
    hotspot.setAttribute('aria-label', touchable ? `Touch pad ${pad.pin}` : `Pad ${pad.label}`);
    hotspot.dataset.pad = pad.pin ?? pad.label;
    if (touchable) {
      hotspot.setAttribute('aria-pressed', 'false');
      hotspot.addEventListener('click', () => {
        const name = pad.pin!;
        const touched = !store.getState().inputs.touched[name];
        setInputs({ touched: { ...store.getState().inputs.touched, [name]: touched } });
        machine.input({ kind: 'touch', pad: name, touched });
      });
    }
    const show = () => showTip(hotspot, pinout(pad, i));
    hotspot.addEventListener('pointerenter', show);
    hotspot.addEventListener('focus', show);
    hotspot.addEventListener('pointerleave', hideTip);
    hotspot.addEventListener('blur', hideTip);
    return hotspot;
  }

  /** A momentary control: pressed while the pointer or Space/Enter is held. */
  function momentary(el: HTMLElement, set: (down: boolean) => void): void {
    el.addEventListener('pointerdown', (e) => {
      el.setPointerCapture(e.pointerId);
      set(true);
    });
    el.addEventListener('pointerup', () => set(false));
    el.addEventListener('pointercancel', () => set(false));
    el.addEventListener('keydown', (e) => {
      if ((e.key === ' ' || e.key === 'Enter') && !e.repeat) {
        e.preventDefault();
        set(true);
      }
    });
    el.addEventListener('keyup', (e) => {
      if (e.key === ' ' || e.key === 'Enter') {
        e.preventDefault();
        set(false);
      }
    });
  }

  function componentHotspot(c: ComponentDrawing, i: BoardInfo): HTMLElement | null {
    const el = document.createElement('button');
    el.className = `hotspot ${c.kind}`;
    if (c.kind === 'button' && (c.part === 'buttonA' || c.part === 'buttonB') && i.has[c.part]) {
      const id = c.part;
      place(el, c.x, c.y, c.w + 1, c.h + 1);
      el.setAttribute('aria-label', `Button ${c.label}`);
      el.setAttribute('aria-pressed', 'false');
      el.dataset.control = id;
      momentary(el, (down) => {
        el.setAttribute('aria-pressed', String(down));
        setInputs(id === 'buttonA' ? { buttonA: down } : { buttonB: down });
        machine.input({ kind: 'button', id, pressed: down });
      });
      return el;
    }
    if (c.kind === 'slide-switch' && i.has.slideSwitch) {
      place(el, c.x, c.y, c.w + 1, c.h + 2);
      el.setAttribute('role', 'switch');
      el.setAttribute('aria-label', 'Slide switch');
      el.dataset.control = 'slideSwitch';
      el.addEventListener('click', () => {
        const closed = !store.getState().inputs.slideSwitch;
        setInputs({ slideSwitch: closed });
        machine.input({ kind: 'slide-switch', closed });
      });
      return el;
    }
    if (c.kind === 'reset-button') {
      place(el, c.x, c.y, c.w + 1, c.h + 1);
      el.setAttribute('aria-label', 'Reset button');
      el.dataset.control = 'reset';
      el.addEventListener('click', () => machine.reset());
      return el;
    }
    return null;
  }

  // ---------------------------------------------------------------- drawing

  function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  function draw(frame: Frame | null): void {
    const d = drawing;
    if (!d) return;
    const ctx = canvas.getContext('2d')!;
    const k = canvas.width / (d.width + 2 * MARGIN);
    ctx.setTransform(k, 0, 0, k, MARGIN * k, MARGIN * k);
    ctx.clearRect(-MARGIN, -MARGIN, d.width + 2 * MARGIN, d.height + 2 * MARGIN);
    const o = d.outline;
    ctx.fillStyle = d.colors.board;
    ctx.beginPath();
    if (o.kind === 'circle') ctx.arc(o.cx, o.cy, o.r, 0, Math.PI * 2);
    else ctx.roundRect(o.x, o.y, o.w, o.h, o.radius);
    ctx.fill();
    for (const p of d.pads) drawPad(ctx, p, d);
    const inputs = store.getState().inputs;
    for (const c of d.components) drawComponent(ctx, c, d, frame, inputs);
    ctx.fillStyle = d.colors.silk;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (const t of d.texts) {
      ctx.font = `bold ${t.size}px ${SILK_FONT}`;
      ctx.fillText(t.text, t.x, t.y);
    }
  }

  function drawPad(ctx: CanvasRenderingContext2D, p: PadDrawing, d: BoardDrawing): void {
    const touched = p.pin !== null && store.getState().inputs.touched[p.pin];
    ctx.fillStyle = touched ? '#ffb347' : d.colors.pad;
    ctx.beginPath();
    ctx.arc(p.x, p.y, p.r, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = d.colors.board;
    ctx.beginPath();
    ctx.arc(p.x, p.y, p.r * 0.55, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = d.colors.silk;
    if (d.outline.kind === 'rect') {
      // Header rows: the label runs inward from the pin, turned a quarter so neighbours at
      // 0.1" pitch do not collide.
      const fromTop = p.y < d.height / 2;
      ctx.save();
      ctx.translate(p.x, fromTop ? p.y + p.r + 0.5 : p.y - p.r - 0.5);
      ctx.rotate(Math.PI / 2);
      ctx.font = `bold 1.3px ${SILK_FONT}`;
      ctx.textAlign = fromTop ? 'left' : 'right';
      ctx.textBaseline = 'middle';
      ctx.fillText(p.label, 0, 0);
      ctx.restore();
      return;
    }
    ctx.font = `bold ${p.label.length > 2 ? 1.15 : 1.4}px ${SILK_FONT}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    // The label sits just inside the pad, towards the centre of the board.
    const cx = d.width / 2, cy = d.height / 2;
    const len = Math.hypot(p.x - cx, p.y - cy) || 1;
    const inset = p.r + 1.1;
    ctx.fillText(p.label, p.x - ((p.x - cx) / len) * inset, p.y - ((p.y - cy) / len) * inset);
  }

  function drawComponent(ctx: CanvasRenderingContext2D, c: ComponentDrawing, d: BoardDrawing, frame: Frame | null, inputs: ReturnType<typeof store.getState>['inputs']): void {
    const x0 = c.x - c.w / 2, y0 = c.y - c.h / 2;
    switch (c.kind) {
      case 'neopixel': {
        const rgb = frame?.pixels[c.index ?? 0] ?? 0;
        ctx.fillStyle = '#f4f1e8';
        ctx.fillRect(x0, y0, c.w, c.h);
        ctx.fillStyle = '#d9d4c4';
        ctx.beginPath();
        ctx.arc(c.x, c.y, c.w * 0.36, 0, Math.PI * 2);
        ctx.fill();
        if (rgb) glow(ctx, c.x, c.y, c.w * 1.3, rgb);
        break;
      }
      case 'dotstar': {
        const rgb = (c.part && frame?.dotstars[c.part]?.[c.index ?? 0]) || 0;
        ctx.fillStyle = '#f4f1e8';
        ctx.fillRect(x0, y0, c.w, c.h);
        ctx.fillStyle = '#d9d4c4';
        ctx.fillRect(x0 + c.w * 0.2, y0 + c.h * 0.2, c.w * 0.6, c.h * 0.6);
        if (rgb) glow(ctx, c.x, c.y, c.w * 1.3, rgb);
        break;
      }
      case 'sd-card':
      case 'radio-module':
        // A microSD slot's or a radio module's metal shield, with its name.
        ctx.fillStyle = '#b9bcc0';
        ctx.strokeStyle = '#8d9095';
        ctx.lineWidth = 0.2;
        ctx.fillRect(x0, y0, c.w, c.h);
        ctx.strokeRect(x0, y0, c.w, c.h);
        label(ctx, c.label ?? '', c.x, c.y, 1.4, '#3a3a3a');
        break;
      case 'led': {
        ctx.fillStyle = '#c9c9c9';
        ctx.fillRect(x0, y0, c.w, c.h);
        const duty = (c.part ? frame?.leds[c.part] : frame?.redLed) ?? 0;
        const color = (c.part && store.getState().board?.ledColors[c.part]) || 0xff0000;
        if (duty > 0) glow(ctx, c.x, c.y, 3.2, color, duty);
        label(ctx, c.label ?? '', c.x - 2.6, c.y, 1.1, d.colors.silk);
        break;
      }
      case 'button': {
        const down = c.part === 'buttonA' ? inputs.buttonA : c.part === 'buttonB' ? inputs.buttonB : false;
        ctx.fillStyle = '#c0c0c0';
        ctx.fillRect(x0, y0, c.w, c.h);
        ctx.fillStyle = down ? '#555' : '#222';
        ctx.beginPath();
        ctx.arc(c.x, c.y, c.w * (down ? 0.3 : 0.34), 0, Math.PI * 2);
        ctx.fill();
        label(ctx, c.label ?? '', c.x, c.y + c.h / 2 + 1.3, 1.8, d.colors.silk);
        break;
      }
      case 'reset-button':
        ctx.fillStyle = '#c0c0c0';
        ctx.fillRect(x0, y0, c.w, c.h);
        ctx.fillStyle = '#333';
        ctx.fillRect(x0 + c.w * 0.3, y0 + c.h * 0.25, c.w * 0.4, c.h * 0.5);
        label(ctx, 'RESET', c.x, c.y + c.h / 2 + 0.9, 0.9, d.colors.silk);
        break;
      case 'slide-switch': {
        ctx.fillStyle = '#b8b8b8';
        ctx.fillRect(x0, y0, c.w, c.h);
        const knobW = c.w * 0.42;
        const kx = inputs.slideSwitch ? x0 + 0.3 : x0 + c.w - knobW - 0.3;
        ctx.fillStyle = '#333';
        ctx.fillRect(kx, y0 + 0.4, knobW, c.h - 0.8);
        break;
      }
      case 'usb':
        ctx.fillStyle = '#a9a9a9';
        ctx.fillRect(x0, y0, c.w, c.h);
        ctx.fillStyle = '#7d7d7d';
        ctx.fillRect(x0 + 1, y0 + 1.2, c.w - 2, c.h - 2.4);
        break;
      case 'battery-connector':
        ctx.fillStyle = '#efe8d6';
        ctx.fillRect(x0, y0, c.w, c.h);
        label(ctx, '+  −', c.x, c.y, 1.5, '#333');
        break;
      case 'mcu':
      case 'accelerometer':
      case 'flash':
        ctx.fillStyle = '#2b2b2b';
        ctx.strokeStyle = '#8a8a8a';
        ctx.lineWidth = 0.15;
        ctx.fillRect(x0, y0, c.w, c.h);
        ctx.strokeRect(x0, y0, c.w, c.h);
        if (c.kind === 'mcu') label(ctx, c.label ?? '', c.x, c.y, 1, '#9a9a9a');
        break;
      case 'light-sensor': {
        ctx.fillStyle = '#3a3a2a';
        ctx.fillRect(x0, y0, c.w, c.h);
        const lux = inputs.lux;
        ctx.fillStyle = `rgba(255, 230, 120, ${Math.min(1, Math.log10(1 + lux) / 4)})`;
        ctx.fillRect(x0 + 0.3, y0 + 0.3, c.w - 0.6, c.h - 0.6);
        eye(ctx, c.x - 2.8, c.y, d.colors.silk);
        break;
      }
      case 'thermistor':
        ctx.fillStyle = '#6b4a2a';
        ctx.fillRect(x0, y0, c.w, c.h);
        thermometer(ctx, c.x + 2.2, c.y, d.colors.silk);
        break;
      case 'speaker':
        ctx.fillStyle = '#111';
        ctx.strokeStyle = '#777';
        ctx.lineWidth = 0.2;
        ctx.beginPath();
        ctx.arc(c.x, c.y, c.w / 2, 0, Math.PI * 2);
        ctx.fill();
        ctx.stroke();
        label(ctx, '♪', c.x, c.y, 2.4, d.colors.silk);
        break;
      case 'microphone':
        ctx.fillStyle = '#9a9a9a';
        ctx.fillRect(x0, y0, c.w, c.h);
        ctx.fillStyle = '#333';
        ctx.beginPath();
        ctx.arc(c.x, c.y, 0.4, 0, Math.PI * 2);
        ctx.fill();
        break;
      default:
        break;
    }
  }

  function label(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, size: number, color: string): void {
    ctx.fillStyle = color;
    ctx.font = `bold ${size}px ${SILK_FONT}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(text, x, y);
  }

  function thermometer(ctx: CanvasRenderingContext2D, x: number, y: number, color: string): void {
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    ctx.lineWidth = 0.25;
    ctx.beginPath();
    ctx.moveTo(x, y - 1.3);
    ctx.lineTo(x, y + 0.5);
    ctx.stroke();
    ctx.beginPath();
    ctx.arc(x, y + 0.8, 0.45, 0, Math.PI * 2);
    ctx.fill();
  }

  function eye(ctx: CanvasRenderingContext2D, x: number, y: number, color: string): void {
    ctx.strokeStyle = color;
    ctx.lineWidth = 0.2;
    ctx.beginPath();
    ctx.ellipse(x, y, 1.3, 0.7, 0, 0, Math.PI * 2);
    ctx.stroke();
    ctx.beginPath();
    ctx.arc(x, y, 0.35, 0, Math.PI * 2);
    ctx.fillStyle = color;
    ctx.fill();
  }

  /**
   * A lit LED: a saturated core in the pixel's hue and a halo whose size and opacity follow
   * its brightness (the largest channel; square-rooted so dim pixels stay visible, as to the eye).
   */
  function glow(ctx: CanvasRenderingContext2D, x: number, y: number, radius: number, rgb: number, brightness?: number): void {
    const r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;
    const max = Math.max(r, g, b);
    if (max === 0) return;
    const level = Math.sqrt(brightness ?? max / 255);
    const [cr, cg, cb] = [r, g, b].map((v) => Math.round((v / max) * 255));
    const grad = ctx.createRadialGradient(x, y, 0, x, y, radius * (0.6 + 0.8 * level));
    grad.addColorStop(0, `rgba(${Math.min(255, cr + 90)}, ${Math.min(255, cg + 90)}, ${Math.min(255, cb + 90)}, ${level})`);
    grad.addColorStop(0.35, `rgba(${cr}, ${cg}, ${cb}, ${0.85 * level})`);
    grad.addColorStop(1, `rgba(${cr}, ${cg}, ${cb}, 0)`);
    ctx.fillStyle = grad;
    ctx.beginPath();
    ctx.arc(x, y, radius * (0.6 + 0.8 * level), 0, Math.PI * 2);
    ctx.fill();
  }

  // ---------------------------------------------------------------- wiring to the store

  /** True when two frames draw the same board (the canvas shows pixels, DotStars and LEDs). */
  function sameLook(a: Frame | null, b: Frame | null): boolean {
    if (!a || !b) return a === b;
    if (a.redLed !== b.redLed || !sameNumbers(a.pixels, b.pixels)) return false;
    for (const id in a.leds) if (a.leds[id] !== b.leds[id]) return false;
    for (const id in a.dotstars) if (!sameNumbers(a.dotstars[id]!, b.dotstars[id] ?? [])) return false;
    return true;
  }

  store.subscribe((s, prev) => {
    if (s.board !== prev.board && s.board) {
      info = s.board;
      drawing = DRAWINGS[s.board.drawing] ?? null;
      canvas.setAttribute('aria-label', `${s.board.title}, drawn with its NeoPixels, LED and pads`);
      layout();
    }
    if (s.used !== prev.used) markUsed(s.used);
    // A frame arrives at every animation frame; most change nothing drawn (a busy loop, a sleeping board).
    if (s.inputs !== prev.inputs || (s.frame !== prev.frame && !sameLook(s.frame, prev.frame))) dirty = true;
    if (s.inputs !== prev.inputs) {
      const tilt = `perspective(60em) rotateX(${-s.inputs.pitch}deg) rotateY(${s.inputs.roll}deg)`;
      wrap.style.transform = tilt;
      for (const el of overlay.querySelectorAll<HTMLElement>('[data-control="slideSwitch"]')) el.setAttribute('aria-checked', String(s.inputs.slideSwitch));
      for (const el of overlay.querySelectorAll<HTMLElement>('.pad[aria-pressed]')) el.setAttribute('aria-pressed', String(!!s.inputs.touched[el.dataset.pad!]));
    }
  });
  window.addEventListener('resize', layout);

  // Drag the board (anywhere but a control) to tilt it; the tilt sliders do the same by keyboard.
  canvas.addEventListener('pointerdown', (e) => {
    const start = { x: e.clientX, y: e.clientY, pitch: store.getState().inputs.pitch, roll: store.getState().inputs.roll };
    canvas.setPointerCapture(e.pointerId);
    const clamp = (v: number) => Math.max(-90, Math.min(90, Math.round(v)));
    const move = (m: PointerEvent) => {
      const roll = clamp(start.roll + (m.clientX - start.x) / 2);
      const pitch = clamp(start.pitch - (m.clientY - start.y) / 2);
      setInputs({ roll, pitch });
      machine.input({ kind: 'tilt', ...tiltToG(pitch, roll) });
    };
    const up = () => {
      canvas.removeEventListener('pointermove', move);
      canvas.removeEventListener('pointerup', up);
    };
    canvas.addEventListener('pointermove', move);
    canvas.addEventListener('pointerup', up);
  });
  const loop = () => {
    if (dirty) {
      dirty = false;
      draw(store.getState().frame);
    }
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
  return {
    colorAt(x, y) {
      const k = canvas.width / ((drawing?.width ?? 0) + 2 * MARGIN);
      const d = canvas.getContext('2d')!.getImageData(Math.round((x + MARGIN) * k), Math.round((y + MARGIN) * k), 1, 1).data;
      return [d[0], d[1], d[2], d[3]];
    },
  };
}
