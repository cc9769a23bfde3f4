/**
 * The hardware modules added for issue 9 (busio.SPI/UART, analogio.AnalogOut, pwmio frequency changes,
 * pulseio, audioio/audiocore) run the same code.py on both engines: CircuitPython 9.2.9 on the emulated CPU
 * and the hosted engine. The transcripts (auto-reload line to "Press any key") must be byte-identical.
 * With $CIRCUITEMU_FIRMWARE_DIR/circuitpython-cpx.uf2 the firmware runs live (and must still give the
 * transcript recorded in recorded/modules/); without it (CI) the hosted engine is held to the recording.
 * CIRCUITEMU_RECORD=1 rewrites the recordings from the live firmware.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { firmwareRun, haveFirmware, runBlock } from './firmware-run.js';
import { runCode } from './harness.js';
import { wav } from './wav.js';

if (!haveFirmware) console.log('tests/hosted/modules-firmware.test.ts: no firmware (CIRCUITEMU_FIRMWARE_DIR): comparing with the recorded transcripts');
const RECORDED = join(import.meta.dirname, 'recorded', 'modules');

const tryPrint = (stmt: string, kind = 'ValueError') => `try:\n    ${stmt}\nexcept ${kind} as e:\n    print('${kind}:', e)\n`;

export const MODULE_PROGRAMS: Record<string, string> = {
  spi:
    'import board, busio\nspi = busio.SPI(board.SCK, board.MOSI, board.MISO)\n' +
    tryPrint('spi.write(b"x")', 'RuntimeError') +
    'print(spi.try_lock(), spi.try_lock())\nspi.configure(baudrate=4000000)\nprint(spi.frequency)\n' +
    'spi.configure(baudrate=3000000, polarity=1, phase=1)\nprint(spi.frequency)\n' +
    'buf = bytearray(4)\nspi.readinto(buf, write_value=0x55)\nprint(buf)\nspi.write_readinto(b"abcd", buf)\nprint(buf)\n' +
    tryPrint('spi.write_readinto(b"abc", buf)') + tryPrint('spi.configure(bits=7)') + tryPrint('busio.SPI(board.MOSI)') +
    'spi.unlock()\nspi.deinit()\nprint(spi.try_lock())\n' + tryPrint('busio.SPI(board.MOSI, board.SCK)') +
    tryPrint('busio.SPI(board.SCK, board.MOSI, half_duplex=True)', 'NotImplementedError') +
    's = board.SPI()\nprint(type(s).__name__)\ns.deinit()\n',
  uart:
    'import board, busio\nu = busio.UART(board.TX, None, baudrate=115200)\nprint(u.write(b"hi"), u.baudrate)\n' +
    tryPrint('u.read(1)') + 'u.deinit()\n' +
    "for kw in ({'receiver_buffer_size': 100}, {'bits': 9}, {'bits': 4}, {'stop': 3}, {'timeout': 101}):\n" +
    '    try:\n        busio.UART(board.TX, board.RX, **kw)\n    except ValueError as e:\n        print("ValueError:", e)\n' +
    'u = busio.UART(board.TX, board.RX, timeout=0)\nprint(u.read(4), u.readline(), u.readinto(bytearray(3)), u.in_waiting, u.baudrate)\n' +
    'u.baudrate = 19200\nprint(u.baudrate)\nu.reset_input_buffer()\n' + tryPrint('busio.UART(board.TX, board.RX)') +
    'u.deinit()\n' + tryPrint('busio.UART(board.A1, board.A2)') + 'print(busio.UART.Parity.ODD, busio.UART.Parity.EVEN)\n',
  analogout:
    'import analogio, board\n' + tryPrint('analogio.AnalogOut(board.A1)') + 'dac = analogio.AnalogOut(board.A0)\n' +
    tryPrint('analogio.AnalogOut(board.A0)') + 'dac.value = 32768\n' + tryPrint('dac.value = 65536') + tryPrint('dac.value = -1') +
    tryPrint('print(dac.value)', 'AttributeError') + 'dac.deinit()\n' + tryPrint('dac.value = 1') +
    'with analogio.AnalogOut(board.A0) as d:\n    d.value = 1\nprint("ok")\n',
  pwmfrequency:
    'import board, pwmio\np = pwmio.PWMOut(board.LED, frequency=1000, duty_cycle=32768, variable_frequency=True)\n' +
    'for f in (440, 7, 20000, 123456, 1000):\n    p.frequency = f\n    print(f, p.frequency, p.duty_cycle)\n' +
    'p.duty_cycle = 1000\np.frequency = 50\nprint(p.frequency, p.duty_cycle)\n' +
    tryPrint('p.frequency = 0') + tryPrint('p.frequency = 30000000') +
    'q = pwmio.PWMOut(board.A6, frequency=300, duty_cycle=100, variable_frequency=True)\nq.frequency = 5000\nprint(q.frequency, q.duty_cycle)\n' +
    'r = pwmio.PWMOut(board.A1, frequency=500)\n' + tryPrint('r.frequency = 600', 'AttributeError') +
    tryPrint('pwmio.PWMOut(board.A2, frequency=0)') + tryPrint('pwmio.PWMOut(board.A3, frequency=30000000, variable_frequency=True)'),
  pulseio:
    'import array, board, pulseio, time\np = pulseio.PulseIn(board.IR_RX, maxlen=10, idle_state=True)\n' +
    'print(len(p), p.maxlen, p.paused, bool(p))\n' + tryPrint('p.popleft()', 'IndexError') + tryPrint('p[0]', 'IndexError') +
    tryPrint('p[0] = 1', 'IndexError') + tryPrint('p[0:1]', 'NotImplementedError') +
    'p.pause()\nprint(p.paused)\np.resume()\nprint(p.paused)\np.clear()\n' + tryPrint('pulseio.PulseIn(board.MICROPHONE_DATA)') +
    tryPrint('pulseio.PulseIn(board.IR_RX)') +
    'o = pulseio.PulseOut(board.IR_TX, frequency=38000)\no.send(array.array("H", [1000, 500, 1000]))\n' +
    tryPrint('o.send(array.array("B", [1, 2]))', 'TypeError') + tryPrint('o.send([1, 2])', 'TypeError') +
    'o.deinit()\np.deinit()\n' + tryPrint('p.popleft()') + 'print(type(pulseio.PulseOut(board.IR_TX)).__name__)\n',
  audio:
    'import array, audiocore, audioio, board, time\n' +
    'w = audiocore.WaveFile(open("t.wav", "rb"))\nprint(w.sample_rate, w.bits_per_sample, w.channel_count)\n' +
    "r = audiocore.RawSample(array.array('h', [0, 1000, -1000, 0] * 10), sample_rate=16000)\nprint(r.sample_rate, r.bits_per_sample, r.channel_count)\n" +
    "b = audiocore.RawSample(bytearray([0, 128, 255]), channel_count=1)\nprint(b.bits_per_sample, b.sample_rate)\n" +
    tryPrint("audiocore.RawSample(array.array('i', [1]))") + tryPrint("audiocore.RawSample(bytearray(3), single_buffer=False)") +
    tryPrint('audiocore.WaveFile(open("code.py", "rb"))') + tryPrint('audiocore.WaveFile(open("t.wav", "r"))', 'TypeError') +
    tryPrint('audioio.AudioOut(board.A1)') + 'a = audioio.AudioOut(board.SPEAKER)\n' + tryPrint('a.pause()', 'RuntimeError') +
    'a.play(r, loop=True)\ntime.sleep(0.05)\nprint(a.playing, a.paused)\na.pause()\nprint(a.paused)\na.resume()\nprint(a.paused)\na.stop()\nprint(a.playing)\n' +
    'a.play(b)\ntime.sleep(0.1)\nprint("single buffer, no loop:", a.playing)\na.stop()\n' +
    'a.play(w)\nprint(a.playing)\nwhile a.playing:\n    time.sleep(0.01)\nprint("wave done", a.playing)\n' +
    'a.deinit()\n' + tryPrint('a.play(r)') + 'with audioio.AudioOut(board.A0) as x:\n    print(type(x).__name__)\n',
  spidevice:
    'import board, busio, digitalio\n' +
    'from adafruit_bus_device.spi_device import SPIDevice\n' +
    'spi = busio.SPI(board.SCK, board.MOSI, board.MISO)\n' +
    'cs = digitalio.DigitalInOut(board.A5)\n' +
    'd = SPIDevice(spi, cs, baudrate=1000000, extra_clocks=16)\n' +
    'print(cs.value, hasattr(d, \'baudrate\'))\n' +
    'with d as s:\n' +
    '    print(cs.value, s.frequency)\n' +
    '    buf = bytearray(2)\n' +
    '    s.readinto(buf)\n' +
    '    print(buf)\n' +
    'print(cs.value, spi.try_lock())\n' +
    'try:\n' +
    '    SPIDevice(spi, 5)\n' +
    'except TypeError as e:\n' +
    '    print(\'TypeError:\', e)\n',
  boardbuses:
    // board.SPI()/UART()/I2C(): one static object each (shared-module/board); deinit, then the same object
    // is constructed again; a user's bus on the same pins and the singleton exclude each other.
    'import board, busio\ns1 = board.SPI()\ns2 = board.SPI()\nprint(s1 is s2, type(s1).__name__, s1.frequency)\n' +
    's1.deinit()\ns3 = board.SPI()\nprint(s3 is s1, s3.frequency, s1.try_lock())\ns1.unlock()\n' +
    tryPrint('busio.SPI(board.SCK, board.MOSI)') + 's3.deinit()\nx = busio.SPI(board.SCK, board.MOSI, board.MISO)\n' +
    tryPrint('board.SPI()') + 'x.deinit()\nprint(board.SPI() is s1)\n' +
    'u1 = board.UART()\nu2 = board.UART()\nprint(u1 is u2, u1.baudrate, u1.timeout)\nu1.deinit()\nu3 = board.UART()\nprint(u3 is u1, u3.write(b"x"))\n' +
    tryPrint('busio.UART(board.TX, board.RX)') +
    'for i in range(2):\n' + '    try:\n        board.I2C()\n    except RuntimeError as e:\n        print("RuntimeError:", e)\n' +
    'print(board.I2C, board.SPI, board.UART)\n',
  uartoptions:
    // What 9.2.9's SAMD21 UART accepts: timeout on the board's 30-bit floats (timeout_ms truncated), the
    // baud rate as given, RTS on PAD2 / CTS on PAD3 (TXPO 2), RS485 refused, the binding's argument order.
    'import board, busio\n' +
    'def tryu(*a, **k):\n    try:\n        v = busio.UART(*a, **k)\n        print("ok", v.baudrate, v.timeout)\n        v.deinit()\n' +
    '    except Exception as e:\n        print(type(e).__name__, e)\n' +
    'for t in (0, 0.1, 0.0015, 1, 2.5, 100, 100.9, 0.001, 0.3333, 7.77, 100.999, True):\n    tryu(board.TX, board.RX, timeout=t)\n' +
    "for t in (-1, 101, 'x', None, []):\n    tryu(board.TX, board.RX, timeout=t)\n" +
    'v = busio.UART(board.TX, board.RX, timeout=-0.5)\nprint(v.timeout > 4e6)\nv.deinit()\n' +
    'u = busio.UART(board.TX, board.RX)\n' +
    'for t in (0.25, 101, -2, 3, 0.05):\n    try:\n        u.timeout = t\n        print(u.timeout)\n    except ValueError as e:\n        print("ValueError:", e)\n' +
    "for b in (115201, 1, 0, -1, 3000000, 12345678, 2**31, 9600.0, '9600'):\n    try:\n        u.baudrate = b\n        print(b, u.baudrate)\n" +
    '    except Exception as e:\n        print(type(e).__name__, e)\n' +
    tryPrint('busio.UART(board.TX, board.RX, timeout=5)') + 'u.deinit()\n' +
    'for b in (0, 1, 2**31, 2.5, True):\n    tryu(board.TX, board.RX, baudrate=b)\n' +
    'tryu(board.IR_PROXIMITY, board.A1, rts=board.A2, cts=board.A3)\ntryu(board.IR_PROXIMITY, board.A1, rts=board.A2)\n' +
    'tryu(board.IR_PROXIMITY, board.A1, cts=board.A3)\ntryu(board.IR_PROXIMITY, None, rts=board.A2)\n' +
    'tryu(board.TX, board.RX, rts=board.A2)\ntryu(board.TX, board.RX, cts=board.A3)\ntryu(board.A2, board.A1, rts=board.A3)\n' +
    'tryu(board.IR_PROXIMITY, board.A3, cts=board.A2)\ntryu(board.IR_PROXIMITY, board.A1, rts=board.A1)\n' +
    'tryu(None, board.A1, rts=board.A2)\ntryu(None, board.A1, cts=board.A3)\ntryu(board.TX, board.RX, rs485_dir=board.A2)\n' +
    'tryu(board.TX, board.RX, rs485_invert=True)\ntryu(board.TX, board.RX, rts=5)\ntryu(board.TX, board.RX, bits=9)\n' +
    'tryu(board.TX, board.RX, bits=9, rs485_invert=True)\ntryu(board.TX, board.RX, stop=3, timeout=500)\n' +
    'h = busio.UART(board.IR_PROXIMITY, board.A1, rts=board.A2, cts=board.A3)\n' +
    'for p in ("A2", "A3"):\n    try:\n        busio.UART(board.TX, board.RX, rts=getattr(board, p))\n    except ValueError as e:\n        print("ValueError:", e)\n' +
    'h.deinit()\n',
  spi9:
    // configure(bits=9) on the SAMD21: CHSIZE 9-bit characters; each byte goes out as one character.
    'import board, busio\nspi = busio.SPI(board.SCK, board.MOSI, board.MISO)\nspi.try_lock()\n' +
    'spi.configure(baudrate=1000000, bits=9)\nprint(spi.frequency)\nb = bytearray(3)\nspi.write(b"\\x01\\x02")\n' +
    'spi.readinto(b, write_value=0x1ff)\nprint(b)\nspi.write_readinto(b"abc", b)\nprint(b)\nbig = bytearray(20)\nspi.readinto(big)\nprint(big)\n' +
    "for bits in (7, 10):\n    try:\n        spi.configure(bits=bits)\n    except ValueError as e:\n        print('ValueError:', e)\n" +
    'spi.configure(baudrate=1000000, bits=8)\nprint(spi.frequency)\n',
  pdmin:
    // audiobusio.PDMIn on the CPX microphone (silent: every sample is half the filter's sum), the binding's
    // checks and texts. One construction that succeeds and none that fails inside the port's construct: a
    // half-made PDMIn's finaliser (deinit) then disables GCLK generator 0 and the firmware hangs (9.2.9,
    // also on this project's firmware engine), as does constructing one again after deinit() here.
    'import array, audiobusio, board\n' +
    "for kw in ({'bit_depth': 12}, {'oversample': 60}, {'startup_delay': 2}):\n" +
    '    try:\n        audiobusio.PDMIn(board.MICROPHONE_CLOCK, board.MICROPHONE_DATA, **kw)\n    except Exception as e:\n        print(type(e).__name__, e)\n' +
    tryPrint('audiobusio.PDMIn(5, board.A1)', 'TypeError') +
    'm = audiobusio.PDMIn(board.MICROPHONE_CLOCK, board.MICROPHONE_DATA, sample_rate=16000, bit_depth=16)\n' +
    'print(m.sample_rate)\n' + tryPrint('audiobusio.PDMIn(board.MICROPHONE_CLOCK, board.MICROPHONE_DATA)') +
    "b = array.array('H', [0] * 100)\nprint(m.record(b, 100), min(b), max(b), b[0])\n" +
    'print(m.record(b, 3), m.record([0] * 4, 4))\n' +
    "for args in ((b, 101), (bytearray(8), 8), (array.array('h', [0] * 8), 8), (b, 1.5)):\n" +
    '    try:\n        m.record(*args)\n    except Exception as e:\n        print(type(e).__name__, e)\n' +
    'print(dir(audiobusio))\nm.deinit()\n' + tryPrint('m.record(b, 1)') + tryPrint('m.sample_rate'),
  os:
    // os on the SAMD21 builds: getenv raises NotImplementedError whatever settings.toml holds; utime stamps
    // with the tuple's first element, wrapping as the firmware's 32-bit calendar code does, even though
    // CIRCUITPY is read-only to code.py; stat's mtime counts from 1970; dir() lists in qstr pool order.
    "import os\n" + tryPrint("os.getenv('S', 'dflt')", 'NotImplementedError') +
    "print(os.stat('code.py')[7:], os.stat('/')[7:], os.stat('settings.toml')[0])\n" +
    "for t in (1700000000, 946684801, 315532800, 0, -1, 2**31 - 1):\n    os.utime('settings.toml', (t, 5))\n    print(t, os.stat('settings.toml')[8])\n" +
    tryPrint("os.utime('settings.toml', (2**31, 0))", 'OverflowError') + tryPrint("os.utime('settings.toml', [1, 2])", 'TypeError') +
    tryPrint("os.utime('settings.toml', (1, 2, 3))") + tryPrint("os.utime('settings.toml', (1.5, 2))", 'TypeError') +
    tryPrint("os.utime('nope.py', (1, 2))", 'OSError') + 'print(dir(os))\n',
};

/** Extra files a program needs on CIRCUITPY. */
const FILES: Record<string, Record<string, Uint8Array>> = {
  os: { 'settings.toml': new TextEncoder().encode('S = "text"\n') },
  audio: { 't.wav': wav(Array.from({ length: 3000 }, (_, i) => ((i * 331) % 50000) - 25000), 22050, 16) },
};

describe('hosted engine = firmware engine: issue 9 hardware modules (CircuitPython 9.2.9, CPX)', () => {
  for (const [name, code] of Object.entries(MODULE_PROGRAMS)) {
    it(`${name}: identical transcript`, { timeout: 300_000 }, async () => {
      const files = { 'code.py': code, ...FILES[name] };
      const recordedFile = join(RECORDED, `${name}.txt`);
      const [fw, hosted] = await Promise.all([haveFirmware ? firmwareRun(files) : Promise.resolve(null), runCode(files)]);
      const live = fw === null ? null : runBlock(fw, true);
      if (live !== null && process.env.CIRCUITEMU_RECORD) {
        mkdirSync(RECORDED, { recursive: true });
        writeFileSync(recordedFile, live, 'latin1');
      }
      const recorded = existsSync(recordedFile) ? readFileSync(recordedFile, 'latin1') : null;
      if (live !== null) expect(runBlock(hosted, false)).toBe(live);
      expect(recorded, `no recording ${recordedFile} (run with CIRCUITEMU_FIRMWARE_DIR and CIRCUITEMU_RECORD=1)`).not.toBeNull();
      expect(runBlock(hosted, false)).toBe(recorded);
    });
  }
});
