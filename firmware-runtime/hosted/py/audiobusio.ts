/**
 * audiobusio (PDMIn; I2SOut refused loudly), the Python half: argument checks and texts of CircuitPython
 * 9.2.9's shared-bindings/audiobusio/PDMIn.c over ../samd21/pdmin.ts.
 */
const hide = (name: string): string => `\n__name__ = '${name}'\ndel __file__\n`;

export const AUDIOBUSIO_PY = String.raw`
import _hal, _hw
def _free_pin(p, arg):
    # validate_obj_is_free_pin: a Pin, and not in use.
    import microcontroller
    if not isinstance(p, microcontroller.Pin):
        raise TypeError('%s must be of type %s, not %s' % (arg, 'Pin', type(p).__name__))
    _hw.check(_hal.pin_assert_free(p._name, _hw.name_of(p)))
    return p
def _int(v, arg):
    if v is True or v is False:
        return int(v)
    if not isinstance(v, int):
        raise TypeError('%s must be of type %s, not %s' % (arg, 'int', type(v).__name__))
    return v
def _typecode(buf):
    if isinstance(buf, bytearray):
        return 'bytearray'
    r = repr(buf) if type(buf).__name__ == 'array' else ''
    return r[7] if r.startswith("array('") else None
class PDMIn(_hw.Owner):
    _key = '_id'
    def __init__(self, clock_pin, data_pin, *, sample_rate=16000, bit_depth=8, mono=True, oversample=64, startup_delay=None):
        _free_pin(clock_pin, 'clock_pin')
        _free_pin(data_pin, 'data_pin')
        bit_depth = _int(bit_depth, 'bit_depth') & 0xff
        if bit_depth % 8:
            raise ValueError('bit_depth must be multiple of 8.')
        oversample = _int(oversample, 'oversample') & 0xff
        if oversample % 8:
            raise ValueError('oversample must be multiple of 8.')
        delay = 0.11 if startup_delay is None else float(startup_delay)
        if not 0 <= delay <= 1:
            raise ValueError('startup_delay must be 0-1')
        self._id = None
        self._id = _hw.check(_hal.pdmin_construct(clock_pin._name, data_pin._name, _hw.name_of(clock_pin), _hw.name_of(data_pin), _int(sample_rate, 'sample_rate'), bit_depth, bool(mono), oversample))
        self._bits = bit_depth
        # The binding waits for the microphone to start: mp_hal_delay_ms(startup_delay * 1000).
        import time
        time.sleep(int(delay * 1000) / 1000)
    def _release(self, id):
        _hal.pdmin_deinit(id)
    def record(self, destination, destination_length):
        self._ok()
        length = _int(destination_length, 'length') & 0xffffffff
        import _rt
        if isinstance(destination, _rt._File) and destination._binary:
            raise NotImplementedError('Cannot record to a file')
        t = _typecode(destination)
        if t is None:
            return None
        if len(destination) < length:
            raise ValueError('Destination capacity is smaller than destination_length.')
        if self._bits == 16 and t != 'H':
            raise ValueError("destination buffer must be an array of type 'H' for bit_depth = 16")
        if self._bits == 8 and t not in ('B', 'bytearray'):
            raise ValueError("destination buffer must be a bytearray or array of type 'B' for bit_depth = 8")
        values = _hw.check(_hal.pdmin_record(self._id, length))
        for i in range(length):
            destination[i] = values[i]
        return length
    @property
    def sample_rate(self):
        self._ok()
        return _hw.check(_hal.pdmin_sample_rate(self._id))
class I2SOut:
    def __init__(self, *args, **kwargs):
        raise NotImplementedError('audiobusio.I2SOut is not in the hosted engine yet (it is in the board\'s firmware: use --engine firmware)')
` + hide('audiobusio');
