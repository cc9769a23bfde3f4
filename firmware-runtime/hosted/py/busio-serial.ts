/**
 * busio.SPI and busio.UART, the Python halves (argument checks and error texts of CircuitPython 9's
 * shared-bindings/busio/SPI.c and UART.c) over the `_hal` calls of ../samd21/spi.ts and uart.ts.
 * Appended to the `busio` module of io-modules.ts.
 */
export const BUSIO_SERIAL_PY = String.raw`
def _pin_arg(p, arg):
    import microcontroller
    if p is not None and not isinstance(p, microcontroller.Pin):
        raise TypeError('%s must be of type %s, not %s' % (arg, 'Pin', type(p).__name__))
    return p
def _pad(p):
    return p._name if p is not None else ''
def _nm(p):
    return _hw.name_of(p) if p is not None else ''
def _range(v, lo, hi, arg):
    if not lo <= v <= hi:
        raise ValueError('%s must be %d-%d' % (arg, lo, hi))
    return v
def _int_arg(v):
    # mp_obj_get_int: a machine word (an int or bool; a big int overflows).
    if v is True or v is False:
        return int(v)
    if not isinstance(v, int):
        raise TypeError("can't convert %s to int" % type(v).__name__)
    if not -0x80000000 <= v <= 0x7fffffff:
        raise OverflowError('overflow converting long int to machine word')
    return v
def _timeout_ms(t):
    # mp_obj_get_float, then the range check and timeout_ms on the board's floats (uart.ts).
    if t is True or t is False:
        t = int(t)
    if not isinstance(t, (int, float)):
        raise TypeError("can't convert %s to float" % type(t).__name__)
    return _hw.check(_hal.uart_timeout_ms(t, isinstance(t, float)))
def _span(buf, start, end):
    n = len(buf)
    if start < 0:
        start += n
    if end is None or end > n:
        end = n
    elif end < 0:
        end += n
    start = min(max(start, 0), n)
    return start, max(end, start)
class SPI(_hw.Owner):
    _key = '_id'
    def __init__(self, clock, MOSI=None, MISO=None, *, half_duplex=False):
        if clock is None:
            raise TypeError('clock must be of type Pin, not NoneType')
        _pin_arg(clock, 'clock')
        _pin_arg(MOSI, 'mosi')
        _pin_arg(MISO, 'miso')
        if half_duplex:
            raise NotImplementedError('half_duplex')
        self._id = None
        self._id = _hw.check(_hal.spi_construct(clock._name, _pad(MOSI), _pad(MISO), _nm(clock), _nm(MOSI), _nm(MISO)))
        self._locked = False
    def _release(self, id):
        _hal.spi_deinit(id)
        self._locked = False
    def try_lock(self):
        if self._id is None or self._locked:
            return False
        self._locked = True
        return True
    def unlock(self):
        self._ok()
        self._locked = False
    def _check(self):
        self._ok()
        if not self._locked:
            raise RuntimeError('Function requires lock')
    def configure(self, *, baudrate=100000, polarity=0, phase=0, bits=8):
        self._check()
        _range(polarity, 0, 1, 'polarity')
        _range(phase, 0, 1, 'phase')
        _range(bits, 8, 9, 'bits')
        _hw.check(_hal.spi_configure(self._id, baudrate, polarity, phase, bits))
    @property
    def frequency(self):
        self._ok()
        return _hw.check(_hal.spi_frequency(self._id))
    def write(self, buffer, *, start=0, end=None):
        self._check()
        mv = memoryview(buffer)
        s, e = _span(mv, start, end)
        data = bytes(mv[s:e])
        if data:
            _hw.check(_hal.spi_transfer(self._id, list(data), len(data), 0))
    def readinto(self, buffer, *, start=0, end=None, write_value=0):
        self._check()
        mv = memoryview(buffer)
        s, e = _span(mv, start, end)
        if e > s:
            r = _hw.check(_hal.spi_transfer(self._id, None, e - s, write_value & 0xFF))
            mv[s:e] = bytes(r)
    def write_readinto(self, out_buffer, in_buffer, *, out_start=0, out_end=None, in_start=0, in_end=None):
        self._check()
        mo = memoryview(out_buffer)
        mi = memoryview(in_buffer)
        os_, oe = _span(mo, out_start, out_end)
        is_, ie = _span(mi, in_start, in_end)
        if oe - os_ != ie - is_:
            raise ValueError('buffer slices must be of equal length')
        if oe > os_:
            r = _hw.check(_hal.spi_transfer(self._id, list(bytes(mo[os_:oe])), oe - os_, 0))
            mi[is_:ie] = bytes(r)
class _Parity:
    def __init__(self, name):
        self._n = name
    def __repr__(self):
        return 'busio.UART.Parity.' + self._n
class UART(_hw.Owner):
    _key = '_id'
    class Parity:
        pass
    Parity.ODD = _Parity('ODD')
    Parity.EVEN = _Parity('EVEN')
    def __init__(self, tx=None, rx=None, *, baudrate=9600, bits=8, parity=None, stop=1, timeout=1, receiver_buffer_size=64, rts=None, cts=None, rs485_dir=None, rs485_invert=False):
        # shared-bindings/busio/UART.c: each pin checked (type, then free) in this order, then the rest.
        named = (('rx', rx), ('tx', tx), ('rts', rts), ('cts', cts), ('rs485_dir', rs485_dir))
        for arg, p in named:
            _pin_arg(p, arg)
            if p is not None:
                _hw.check(_hal.pin_assert_free(p._name, _nm(p)))
        if tx is None and rx is None:
            raise ValueError('tx and rx cannot both be None')
        pins = [p for _, p in named if p is not None]
        if len(set(p._name for p in pins)) != len(pins):
            raise ValueError('Invalid pins')
        baudrate = _int_arg(baudrate)
        _range(_int_arg(bits), 5, 9, 'bits')
        _range(_int_arg(receiver_buffer_size), 1, 65535, 'receiver_buffer_size')
        par = 'even' if parity is UART.Parity.EVEN else 'odd' if parity is UART.Parity.ODD else 'none'
        _range(_int_arg(stop), 1, 2, 'stop')
        ms = _timeout_ms(timeout)
        # common-hal (ports/atmel-samd/common-hal/busio/UART.c): RS485 is not supported on the SAMD21.
        if rs485_dir is not None or rs485_invert:
            raise NotImplementedError('RS485')
        self._id = None
        pads = ','.join(_pad(p) for p in (tx, rx, rts, cts))
        names = ','.join(_nm(p) for p in (tx, rx, rts, cts))
        self._id = _hw.check(_hal.uart_construct(pads, names, baudrate, bits, par, stop, ms, receiver_buffer_size))
    def _release(self, id):
        _hal.uart_deinit(id)
    def read(self, nbytes=None):
        self._ok()
        if nbytes is None:
            out = b''
            while True:
                r = bytes(_hw.check(_hal.uart_read(self._id, 256)))
                if not r:
                    return out if out else None
                out += r
        if nbytes == 0:
            return b''
        r = bytes(_hw.check(_hal.uart_read(self._id, nbytes)))
        return r if r else None
    def readinto(self, buf):
        self._ok()
        mv = memoryview(buf)
        if len(mv) == 0:
            return 0
        r = bytes(_hw.check(_hal.uart_read(self._id, len(mv))))
        if not r:
            return None
        mv[0:len(r)] = r
        return len(r)
    def readline(self):
        self._ok()
        line = b''
        while True:
            r = bytes(_hw.check(_hal.uart_read(self._id, 1)))
            if not r:
                return line if line else None
            line += r
            if r[0] == 10:
                return line
    def write(self, buf):
        self._ok()
        if isinstance(buf, str):
            raise TypeError("object with buffer protocol required")
        data = bytes(buf)
        return _hw.check(_hal.uart_write(self._id, list(data)))
    @property
    def baudrate(self):
        self._ok()
        return _hw.check(_hal.uart_baudrate(self._id))
    @baudrate.setter
    def baudrate(self, b):
        self._ok()
        _hw.check(_hal.uart_set_baudrate(self._id, _int_arg(b)))
    @property
    def in_waiting(self):
        self._ok()
        return _hw.check(_hal.uart_in_waiting(self._id))
    @property
    def timeout(self):
        self._ok()
        return float(_hw.check(_hal.uart_timeout(self._id)))
    @timeout.setter
    def timeout(self, t):
        self._ok()
        _hw.check(_hal.uart_set_timeout_ms(self._id, _timeout_ms(t)))
    def reset_input_buffer(self):
        self._ok()
        _hw.check(_hal.uart_reset_input(self._id))
`;
