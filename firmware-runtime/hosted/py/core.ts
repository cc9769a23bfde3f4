/**
 * CircuitPython's core modules that need no peripheral, as thin Python over the `_hal` JS module (see
 * ../modules.ts for the JS side). Each source becomes /hosted/_c_<name>.py in the VM and is registered in
 * sys.modules under <name> when first imported, so `import time` gets it even though the VM has a
 * built-in of the same name, and `type(time)` is `<class 'module'>` as on a board.
 */
const hide = (name: string): string => `\n__name__ = '${name}'\ndel __file__\n`;

export const CORE_PY: Record<string, string> = {
  sys:
    String.raw`
import _rt, _hal
from collections import namedtuple
_s = _rt._real['sys']
argv = _s.argv
byteorder = _s.byteorder
exit = _s.exit
maxsize = _s.maxsize
modules = _s.modules
path = _s.path
print_exception = _s.print_exception
stderr = _s.stderr
class _Stdin:
    # The USB serial console: read(n) blocks for n bytes (no echo), as on the board.
    def read(self, n=1):
        r = _hal.input_read(n)
        if r is None:
            raise KeyboardInterrupt
        return r
    def readline(self):
        out = ''
        while not out.endswith('\n') and not out.endswith('\r'):
            out += self.read(1)
        return out
stdin = _Stdin()
stdout = _s.stdout
version_info = (3, 4, 0)
_i = _hal.identity()
implementation = namedtuple('', ('name', 'version', '_machine', '_mpy'))('circuitpython', tuple(_i['version_tuple']) + ('',), _i['machine'], 774)
platform = _i['platform']
version = '3.4.0; CircuitPython ' + _i['version'] + ' on ' + _i['date']
del _i, _s, _rt, namedtuple
` + hide('sys'),

  gc:
    String.raw`
import _rt, _hal
_g = _rt._real['gc']
# The board's heap, counted from what the VM held once our runtime was set up (see README.md: the VM's
# own heap grows on demand and collects only between runs, so these are the board's figures, not limits).
# The total is asked when needed, not at import: a VM made before its engine (vm.ts warmVm) imports this.
def mem_alloc():
    return max(0, _g.mem_alloc() - _rt.baseline[0])
def mem_free():
    return max(0, _hal.heap_total() - mem_alloc())
collect = _g.collect
enable = _g.enable
disable = _g.disable
isenabled = _g.isenabled
` + hide('gc'),

  time:
    String.raw`
import _hal
from collections import namedtuple
_struct_time = namedtuple('struct_time', ('tm_year', 'tm_mon', 'tm_mday', 'tm_hour', 'tm_min', 'tm_sec', 'tm_wday', 'tm_yday', 'tm_isdst'))
def struct_time(*args):
    # Nine values or one 9-sequence, as CircuitPython's time.struct_time takes (a factory here: MicroPython's
    # namedtuple types cannot be subclassed with __new__; the instances print as struct_time(...)).
    if len(args) == 1:
        args = tuple(args[0])
    return _struct_time(*args)
def monotonic():
    return _hal.monotonic()
def monotonic_ns():
    return int(_hal.monotonic_ns())
def sleep(seconds):
    if seconds < 0:
        raise ValueError('sleep length must be non-negative')
    _hal.sleep(seconds)
def time():
    return int(_hal.rtc_seconds())
def localtime(secs=None):
    if secs is None:
        secs = int(_hal.rtc_seconds())
    return struct_time(*_hal.localtime(int(secs)))
def mktime(t):
    return int(_hal.mktime(list(t)))
del namedtuple
` + hide('time'),

  os:
    String.raw`
import _rt, _hal
from collections import namedtuple
_o = _rt._real['os']
sep = '/'
chdir = _o.chdir
getcwd = _o.getcwd
listdir = _o.listdir
mkdir = _o.mkdir
remove = _o.remove
rename = _o.rename
rmdir = _o.rmdir
stat = _o.stat
statvfs = _o.statvfs
unlink = _o.remove
def sync():
    pass
_i = _hal.identity()
_uname = namedtuple('', ('sysname', 'nodename', 'release', 'version', 'machine'))(_i['sysname'], _i['sysname'], _i['release'], _i['version'] + ' on ' + _i['date'], _i['machine'])
def uname():
    return _uname
def urandom(n):
    return bytes(_hal.urandom(n))
def getenv(key, default=None):
    # The SAMD21 builds of CircuitPython 9 have no settings.toml support (CIRCUITPY_OS_GETENV 0).
    raise NotImplementedError()
_fat = _rt.circuitpy
def utime(path, times):
    _fat.utime(path, times)
del _i, _rt, namedtuple
` + hide('os'),

  random:
    String.raw`
import _rt, _hal
_r = _rt.real('random')
_r.seed(_hal.random_seed())
seed = _r.seed
getrandbits = _r.getrandbits
randrange = _r.randrange
randint = _r.randint
choice = _r.choice
random = _r.random
uniform = _r.uniform
del _rt
` + hide('random'),

  supervisor:
    String.raw`
import _hal
class _Runtime:
    @property
    def serial_connected(self):
        return True
    @property
    def serial_bytes_available(self):
        return _hal.input_available()
    @property
    def usb_connected(self):
        return False
    @property
    def run_reason(self):
        return RunReason._values[_hal.run_reason()]
    @property
    def autoreload(self):
        return _hal.autoreload_get()
    @autoreload.setter
    def autoreload(self, v):
        _hal.autoreload_set(bool(v))
runtime = _Runtime()
class RunReason:
    STARTUP = 'supervisor.RunReason.STARTUP'
    AUTO_RELOAD = 'supervisor.RunReason.AUTO_RELOAD'
    SUPERVISOR_RELOAD = 'supervisor.RunReason.SUPERVISOR_RELOAD'
    REPL_RELOAD = 'supervisor.RunReason.REPL_RELOAD'
RunReason._values = (RunReason.STARTUP, RunReason.AUTO_RELOAD, RunReason.SUPERVISOR_RELOAD, RunReason.REPL_RELOAD)
def reload():
    _hal.reload()
def set_next_code_file(filename, *, reload_on_success=False, reload_on_error=False, sticky_on_success=False, sticky_on_error=False, sticky_on_reload=False):
    _hal.set_next_code_file(filename)
def ticks_ms():
    return int(_hal.ticks_ms())
def disable_autoreload():
    _hal.autoreload_set(False)
def enable_autoreload():
    _hal.autoreload_set(True)
` + hide('supervisor'),

  storage:
    String.raw`
import _hal
def remount(mount_path, readonly=False, *, disable_concurrent_write_protection=False):
    if mount_path != '/':
        raise OSError(22)
    import _hw
    _hw.check(_hal.remount(bool(readonly)))
def getmount(mount_path):
    import _rt
    for v, p in _rt.real('vfs').mount():
        if p == mount_path:
            return v
    raise OSError(22)
def erase_filesystem():
    _hal.erase_filesystem()
def disable_usb_drive():
    pass
def enable_usb_drive():
    pass
` + hide('storage'),

  microcontroller:
    String.raw`
import _hal
class Pin:
    def __init__(self, name, board_name):
        self._name = name
        self._board = board_name
    def __repr__(self):
        return ('board.' + self._board) if self._board else ('microcontroller.pin.' + self._name)
    def __hash__(self):
        return hash(self._name)
class _PinModule:
    pass
pin = _PinModule()
for _chip, _board in _hal.chip_pins():
    setattr(pin, _chip, Pin(_chip, _board))
class _Processor:
    @property
    def frequency(self):
        return 48000000
    @property
    def temperature(self):
        import _hw
        return float(_hw.check(_hal.cpu_temperature()))
    @property
    def voltage(self):
        import _hw
        return float(_hw.check(_hal.cpu_voltage()))
    @property
    def uid(self):
        return bytearray(_hal.cpu_uid())
cpu = _Processor()
class RunMode:
    NORMAL = 'microcontroller.RunMode.NORMAL'
    SAFE_MODE = 'microcontroller.RunMode.SAFE_MODE'
    UF2 = 'microcontroller.RunMode.UF2'
    BOOTLOADER = 'microcontroller.RunMode.BOOTLOADER'
def on_next_reset(run_mode):
    _hal.on_next_reset(run_mode)
def reset():
    _hal.reset()
def delay_us(delay):
    _hal.sleep(delay / 1000000)
def disable_interrupts():
    pass
def enable_interrupts():
    pass
nvm = bytearray(256)
del _chip, _board
` + hide('microcontroller'),

  rtc:
    String.raw`
import _hal, time
class RTC:
    # The SAMD21 RTC as CircuitPython's rtc module shows it: a calendar starting at 2000-01-01.
    @property
    def datetime(self):
        return time.localtime()
    @datetime.setter
    def datetime(self, t):
        _hal.rtc_set(str(time.mktime(t)))
    @property
    def calibration(self):
        return 0
    @calibration.setter
    def calibration(self, v):
        if not -127 <= v <= 127:
            raise ValueError('calibration value out of range +/-127')
def set_time_source(rtc):
    pass
` + hide('rtc'),

  usb_cdc:
    String.raw`
import _hal
class Serial:
    # usb_cdc.console: the REPL's USB serial, read and written raw.
    def read(self, size=1):
        r = _hal.input_read(size)
        if r is None:
            raise KeyboardInterrupt
        return r.encode()
    def readline(self, size=-1):
        out = b''
        while not out.endswith(b'\n'):
            out += self.read(1)
        return out
    def write(self, buf):
        b = bytes(buf)
        _hal.console_write(b.decode())
        return len(b)
    @property
    def in_waiting(self):
        return _hal.input_available()
    @property
    def out_waiting(self):
        return 0
    @property
    def connected(self):
        return True
    def reset_input_buffer(self):
        while _hal.input_available():
            _hal.input_read(1)
    def reset_output_buffer(self):
        pass
    def flush(self):
        pass
console = Serial()
data = None
def enable(*, console=True, data=False):
    raise RuntimeError('Cannot change USB devices now')
` + hide('usb_cdc'),

  rainbowio:
    String.raw`
def colorwheel(color_number):
    # shared-module/rainbowio: red -> green -> blue -> red over 0..255, wrapping outside that range.
    pos = int(color_number) % 256
    if pos < 85:
        return (255 - pos * 3) << 16 | (pos * 3) << 8
    if pos < 170:
        pos -= 85
        return (255 - pos * 3) << 8 | pos * 3
    pos -= 170
    return (pos * 3) << 16 | (255 - pos * 3)
` + hide('rainbowio'),

  board:
    String.raw`
import _hal, microcontroller as _mc
board_id = _hal.identity()['board_id']
for _board, _chip in _hal.board_pins():
    globals()[_board] = getattr(_mc.pin, _chip)
class _Function:
    # board.I2C() and friends are C functions on the board: they print as <function>.
    def __init__(self, f):
        self._f = f
    def __call__(self):
        return self._f()
    def __repr__(self):
        return '<function>'
_buses = {}
def _singleton(kind, pins):
    # shared-module/board: each default bus is one static object. A call returns it while it is live;
    # after deinit() (or before the first call) the same object is constructed again. A failed
    # construction leaves nothing live, so the next call tries again.
    import busio
    cls = getattr(busio, kind)
    bus = _buses.get(kind)
    if bus is None:
        bus = cls(*pins)
        _buses[kind] = bus
    elif bus._id is None:
        bus.__init__(*pins)
    return bus
def _i2c():
    return _singleton('I2C', (SCL, SDA))
def _spi():
    return _singleton('SPI', (SCK, MOSI, MISO))
def _uart():
    return _singleton('UART', (TX, RX))
I2C = _Function(_i2c)
SPI = _Function(_spi)
UART = _Function(_uart)
del _board, _chip, _hal, _mc
` + hide('board'),
};
