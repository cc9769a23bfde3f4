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
  kind: 'io' | 'ground' | 'power';
  /** Pad radius. */
  r: number;
}

export type ComponentKind =
  | 'neopixel' | 'button' | 'slide-switch' | 'led' | 'light-sensor' | 'thermistor' | 'speaker'
  | 'microphone' | 'usb' | 'battery-connector' | 'mcu' | 'accelerometer' | 'flash' | 'ir' | 'reset-button';

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
