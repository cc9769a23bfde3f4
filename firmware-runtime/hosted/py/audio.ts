/**
 * audiocore (RawSample, WaveFile) and audioio (AudioOut), the Python halves (argument checks and texts of
 * CircuitPython 9's shared-bindings, the WAV header checks of shared-module/audiocore/WaveFile.c) over
 * ../samd21/audioio.ts. A sample's bytes go to the hal when it is played.
 */
const hide = (name: string): string => `\n__name__ = '${name}'\ndel __file__\n`;

export const AUDIOCORE_PY = String.raw`
import _hw, struct
def _typecode(buf):
    if isinstance(buf, (bytes, bytearray)):
        return 'B'
    r = repr(buf) if type(buf).__name__ == 'array' else ''
    return r[7] if r.startswith("array('") else ''
class _Sample(_hw.Owner):
    _key = '_data'
    def _release(self, data):
        pass
    @property
    def sample_rate(self):
        self._ok()
        return self._rate
    @sample_rate.setter
    def sample_rate(self, r):
        self._ok()
        self._rate = r
    @property
    def bits_per_sample(self):
        self._ok()
        return self._bits
    @property
    def channel_count(self):
        self._ok()
        return self._channels
class RawSample(_Sample):
    def __init__(self, buffer, *, channel_count=1, sample_rate=8000, single_buffer=True):
        memoryview(buffer)
        t = _typecode(buffer)
        if t not in ('b', 'B', 'h', 'H'):
            raise ValueError("buffer must be a bytearray or array of type 'h', 'H', 'b', or 'B'")
        size = 2 if t in 'hH' else 1
        if not single_buffer and len(bytes(buffer)) % (size * channel_count * 2) != 0:
            raise ValueError('Length of buffer must be an even multiple of channel_count * type_size')
        self._data = buffer
        self._signed = t in 'bh'
        self._bits = 8 * size
        self._channels = channel_count
        self._rate = sample_rate
        self._single = bool(single_buffer)
    def _play_args(self):
        return ['raw', list(bytes(self._data)), self._bits, self._signed, self._channels, self._rate, self._single, 0]
class WaveFile(_Sample):
    def __init__(self, file, buffer=None):
        if isinstance(file, str):
            file = open(file, 'rb')
        if isinstance(file.read(0), str):
            raise TypeError('file must be a file opened in byte mode')
        size = 0
        if buffer is not None:
            size = len(memoryview(buffer))
            if not 8 <= size <= 1024:
                raise ValueError('buffer length must be 8-1024')
        file.seek(0)
        head = file.read(16)
        if len(head) != 16 or head[0:4] != b'RIFF' or head[8:16] != b'WAVEfmt ':
            raise ValueError('Invalid file')
        n = file.read(4)
        fsize = struct.unpack('<I', n)[0] if len(n) == 4 else 99
        if fsize > 40:
            raise ValueError('Invalid format chunk size')
        fmt = file.read(fsize) + bytes(40)
        audio_format, channels, rate, _, _, bits, extra, valid = struct.unpack('<HHIIHHHH', fmt[:20])
        ext = struct.unpack('<H', fmt[24:26])[0]
        if ((fsize != 40 and audio_format != 1) or channels > 2 or bits > 16 or (fsize == 18 and extra != 0) or
                (fsize == 40 and (audio_format != 0xfffe or ext != 1 or valid != bits))):
            raise ValueError('Unsupported format')
        while True:
            tag = file.read(4)
            if len(tag) != 4:
                raise OSError(5)
            n = file.read(4)
            if len(n) != 4:
                raise OSError(5)
            length = struct.unpack('<I', n)[0]
            if tag == b'data':
                break
            file.seek(length, 1)
        self._data = file.read(length)
        self._file = file
        self._rate = rate
        self._channels = channels
        self._bits = bits
        self._len = size // 2 if size else 256
    def _play_args(self):
        return ['wave', list(self._data), self._bits, self._bits > 8, self._channels, self._rate, False, self._len]
` + hide('audiocore');

export const AUDIOIO_PY = String.raw`
import _hal, _hw
class AudioOut(_hw.Owner):
    _key = '_pin'
    def __init__(self, left_channel, *, right_channel=None, quiescent_value=0x8000):
        _hw.pin_of(left_channel)
        if right_channel is not None:
            _hw.pin_of(right_channel)
            if right_channel is left_channel:
                raise ValueError('left_channel and right_channel must be different')
            raise ValueError('Right channel unsupported')
        _hw.check(_hal.audio_construct(left_channel._name, _hw.name_of(left_channel), quiescent_value))
        self._pin = left_channel
    def _release(self, pin):
        _hal.audio_deinit()
    def play(self, sample, *, loop=False):
        self._ok()
        import audiocore
        if not isinstance(sample, (audiocore.RawSample, audiocore.WaveFile)):
            raise TypeError('sample must be of type RawSample or WaveFile, not %s' % type(sample).__name__)
        sample._ok()
        a = sample._play_args()
        _hw.check(_hal.audio_play(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], bool(loop)))
    def stop(self):
        self._ok()
        _hw.check(_hal.audio_stop())
    def pause(self):
        self._ok()
        if not _hw.check(_hal.audio_playing()):
            raise RuntimeError('Not playing')
        _hw.check(_hal.audio_pause())
    def resume(self):
        self._ok()
        if _hw.check(_hal.audio_paused()):
            _hw.check(_hal.audio_resume())
    @property
    def playing(self):
        self._ok()
        return _hw.check(_hal.audio_playing())
    @property
    def paused(self):
        self._ok()
        return _hw.check(_hal.audio_paused())
` + hide('audioio');
