/**
 * A board drawing as plain data (millimetres, origin at the top-left of the board's bounding box,
 * y down), beside the board's declaration. The web app draws it on a canvas; nothing here runs.
 */
export interface Point {
  x: number;
  y: number;
}

export type Outline = { kind: 'circle'; cx: number; cy: number; r: number } | { kind: 'rect'; x: number; y: number; w: number; h: number; radius: number };

/** A pad on the edge (an alligator-clip pad or a header hole). */
export interface PadDrawing extends Point {
  /** The silkscreen text. */
  label: string;
  /** The CircuitPython board name the pad is (keys of the board's pins), or null for power pads. */
  pin: string | null;
  /** 'nc': a header hole wired to nothing (the Feather's 16th pin on the M0 boards). */
  kind: 'io' | 'ground' | 'power' | 'nc';
  /** Pad radius. */
  r: number;
}

export type ComponentKind =
  | 'neopixel' | 'button' | 'slide-switch' | 'led' | 'light-sensor' | 'thermistor' | 'speaker'
  | 'microphone' | 'usb' | 'battery-connector' | 'mcu' | 'accelerometer' | 'flash' | 'ir' | 'reset-button'
  /** An APA102 DotStar (a 'dotstars' part): glows like a NeoPixel, from that chain's colours. */
  | 'dotstar'
  /** A microSD slot (an 'sd-card' part). */
  | 'sd-card'
  /** A radio module in a shield can (the Bluefruit LE SPI module, a 'bluefruit-le-spi' part). */
  | 'radio-module';

export interface ComponentDrawing extends Point {
  kind: ComponentKind;
  /** The part id in the board's declaration ('buttonA', 'pixels', 'redLed'), when it is one. */
  part: string | null;
  /** Index within the part (NeoPixel number). */
  index?: number;
  /** Size; (x, y) is the centre. */
  w: number;
  h: number;
  label?: string;
}

export interface BoardDrawing {
  /** The board name (as the CLI and API spell it) and a short title for a board picker. */
  id: string;
  title: string;
  width: number;
  height: number;
  outline: Outline;
  /** Board colour (solder mask) and silkscreen colour. */
  colors: { board: string; silk: string; pad: string };
  /** Mounting holes / decorative holes, drawn as board-coloured gaps. */
  holes: (Point & { r: number })[];
  pads: PadDrawing[];
  components: ComponentDrawing[];
  /** Free silkscreen text. */
  texts: (Point & { text: string; size: number })[];
}
