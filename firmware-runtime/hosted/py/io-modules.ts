/**
 * CircuitPython's hardware modules as Python classes over the `_hal` calls of the chip's common-hal
 * (../samd21/hal.ts). Argument checks and error texts are CircuitPython 9's (shared-bindings/*).
 */
import { ANALOG_OUT_PY } from './analogio-out.js';
import { BUSIO_SERIAL_PY } from './busio-serial.js';
import { PULSEIO_PY } from './pulseio.js';
import { COUNTIO_PY } from './countio.js';
import { ROTARYIO_PY } from './rotaryio.js';
import { BITBANGIO_PY } from './bitbangio.js';
import { AUDIOCORE_PY, AUDIOIO_PY } from './audio.js';
import { AUDIOBUSIO_PY } from './audiobusio.js';
import { SPI_DEVICE_PY } from './spi-device.js';

const hide = (name: string): string => `\n__name__ = '${name}'\ndel __file__\n`;

export const IO_PY: Record<string, string> = {
  pulseio: PULSEIO_PY,
  countio: COUNTIO_PY,
  rotaryio: ROTARYIO_PY,
  bitbangio: BITBANGIO_PY,
  audiocore: AUDIOCORE_PY,
  audioio: AUDIOIO_PY,
  audiobusio: AUDIOBUSIO_PY,
  _hw:
    String.raw`
import _hal
from _rt import OSError
def check(r):
    # The hal reports errors as '\x00<type>\x00<message>\x00<errno>'.
    if isinstance(r, str) and r.startswith('\x00'):
        _, kind, msg, errno = r.split('\x00')
        if kind == 'OSError':
            raise OSError(int(errno))
        if kind == 'RuntimeError':
            raise RuntimeError(msg)
        raise ValueError(msg)
    return r
def pin_of(pin, arg='pin'):
    import microcontroller
    if not isinstance(pin, microcontroller.Pin):
        raise TypeError('%s must be of type %s, not %s' % (arg, 'Pin', type(pin).__name__))
    return pin
def name_of(pin):
    return pin._board or pin._name
class Owner:
    # An object that holds a hal resource (a pin, or an instance id in _id) until deinit(), with
    # CircuitPython's deinit and context-manager behaviour (no public deinited(): CircuitPython 9's
    # classes have none). _key names the attribute that holds it; _release() frees it.
    _key = '_pin'
    def _ok(self):
        if getattr(self, self._key) is None:
            raise ValueError('Object has been deinitialized and can no longer be used. Create a new object.')
    def _release(self, pin):
        check(_hal.pin_release(pin._name))
    def deinit(self):
        held = getattr(self, self._key)
        if held is not None:
            self._release(held)
            setattr(self, self._key, None)
    def __enter__(self):
        return self
    def __exit__(self, *a):
        self.deinit()
class Lockable(Owner):
    # busio.I2C and bitbangio.I2C/SPI: the bus lock as their bindings keep it (busio.SPI's try_lock differs:
    # False once deinitialised, so it keeps its own).
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
` + hide('_hw'),

  digitalio:
    String.raw`
import _hal, _hw
class Direction:
    INPUT = 'digitalio.Direction.INPUT'
    OUTPUT = 'digitalio.Direction.OUTPUT'
class Pull:
    UP = 'digitalio.Pull.UP'
    DOWN = 'digitalio.Pull.DOWN'
class DriveMode:
    PUSH_PULL = 'digitalio.DriveMode.PUSH_PULL'
    OPEN_DRAIN = 'digitalio.DriveMode.OPEN_DRAIN'
_PULL = {None: 'none', Pull.UP: 'up', Pull.DOWN: 'down'}
class DigitalInOut(_hw.Owner):
    def __init__(self, pin):
        _hw.pin_of(pin)
        _hw.check(_hal.dio_construct(pin._name, _hw.name_of(pin)))
        self._pin = pin
        self._dir = Direction.INPUT
        self._pull = None
        self._drive = DriveMode.PUSH_PULL
        self._value = False
    def switch_to_output(self, value=False, drive_mode=DriveMode.PUSH_PULL):
        self._ok()
        self._dir = Direction.OUTPUT
        self._drive = drive_mode
        self._value = bool(value)
        _hw.check(_hal.dio_output(self._pin._name, bool(value), drive_mode == DriveMode.OPEN_DRAIN))
    def switch_to_input(self, pull=None):
        self._ok()
        if pull not in _PULL:
            raise ValueError('Invalid pull')
        self._dir = Direction.INPUT
        self._pull = pull
        _hw.check(_hal.dio_input(self._pin._name, _PULL[pull]))
    @property
    def direction(self):
        self._ok()
        return self._dir
    @direction.setter
    def direction(self, d):
        if d == Direction.OUTPUT:
            self.switch_to_output()
        elif d == Direction.INPUT:
            self.switch_to_input()
        else:
            raise ValueError('Invalid direction.')
    @property
    def value(self):
        self._ok()
        if self._dir == Direction.OUTPUT and self._drive == DriveMode.PUSH_PULL:
            return self._value
        return _hw.check(_hal.dio_get(self._pin._name))
    @value.setter
    def value(self, v):
        self._ok()
        if self._dir == Direction.INPUT:
            raise AttributeError('Cannot set value when direction is input.')
        self._value = bool(v)
        if self._drive == DriveMode.OPEN_DRAIN:
            _hw.check(_hal.dio_open_drain(self._pin._name, bool(v)))
        else:
            _hw.check(_hal.dio_set(self._pin._name, bool(v)))
    @property
    def pull(self):
        self._ok()
        if self._dir == Direction.OUTPUT:
            raise AttributeError('Pull not used when direction is output.')
        return self._pull
    @pull.setter
    def pull(self, p):
        self._ok()
        if self._dir == Direction.OUTPUT:
            raise AttributeError('Pull not used when direction is output.')
        self.switch_to_input(p)
    @property
    def drive_mode(self):
        self._ok()
        if self._dir == Direction.INPUT:
            raise AttributeError('Drive mode not used when direction is input.')
        return self._drive
    @drive_mode.setter
    def drive_mode(self, m):
        self.switch_to_output(self._value, m)
` + hide('digitalio'),

  neopixel_write:
    String.raw`
import _hal, _hw, digitalio
def neopixel_write(digitalinout, buf):
    if not isinstance(digitalinout, digitalio.DigitalInOut):
        raise TypeError('%s must be of type %s, not %s' % ('digitalinout', 'DigitalInOut', type(digitalinout).__name__))
    digitalinout._ok()
    _hw.check(_hal.neopixel_write(digitalinout._pin._name, list(bytes(buf))))
` + hide('neopixel_write'),

  busio:
    String.raw`
import _hal, _hw
class I2C(_hw.Lockable):
    def __init__(self, scl, sda, *, frequency=100000, timeout=255):
        _hw.pin_of(scl)
        _hw.pin_of(sda)
        self._id = _hw.check(_hal.i2c_construct(scl._name, sda._name, frequency, _hw.name_of(scl), _hw.name_of(sda)))
        self._locked = False
    _key = '_id'
    def _release(self, id):
        _hal.i2c_deinit(id)
    def scan(self):
        self._check_lock()
        return [a for a in range(0x08, 0x78) if _hal.i2c_write(self._id, a, [], True) == 0]
    def writeto(self, address, buffer, *, start=0, end=None):
        self._check_lock()
        data = bytes(buffer)[start:end]
        e = _hw.check(_hal.i2c_write(self._id, address, list(data), True))
        if e:
            raise _hw.OSError(e)
    def readfrom_into(self, address, buffer, *, start=0, end=None):
        self._check_lock()
        if end is None:
            end = len(buffer)
        r = _hw.check(_hal.i2c_read(self._id, address, end - start))
        if isinstance(r, int):
            raise _hw.OSError(r)
        for i in range(end - start):
            buffer[start + i] = r[i]
    def writeto_then_readfrom(self, address, out_buffer, in_buffer, *, out_start=0, out_end=None, in_start=0, in_end=None):
        self._check_lock()
        data = bytes(out_buffer)[out_start:out_end]
        e = _hw.check(_hal.i2c_write(self._id, address, list(data), False))
        if e:
            raise _hw.OSError(e)
        if in_end is None:
            in_end = len(in_buffer)
        r = _hw.check(_hal.i2c_read(self._id, address, in_end - in_start))
        if isinstance(r, int):
            raise _hw.OSError(r)
        for i in range(in_end - in_start):
            in_buffer[in_start + i] = r[i]
` + BUSIO_SERIAL_PY + hide('busio'),

  analogio:
    String.raw`
import _hal, _hw
class AnalogIn(_hw.Owner):
    def __init__(self, pin):
        _hw.pin_of(pin)
        _hw.check(_hal.analogin_construct(pin._name, _hw.name_of(pin)))
        self._pin = pin
    @property
    def value(self):
        self._ok()
        return _hw.check(_hal.analogin_read(self._pin._name))
    @property
    def reference_voltage(self):
        self._ok()
        return 3.3
` + ANALOG_OUT_PY + hide('analogio'),

  pwmio:
    String.raw`
import _hal, _hw
class PWMOut(_hw.Owner):
    def __init__(self, pin, *, duty_cycle=0, frequency=500, variable_frequency=False):
        _hw.pin_of(pin)
        if not 0 <= duty_cycle <= 65535:
            raise ValueError('duty_cycle must be 0-65535')
        self._duty = duty_cycle
        self._variable = variable_frequency
        self._id = _hw.check(_hal.pwm_construct(pin._name, _hw.name_of(pin), duty_cycle, frequency, bool(variable_frequency)))
    _key = '_id'
    def _release(self, id):
        _hal.pwm_deinit(id)
    @property
    def duty_cycle(self):
        self._ok()
        return _hal.pwm_get_duty(self._id)
    @duty_cycle.setter
    def duty_cycle(self, d):
        self._ok()
        if not 0 <= d <= 65535:
            raise ValueError('duty_cycle must be 0-65535')
        self._duty = d
        _hal.pwm_duty(self._id, d)
    @property
    def frequency(self):
        self._ok()
        return int(_hal.pwm_frequency(self._id))
    @frequency.setter
    def frequency(self, f):
        self._ok()
        if not self._variable:
            raise AttributeError('Invalid variable_frequency')
        if f == 0:
            raise ValueError('Invalid frequency')
        _hw.check(_hal.pwm_set_frequency(self._id, f, self._duty))
` + hide('pwmio'),

  touchio:
    String.raw`
import _hal, _hw
class TouchIn(_hw.Owner):
    def __init__(self, pin):
        _hw.pin_of(pin)
        first = _hw.check(_hal.touch_construct(pin._name, _hw.name_of(pin)))
        self._pin = pin
        self._threshold = first + 100
    @property
    def raw_value(self):
        self._ok()
        return _hw.check(_hal.touch_read(self._pin._name))
    @property
    def value(self):
        return self.raw_value > self._threshold
    @property
    def threshold(self):
        self._ok()
        return self._threshold
    @threshold.setter
    def threshold(self, t):
        self._ok()
        if not 0 <= t <= 65535:
            raise ValueError('threshold must be 0-65535')
        self._threshold = t
` + hide('touchio'),

  adafruit_pixelbuf:
    String.raw`
# The core PixelBuf (shared-bindings/adafruit_pixelbuf): colours kept as the transmitted bytes in
# byteorder, brightness applied on write; show() hands the bytes to the subclass's _transmit().
class PixelBuf:
    def __init__(self, size, *, byteorder='BGR', brightness=1.0, auto_write=False, header=None, trailer=None):
        byteorder = byteorder.upper()
        bpp = len(byteorder)
        if bpp not in (3, 4) or any(c not in 'RGBW' for c in byteorder) or len(set(byteorder)) != bpp:
            raise ValueError('Invalid byteorder string')
        self._n = size
        self._order = byteorder
        self._bpp = bpp
        self._offsets = [byteorder.find(c) for c in 'RGBW']
        self._header = bytes(header or b'')
        self._trailer = bytes(trailer or b'')
        self._colors = [(0, 0, 0, 0)] * size
        self._brightness = min(1.0, max(0.0, brightness))
        self._buf = bytearray(len(self._header) + size * bpp + len(self._trailer))
        self._buf[0:len(self._header)] = self._header
        if self._trailer:
            self._buf[-len(self._trailer):] = self._trailer
        self.auto_write = auto_write
    def __len__(self):
        return self._n
    @property
    def n(self):
        return self._n
    @property
    def bpp(self):
        return self._bpp
    @property
    def byteorder(self):
        return self._order
    @property
    def brightness(self):
        return self._brightness
    @brightness.setter
    def brightness(self, v):
        self._brightness = min(1.0, max(0.0, v))
        for i in range(self._n):
            self._encode(i)
        if self.auto_write:
            self.show()
    def _parse(self, value):
        if isinstance(value, int):
            if self._bpp == 4 and value > 0xFFFFFF:
                return ((value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF, (value >> 24) & 0xFF)
            return ((value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF, 0)
        v = tuple(value)
        if len(v) == 3:
            r, g, b = v
            w = 0
        elif len(v) == 4:
            r, g, b, w = v
        else:
            raise ValueError('Expected tuple of length %d, got %d' % (self._bpp, len(v)))
        return (int(r), int(g), int(b), int(w))
    def _encode(self, i):
        c = self._colors[i]
        base = len(self._header) + i * self._bpp
        for k in range(self._bpp):
            self._buf[base + self._offsets[k]] = int(c[k] * self._brightness) & 0xFF
    def __setitem__(self, index, value):
        if isinstance(index, slice):
            idx = range(*index.indices(self._n))
            vals = list(value)
            if len(vals) != len(idx):
                raise ValueError('Slice and value different lengths.')
            for i, v in zip(idx, vals):
                self._colors[i] = self._parse(v)
                self._encode(i)
        else:
            if index < 0:
                index += self._n
            if not 0 <= index < self._n:
                raise IndexError('index out of range')
            self._colors[index] = self._parse(value)
            self._encode(index)
        if self.auto_write:
            self.show()
    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._n))]
        if index < 0:
            index += self._n
        if not 0 <= index < self._n:
            raise IndexError('index out of range')
        c = self._colors[index]
        return c if self._bpp == 4 else c[:3]
    def fill(self, color):
        c = self._parse(color)
        for i in range(self._n):
            self._colors[i] = c
            self._encode(i)
        if self.auto_write:
            self.show()
    def show(self):
        return self._transmit(self._buf)
` + hide('adafruit_pixelbuf'),
};

/** Submodules of core packages (adafruit_bus_device.i2c_device), as hosted files under the package directory. */
export const IO_PACKAGES: Record<string, string> = {
  '_c_adafruit_bus_device/__init__.py': hide('adafruit_bus_device'),
  '_c_adafruit_bus_device/spi_device.py': SPI_DEVICE_PY,
  '_c_adafruit_bus_device/i2c_device.py': String.raw`
class I2CDevice:
    def __init__(self, i2c, device_address, probe=True):
        self.i2c = i2c
        self.device_address = device_address
        if probe:
            self.__probe_for_device()
    def readinto(self, buf, *, start=0, end=None):
        if end is None:
            end = len(buf)
        self.i2c.readfrom_into(self.device_address, buf, start=start, end=end)
    def write(self, buf, *, start=0, end=None):
        if end is None:
            end = len(buf)
        self.i2c.writeto(self.device_address, buf, start=start, end=end)
    def write_then_readinto(self, out_buffer, in_buffer, *, out_start=0, out_end=None, in_start=0, in_end=None):
        if out_end is None:
            out_end = len(out_buffer)
        if in_end is None:
            in_end = len(in_buffer)
        self.i2c.writeto_then_readfrom(self.device_address, out_buffer, in_buffer, out_start=out_start, out_end=out_end, in_start=in_start, in_end=in_end)
    def __enter__(self):
        while not self.i2c.try_lock():
            pass
        return self
    def __exit__(self, *a):
        self.i2c.unlock()
        return False
    def __probe_for_device(self):
        while not self.i2c.try_lock():
            pass
        try:
            self.i2c.writeto(self.device_address, b'')
        except OSError:
            try:
                result = bytearray(1)
                self.i2c.readfrom_into(self.device_address, result)
            except OSError:
                raise ValueError('No I2C device at address: 0x%x' % self.device_address)
        finally:
            self.i2c.unlock()
`,
};
