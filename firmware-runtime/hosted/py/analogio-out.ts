/**
 * analogio.AnalogOut, the Python half (shared-bindings/analogio/AnalogOut.c of CircuitPython 9: value is
 * write-only, 0-65535) over ../samd21/analog-out.ts. Appended to the `analogio` module of io-modules.ts.
 */
export const ANALOG_OUT_PY = String.raw`
class AnalogOut(_hw.Owner):
    def __init__(self, pin):
        _hw.pin_of(pin)
        _hw.check(_hal.dac_construct(pin._name, _hw.name_of(pin)))
        self._pin = pin
    def _release(self, pin):
        _hal.dac_deinit()
    def _set(self, v):
        self._ok()
        if not 0 <= v <= 65535:
            raise ValueError('value must be 0-65535')
        _hw.check(_hal.dac_write(v))
    value = property(None, _set)
`;
