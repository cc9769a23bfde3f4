/**
 * bitbangio, the Python half (shared-bindings/bitbangio/I2C.c and SPI.c of CircuitPython 9.2.9) over
 * ../samd21/bitbangio.ts.
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
class I2C(_hw.Lockable):
    _key = '_id'
    def __init__(self, scl, sda, *, frequency=400000, timeout=255):
        _hw.pin_of(scl, 'scl')
        _hw.pin_of(sda, 'sda')
        self._id = None
        self._id = _hw.check(_hal.bbi2c_construct(scl._name, sda._name, _hw.name_of(scl), _hw.name_of(sda), frequency, timeout))
        self._locked = False
    def _release(self, id):
        _hal.bbi2c_deinit(id)
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
class SPI(_hw.Lockable):
    _key = '_id'
    def __init__(self, clock, MOSI=None, MISO=None):
        _hw.pin_of(clock, 'clock')
        for p, n in ((MOSI, 'mosi'), (MISO, 'miso')):
            if p is not None:
                _hw.pin_of(p, n)
        self._id = None
        nm = lambda p: '' if p is None else _hw.name_of(p)
        pad = lambda p: '' if p is None else p._name
        self._id = _hw.check(_hal.bbspi_construct(clock._name, pad(MOSI), pad(MISO), nm(clock), nm(MOSI), nm(MISO)))
        self._locked = False
    def _release(self, id):
        _hal.bbspi_deinit(id)
    def configure(self, *, baudrate=100000, polarity=0, phase=0, bits=8):
        self._check_lock()
        for v, n, lo, hi in ((polarity, 'polarity', 0, 1), (phase, 'phase', 0, 1), (bits, 'bits', 8, 9)):
            if not lo <= v <= hi:
                raise ValueError('%s must be %d-%d' % (n, lo, hi))
        _hw.check(_hal.bbspi_configure(self._id, baudrate, polarity, phase))
    def write(self, buffer, *, start=0, end=None):
        self._check_lock()
        s, n = _span(buffer, start, end)
        if n:
            _hw.check(_hal.bbspi_transfer(self._id, list(bytes(buffer)[s:s + n]), n, 0, False))
    def readinto(self, buffer, *, start=0, end=None, write_value=0):
        self._check_lock()
        memoryview(buffer)
        s, n = _span(buffer, start, end)
        if n:
            r = _hw.check(_hal.bbspi_transfer(self._id, None, n, write_value & 0xff, True))
            for i in range(n):
                buffer[s + i] = r[i]
    def write_readinto(self, out_buffer, in_buffer, *, out_start=0, out_end=None, in_start=0, in_end=None):
        self._check_lock()
        memoryview(in_buffer)
        os_, on = _span(out_buffer, out_start, out_end)
        is_, inn = _span(in_buffer, in_start, in_end)
        if on != inn:
            raise ValueError('buffer slices must be of equal length')
        if on:
            r = _hw.check(_hal.bbspi_transfer(self._id, list(bytes(out_buffer)[os_:os_ + on]), on, 0, True))
            for i in range(on):
                in_buffer[is_ + i] = r[i]
` + hide('bitbangio');
