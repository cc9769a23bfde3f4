/**
 * rotaryio, the Python half (shared-bindings/rotaryio/IncrementalEncoder.c of CircuitPython 9.2.9) over
 * ../samd21/rotaryio.ts.
 */
const hide = (name: string): string => `\n__name__ = '${name}'\ndel __file__\n`;

export const ROTARYIO_PY = String.raw`
import _hal, _hw
class IncrementalEncoder(_hw.Owner):
    _key = '_id'
    def __init__(self, pin_a, pin_b, divisor=4):
        _hw.pin_of(pin_a, 'pin_a')
        _hw.pin_of(pin_b, 'pin_b')
        self._id = None
        self._id = _hw.check(_hal.encoder_construct(pin_a._name, pin_b._name, _hw.name_of(pin_a), _hw.name_of(pin_b), int(divisor)))
    def _release(self, id):
        _hal.encoder_deinit(id)
    @property
    def position(self):
        self._ok()
        return _hw.check(_hal.encoder_position(self._id))
    @position.setter
    def position(self, value):
        self._ok()
        _hw.check(_hal.encoder_set_position(self._id, int(value)))
    @property
    def divisor(self):
        self._ok()
        return _hw.check(_hal.encoder_divisor(self._id))
    @divisor.setter
    def divisor(self, value):
        self._ok()
        _hw.check(_hal.encoder_set_divisor(self._id, int(value)))
` + hide('rotaryio');
