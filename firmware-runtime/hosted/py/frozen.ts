/**
 * Libraries a board's CircuitPython build freezes into its firmware, which the hosted engine
 * provides as Python sources (path under the hosted module directory -> source), per board. They
 * are found where `.frozen` sits in sys.path, as on the board.
 *
 * CircuitPython 9.2.9's CPX build freezes adafruit_circuitplayground, adafruit_lis3dh,
 * adafruit_thermistor and neopixel (their names are in the firmware image); the Metro M0 Express
 * build freezes none. Adafruit's code is not ours to ship, so each module here is written by us
 * from the library's documented API (docs.circuitpython.org); so far: neopixel.
 */

/** neopixel, from its documented API: NeoPixel over the core adafruit_pixelbuf and neopixel_write. */
const NEOPIXEL = String.raw`
import digitalio
import neopixel_write
import adafruit_pixelbuf

# Pixel orders: the order in which the colour bytes go out on the wire.
RGB = 'RGB'
GRB = 'GRB'
RGBW = 'RGBW'
GRBW = 'GRBW'


def _order_string(order, bpp):
    if order is None:
        return GRB if bpp == 3 else GRBW
    if isinstance(order, str):
        return order
    # A tuple gives, for R, G, B (and W), the position of that colour's byte on the wire.
    letters = 'RGBW'[:len(order)]
    out = [''] * len(order)
    for letter, position in zip(letters, order):
        out[position] = letter
    return ''.join(out)


class NeoPixel(adafruit_pixelbuf.PixelBuf):
    def __init__(self, pin, n, *, bpp=3, brightness=1.0, auto_write=True, pixel_order=None):
        order = _order_string(pixel_order, bpp)
        super().__init__(n, brightness=brightness, byteorder=order, auto_write=auto_write)
        self.pin = digitalio.DigitalInOut(pin)
        self.pin.direction = digitalio.Direction.OUTPUT

    def deinit(self):
        self.fill(0)
        self.show()
        self.pin.deinit()

    def __enter__(self):
        return self

    def __exit__(self, exception_type, exception_value, traceback):
        self.deinit()

    def __repr__(self):
        return '[' + ', '.join([str(x) for x in self]) + ']'

    @property
    def n(self):
        return len(self)

    def write(self):
        self.show()

    def _transmit(self, buffer):
        neopixel_write.neopixel_write(self.pin, buffer)
`;

const FROZEN_BY_BOARD: Record<string, Record<string, string>> = {
  cpx: { 'neopixel.py': NEOPIXEL },
};

/** The frozen sources of `board` (none for a board whose build freezes nothing). */
export function frozenFor(board: string): Record<string, string> {
  return FROZEN_BY_BOARD[board] ?? {};
}
