/**
 * pulseio, the Python half (shared-bindings/pulseio/PulseOut.c and PulseIn.c of CircuitPython 9) over
 * ../samd21/pulseio.ts.
 */
const hide = (name: string): string => `\n__name__ = '${name}'\ndel __file__\n`;

export const PULSEIO_PY = String.raw`
import _hal, _hw
class PulseOut(_hw.Owner):
    _key = '_id'
    def __init__(self, pin, *, frequency=38000, duty_cycle=1 << 15):
        _hw.pin_of(pin)
        self._id = None
        self._id = _hw.check(_hal.pulseout_construct(pin._name, _hw.name_of(pin), frequency, duty_cycle))
    def _release(self, id):
        _hal.pulseout_deinit(id)
    def send(self, pulses):
        self._ok()
        memoryview(pulses)
        r = repr(pulses) if type(pulses).__name__ == 'array' else ''
        if not (r.startswith("array('H',") or r == "array('H')"):
            raise TypeError("Array must contain halfwords (type 'H')")
        _hw.check(_hal.pulseout_send(self._id, list(pulses)))
class PulseIn(_hw.Owner):
    _key = '_id'
    def __init__(self, pin, maxlen=2, idle_state=False):
        _hw.pin_of(pin)
        self._id = None
        self._id = _hw.check(_hal.pulsein_construct(pin._name, _hw.name_of(pin), maxlen, bool(idle_state)))
        self._m = maxlen
    def _release(self, id):
        _hal.pulsein_deinit(id)
    def pause(self):
        self._ok()
        _hw.check(_hal.pulsein_pause(self._id))
    def resume(self, trigger_duration=0):
        self._ok()
        _hw.check(_hal.pulsein_resume(self._id, trigger_duration))
    def clear(self):
        self._ok()
        _hw.check(_hal.pulsein_clear(self._id))
    def popleft(self):
        self._ok()
        return _hw.check(_hal.pulsein_popleft(self._id))
    @property
    def maxlen(self):
        self._ok()
        return self._m
    @property
    def paused(self):
        self._ok()
        return _hw.check(_hal.pulsein_paused(self._id))
    def __len__(self):
        self._ok()
        return _hw.check(_hal.pulsein_len(self._id))
    def __bool__(self):
        return len(self) != 0
    def _index(self, index):
        # mp_get_index: integers only, negative from the end, 'index out of range' otherwise.
        self._ok()
        if isinstance(index, slice):
            raise NotImplementedError('Slices not supported')
        if not isinstance(index, int):
            raise TypeError('PulseIn indices must be integers, not %s' % type(index).__name__)
        n = _hw.check(_hal.pulsein_len(self._id))
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError('index out of range')
        return index
    def __getitem__(self, index):
        return _hw.check(_hal.pulsein_get(self._id, self._index(index)))
    def __setitem__(self, index, value):
        self._index(index)
        raise AttributeError('Read-only')
    def __delitem__(self, index):
        raise AttributeError('Cannot delete values')
` + hide('pulseio');
