/**
 * bitbangio, the Python half (shared-bindings/bitbangio/I2C.c of CircuitPython 9.2.9) over
 * ../samd21/bitbangio.ts. bitbangio.SPI is not in the hosted engine yet: constructing one raises.
 */
const hide = (name: string): string => `\n__name__ = '${name}'\ndel __file__\n`;

export const BITBANGIO_PY = String.raw`
import _hal, _hw
def _span(buffer, start, end):
    # normalize_buffer_bounds: start/end clipped to the buffer, in elements.
    n = len(buffer)
    if end is None or end > n:
        end = n
    if start < 0:
        start += n
    return max(0, start), max(0, end - max(0, start))
class I2C(_hw.Owner):
    _key = '_id'
    def __init__(self, scl, sda, *, frequency=400000, timeout=255):
        _hw.pin_of(scl, 'scl')
        _hw.pin_of(sda, 'sda')
        self._id = None
        self._id = _hw.check(_hal.bbi2c_construct(scl._name, sda._name, _hw.name_of(scl), _hw.name_of(sda), frequency, timeout))
        self._locked = False
    def _release(self, id):
        _hal.bbi2c_deinit(id)
    def try_lock(self):
        self._ok()
        if self._locked:
            return False
        self._locked = True
        return True
    def unlock(self):
        self._ok()
        self._locked = False
    def _check_lock(self):
        self._ok()
        if not self._locked:
            raise RuntimeError('Function requires lock')
    def probe(self, address):
        self._check_lock()
        return _hw.check(_hal.bbi2c_probe(self._id, address))
    def scan(self):
        self._check_lock()
        return [a for a in range(0x08, 0x78) if _hw.check(_hal.bbi2c_probe(self._id, a))]
    def _write(self, address, buffer, start, end, stop):
        s, n = _span(buffer, start, end)
        e = _hw.check(_hal.bbi2c_write(self._id, address, list(bytes(buffer)[s:s + n]), stop))
        if e:
            raise _hw.OSError(e)
    def _read(self, address, buffer, start, end):
        memoryview(buffer)
        s, n = _span(buffer, start, end)
        if n < 1:
            raise ValueError('buffer length must be >= 1')
        r = _hw.check(_hal.bbi2c_read(self._id, address, n))
        if isinstance(r, int):
            raise _hw.OSError(r)
        for i in range(n):
            buffer[s + i] = r[i]
    def writeto(self, address, buffer, *, start=0, end=None):
        self._check_lock()
        self._write(address, buffer, start, end, True)
    def readfrom_into(self, address, buffer, *, start=0, end=None):
        self._check_lock()
        self._read(address, buffer, start, end)
    def writeto_then_readfrom(self, address, out_buffer, in_buffer, *, out_start=0, out_end=None, in_start=0, in_end=None):
        self._check_lock()
        self._write(address, out_buffer, out_start, out_end, False)
        self._read(address, in_buffer, in_start, in_end)
class SPI:
    def __init__(self, *a, **k):
        raise NotImplementedError('bitbangio.SPI is not in the hosted engine yet (use busio.SPI, or the firmware engine)')
` + hide('bitbangio');
