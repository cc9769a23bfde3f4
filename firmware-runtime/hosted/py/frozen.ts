/**
 * Libraries a board's CircuitPython build freezes into its firmware, which the hosted engine
 * provides as Python sources (path under the hosted module directory -> source), per board. They
 * are found where `.frozen` sits in sys.path, as on the board.
 *
 * CircuitPython 9.2.9's CPX build freezes adafruit_circuitplayground, adafruit_lis3dh,
 * adafruit_thermistor, neopixel and adafruit_hid (help('modules') there); adafruit_bus_device is built
 * in. No other SAMD21 build freezes anything. Adafruit's code is not ours to ship, so each module here
 * is written by us from the library's documented API (docs.circuitpython.org) and the parts' data
 * sheets, and checked against the firmware's own copy by running the same programs on both engines
 * (tests/hosted/firmware-equivalence.test.ts). adafruit_hid is not provided (no USB host).
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


/** adafruit_thermistor: a thermistor in a divider read by AnalogIn, B-parameter equation. */
const THERMISTOR = String.raw`
import analogio
import math


class Thermistor:
    def __init__(self, pin, series_resistor, nominal_resistance, nominal_temperature, b_coefficient, *, high_side=True):
        self.pin = analogio.AnalogIn(pin)
        self.series_resistor = series_resistor
        self.nominal_resistance = nominal_resistance
        self.nominal_temperature = nominal_temperature
        self.b_coefficient = b_coefficient
        self.high_side = high_side

    @property
    def resistance(self):
        if self.high_side:
            # The thermistor between the supply and the pin: the library works in 10-bit counts here (the
            # reading / 64 against a full scale of 1023), which the firmware's figures follow.
            counts = self.pin.value / 64
            return self.series_resistor * 1023 / counts - self.series_resistor
        # The thermistor between the pin and ground.
        return self.series_resistor / (65535.0 / self.pin.value - 1.0)

    @property
    def temperature(self):
        # 1/T = 1/T0 + ln(R/R0)/B, temperatures in kelvin.
        inverse = math.log(self.resistance / self.nominal_resistance) / self.b_coefficient
        inverse += 1.0 / (self.nominal_temperature + 273.15)
        return 1.0 / inverse - 273.15
`;

/** adafruit_lis3dh: the LIS3DH accelerometer over I2C (or SPI), from its data sheet's register map. */
const LIS3DH = String.raw`
import math
import struct
import time
import digitalio
from collections import namedtuple
from micropython import const

RANGE_16_G = const(3)
RANGE_8_G = const(2)
RANGE_4_G = const(1)
RANGE_2_G = const(0)
DATARATE_1344_HZ = const(9)
DATARATE_400_HZ = const(7)
DATARATE_200_HZ = const(6)
DATARATE_100_HZ = const(5)
DATARATE_50_HZ = const(4)
DATARATE_25_HZ = const(3)
DATARATE_10_HZ = const(2)
DATARATE_1_HZ = const(1)
DATARATE_POWERDOWN = const(0)
DATARATE_LOWPOWER_1K6HZ = const(8)
DATARATE_LOWPOWER_5KHZ = const(9)
STANDARD_GRAVITY = 9.806

_OUT_ADC1_L = const(0x08)
_WHO_AM_I = const(0x0F)
_TEMP_CFG_REG = const(0x1F)
_CTRL_REG1 = const(0x20)
_CTRL_REG3 = const(0x22)
_CTRL_REG4 = const(0x23)
_CTRL_REG5 = const(0x24)
_OUT_X_L = const(0x28)
_CLICK_CFG = const(0x38)
_CLICK_SRC = const(0x39)
_CLICK_THS = const(0x3A)
_TIME_LIMIT = const(0x3B)
_TIME_LATENCY = const(0x3C)
_TIME_WINDOW = const(0x3D)
# Counts per g of the left-justified 16-bit output, per full scale.
_COUNTS_PER_G = {RANGE_2_G: 16380, RANGE_4_G: 8190, RANGE_8_G: 4096, RANGE_16_G: 1365}

AccelerationTuple = namedtuple('acceleration', ('x', 'y', 'z'))


class LIS3DH:
    def __init__(self, int1=None, int2=None):
        if self._read_register_byte(_WHO_AM_I) != 0x33:
            raise RuntimeError('Failed to find LIS3DH!')
        # Reboot the memory content, then: X, Y, Z on at 400 Hz; block data update and high resolution;
        # the auxiliary ADC on; INT1 latched.
        self._write_register_byte(_CTRL_REG5, 0x80)
        time.sleep(0.01)
        self._write_register_byte(_CTRL_REG1, 0x07)
        self.data_rate = DATARATE_400_HZ
        self._write_register_byte(_CTRL_REG4, 0x88)
        self._write_register_byte(_TEMP_CFG_REG, 0x80)
        self._write_register_byte(_CTRL_REG5, 0x08)
        self._int1 = int1
        self._int2 = int2
        if int1 is not None:
            int1.direction = digitalio.Direction.INPUT
            int1.pull = digitalio.Pull.UP

    @property
    def data_rate(self):
        return (self._read_register_byte(_CTRL_REG1) >> 4) & 0x0F

    @data_rate.setter
    def data_rate(self, rate):
        r = self._read_register_byte(_CTRL_REG1)
        self._write_register_byte(_CTRL_REG1, (r & 0x0F) | ((rate & 0x0F) << 4))

    @property
    def range(self):
        return (self._read_register_byte(_CTRL_REG4) >> 4) & 0x03

    @range.setter
    def range(self, range_value):
        r = self._read_register_byte(_CTRL_REG4)
        self._write_register_byte(_CTRL_REG4, (r & 0xCF) | ((range_value & 0x03) << 4))

    @property
    def acceleration(self):
        per_g = _COUNTS_PER_G[self.range]
        x, y, z = struct.unpack('<hhh', self._read_register(_OUT_X_L | 0x80, 6))
        return AccelerationTuple(x / per_g * STANDARD_GRAVITY, y / per_g * STANDARD_GRAVITY, z / per_g * STANDARD_GRAVITY)

    def shake(self, shake_threshold=30, avg_count=10, total_delay=0.1):
        # The mean of avg_count readings spread over total_delay seconds, compared by magnitude.
        sx = sy = sz = 0
        for _ in range(avg_count):
            a = self.acceleration
            sx += a[0]
            sy += a[1]
            sz += a[2]
            time.sleep(total_delay / avg_count)
        sx /= avg_count
        sy /= avg_count
        sz /= avg_count
        return math.sqrt(sx * sx + sy * sy + sz * sz) > shake_threshold

    def read_adc_raw(self, adc):
        if adc < 1 or adc > 3:
            raise ValueError('ADC must be a value 1 to 3!')
        return struct.unpack('<h', self._read_register((_OUT_ADC1_L + (adc - 1) * 2) | 0x80, 2))[0]

    def read_adc_mV(self, adc):
        # The ADC spans about 1800 mV (raw -32512) down to 900 mV (raw 32512).
        raw = self.read_adc_raw(adc)
        return 1800 + (raw + 32512) * (-900 / 65024)

    @property
    def tapped(self):
        # With INT1 wired, a low line means no click; otherwise CLICK_SRC.IA (reading it ends a latched click).
        if self._int1 is not None and not self._int1.value:
            return False
        return (self._read_register_byte(_CLICK_SRC) & 0x40) != 0

    def set_tap(self, tap, threshold, *, time_limit=10, time_latency=20, time_window=255, click_cfg=None):
        if tap < 0 or tap > 2:
            raise ValueError('Tap must be 0 (disabled), 1 (single tap), or 2 (double tap)!')
        if threshold > 127 or threshold < 0:
            raise ValueError('Threshold out of range (0-127)')
        ctrl3 = self._read_register_byte(_CTRL_REG3)
        if tap == 0 and click_cfg is None:
            self._write_register_byte(_CTRL_REG3, ctrl3 & ~0x80)
            self._write_register_byte(_CLICK_CFG, 0)
            return
        self._write_register_byte(_CTRL_REG3, ctrl3 | 0x80)
        if click_cfg is None:
            # Single click on X, Y and Z (XS, YS, ZS) or double click (XD, YD, ZD).
            click_cfg = 0x15 if tap == 1 else 0x2A
        self._write_register_byte(_CLICK_CFG, click_cfg)
        self._write_register_byte(_CLICK_THS, 0x80 | threshold)
        self._write_register_byte(_TIME_LIMIT, time_limit)
        self._write_register_byte(_TIME_LATENCY, time_latency)
        self._write_register_byte(_TIME_WINDOW, time_window)

    def _read_register_byte(self, register):
        return self._read_register(register, 1)[0]


class LIS3DH_I2C(LIS3DH):
    def __init__(self, i2c, *, address=0x18, int1=None, int2=None):
        from adafruit_bus_device import i2c_device
        self._i2c = i2c_device.I2CDevice(i2c, address)
        self._buffer = bytearray(6)
        super().__init__(int1=int1, int2=int2)

    def _read_register(self, register, length):
        self._buffer[0] = register & 0xFF
        with self._i2c as i2c:
            i2c.write_then_readinto(self._buffer, self._buffer, out_end=1, in_end=length)
        return self._buffer[:length]

    def _write_register_byte(self, register, value):
        self._buffer[0] = register & 0xFF
        self._buffer[1] = value & 0xFF
        with self._i2c as i2c:
            i2c.write(self._buffer, end=2)


class LIS3DH_SPI(LIS3DH):
    def __init__(self, spi, cs, *, baudrate=100000, int1=None, int2=None):
        from adafruit_bus_device import spi_device
        self._spi = spi_device.SPIDevice(spi, cs, baudrate=baudrate)
        self._buffer = bytearray(6)
        super().__init__(int1=int1, int2=int2)

    def _read_register(self, register, length):
        # SPI: bit 7 reads, bit 6 auto-increments (the I2C form's 0x80).
        self._buffer[0] = (register & 0x3F) | 0x80 | (0x40 if register & 0x80 else 0)
        with self._spi as spi:
            spi.write(self._buffer, end=1)
            spi.readinto(self._buffer, end=length)
        return self._buffer[:length]

    def _write_register_byte(self, register, value):
        self._buffer[0] = register & 0x3F
        self._buffer[1] = value & 0xFF
        with self._spi as spi:
            spi.write(self._buffer, end=2)
`;

/** adafruit_circuitplayground: `cp` (and `express.cpx`), the CPX's parts behind one object. */
const CP_INIT = String.raw`
import sys
from .express import cpx as cp
`;

const CP_BASE = String.raw`
import array
import math
import time
import analogio
import board
import busio
import digitalio
import neopixel
import touchio
import adafruit_lis3dh
import adafruit_thermistor

_UNSUPPORTED = 'This feature is not supported on Circuit Playground Express.'
# Default tap thresholds per accelerometer range (the LIS3DH's CLICK_THS counts scale with the range).
_TAP_THRESHOLDS = {adafruit_lis3dh.RANGE_2_G: 80, adafruit_lis3dh.RANGE_4_G: 40, adafruit_lis3dh.RANGE_8_G: 20, adafruit_lis3dh.RANGE_16_G: 10}


class Photocell:
    # The light sensor's reading scaled to 0..330 (0 to the 3.3 V supply in centivolts).
    def __init__(self, pin):
        self._analog = analogio.AnalogIn(pin)

    @property
    def light(self):
        return self._analog.value * 330 // 65536


class CircuitPlaygroundBase:
    SINE_WAVE = 0
    SQUARE_WAVE = 1

    def __init__(self):
        self._pixels = neopixel.NeoPixel(board.NEOPIXEL, 10)
        self._a = digitalio.DigitalInOut(board.BUTTON_A)
        self._a.switch_to_input(pull=digitalio.Pull.DOWN)
        self._b = digitalio.DigitalInOut(board.BUTTON_B)
        self._b.switch_to_input(pull=digitalio.Pull.DOWN)
        self._switch = digitalio.DigitalInOut(board.SLIDE_SWITCH)
        self._switch.switch_to_input(pull=digitalio.Pull.UP)
        self._led = digitalio.DigitalInOut(board.LED)
        self._led.switch_to_output()
        self._temp = adafruit_thermistor.Thermistor(board.TEMPERATURE, 10000, 10000, 25, 3950)
        self._light = Photocell(board.LIGHT)
        self._i2c = busio.I2C(board.ACCELEROMETER_SCL, board.ACCELEROMETER_SDA)
        self._int1 = digitalio.DigitalInOut(board.ACCELEROMETER_INTERRUPT)
        self._lis3dh = adafruit_lis3dh.LIS3DH_I2C(self._i2c, address=0x19, int1=self._int1)
        self._lis3dh.range = adafruit_lis3dh.RANGE_8_G
        self._detect_taps = 1
        self.detect_taps = 1
        self._touch_pins = (board.A1, board.A2, board.A3, board.A4, board.A5, board.A6, board.TX)
        self._touches = {}
        self._touch_threshold_adjustment = 0
        self._speaker_enable = digitalio.DigitalInOut(board.SPEAKER_ENABLE)
        self._speaker_enable.switch_to_output(value=False)
        self._audio = None
        self._tone = None

    # ---- sensors ----
    @property
    def acceleration(self):
        return self._lis3dh.acceleration

    def shake(self, shake_threshold=30):
        return self._lis3dh.shake(shake_threshold=shake_threshold)

    @property
    def detect_taps(self):
        return self._detect_taps

    @detect_taps.setter
    def detect_taps(self, value):
        self.configure_tap(value)

    def configure_tap(self, tap, accel_range=adafruit_lis3dh.RANGE_8_G, threshold=None, time_limit=None, time_latency=50, time_window=255):
        if tap < 0 or tap > 2:
            raise ValueError('tap must be 0 (disabled), 1 (single tap), or 2 (double tap)!')
        if threshold is None:
            threshold = _TAP_THRESHOLDS[accel_range]
        if time_limit is None:
            time_limit = 4 if tap == 1 else 10
        self._lis3dh.range = accel_range
        self._lis3dh.set_tap(tap, threshold, time_limit=time_limit, time_latency=time_latency, time_window=time_window)
        self._detect_taps = tap

    @property
    def tapped(self):
        return self._lis3dh.tapped

    @property
    def temperature(self):
        return self._temp.temperature

    @property
    def light(self):
        return self._light.light

    @property
    def button_a(self):
        return self._a.value

    @property
    def button_b(self):
        return self._b.value

    @property
    def switch(self):
        return self._switch.value

    @property
    def red_led(self):
        return self._led.value

    @red_led.setter
    def red_led(self, value):
        self._led.value = value

    @property
    def pixels(self):
        return self._pixels

    # ---- touch ----
    def _touch(self, pin):
        t = self._touches.get(pin)
        if t is None:
            t = touchio.TouchIn(pin)
            t.threshold += self._touch_threshold_adjustment
            self._touches[pin] = t
        return t.value

    @property
    def touch_A1(self):
        return self._touch(board.A1)

    @property
    def touch_A2(self):
        return self._touch(board.A2)

    @property
    def touch_A3(self):
        return self._touch(board.A3)

    @property
    def touch_A4(self):
        return self._touch(board.A4)

    @property
    def touch_A5(self):
        return self._touch(board.A5)

    @property
    def touch_A6(self):
        return self._touch(board.A6)

    @property
    def touch_A7(self):
        return self._touch(board.TX)

    @property
    def touch_TX(self):
        return self._touch(board.TX)

    @property
    def touch_pins(self):
        # The pads set up as touch inputs so far.
        return [p for p in self._touch_pins if p in self._touches]

    @property
    def touched(self):
        return [p for p in self.touch_pins if self._touches[p].value]

    def adjust_touch_threshold(self, adjustment):
        for t in self._touches.values():
            t.threshold += adjustment
        self._touch_threshold_adjustment += adjustment

    # ---- sound ----
    def _audio_modules(self):
        try:
            import audioio
            import audiocore
        except ImportError:
            raise NotImplementedError('the hosted engine has no audioio yet: tones and sound files need it') from None
        return audioio, audiocore

    @staticmethod
    def _period(length, waveform):
        # One period of the wave as unsigned 16-bit samples around mid-scale.
        if waveform == CircuitPlaygroundBase.SQUARE_WAVE:
            half = length // 2
            return array.array('H', [65535] * half + [0] * (length - half))
        return array.array('H', [int(32767 * math.sin(2 * math.pi * i / length) + 32768) for i in range(length)])

    def start_tone(self, frequency, waveform=SINE_WAVE):
        audioio, audiocore = self._audio_modules()
        self._speaker_enable.value = True
        # Up to 64 samples a period, at most 350 kHz of samples for the DAC.
        length = max(2, min(64, 350000 // int(frequency)))
        if self._audio is None:
            self._audio = audioio.AudioOut(board.SPEAKER)
        elif self._audio.playing:
            self._audio.stop()
        self._tone = audiocore.RawSample(self._period(length, waveform), sample_rate=int(length * frequency))
        self._audio.play(self._tone, loop=True)

    def stop_tone(self):
        if self._audio is not None:
            if self._audio.playing:
                self._audio.stop()
            self._audio.deinit()
            self._audio = None
            self._tone = None
        self._speaker_enable.value = False

    def play_tone(self, frequency, duration, waveform=SINE_WAVE):
        self.start_tone(frequency, waveform)
        time.sleep(duration)
        self.stop_tone()

    def play_file(self, file_name):
        f = open(file_name, 'rb')
        try:
            audioio, audiocore = self._audio_modules()
            self._speaker_enable.value = True
            with audioio.AudioOut(board.SPEAKER) as audio:
                audio.play(audiocore.WaveFile(f))
                while audio.playing:
                    time.sleep(0.01)
            self._speaker_enable.value = False
        finally:
            f.close()

    def play_mp3(self, file_name):
        raise NotImplementedError(_UNSUPPORTED)

    @property
    def sound_level(self):
        raise NotImplementedError(_UNSUPPORTED)

    def loud_sound(self, sound_threshold=200):
        raise NotImplementedError(_UNSUPPORTED)
`;

const CP_EXPRESS = String.raw`
from .circuit_playground_base import CircuitPlaygroundBase


class Express(CircuitPlaygroundBase):
    pass


cpx = Express()
`;

const FROZEN_BY_BOARD: Record<string, Record<string, string>> = {
  cpx: {
    'neopixel.py': NEOPIXEL,
    'adafruit_thermistor.py': THERMISTOR,
    'adafruit_lis3dh.py': LIS3DH,
    'adafruit_circuitplayground/__init__.py': CP_INIT,
    'adafruit_circuitplayground/circuit_playground_base.py': CP_BASE,
    'adafruit_circuitplayground/express.py': CP_EXPRESS,
  },
};

/** The frozen sources of `board` (none for a board whose build freezes nothing). */
export function frozenFor(board: string): Record<string, string> {
  return FROZEN_BY_BOARD[board] ?? {};
}
