/**
 * CircuitPython 9.x on every SAMD21 board whose firmware is in $CIRCUITEMU_FIRMWARE_DIR
 * (circuitpython-<board>.uf2, CircuitPython's own board names; see DEVELOPERS.md): the unmodified
 * firmware boots, formats CIRCUITPY on the board's storage, runs code.py from the drive, and the
 * board's status pixel (NeoPixel or DotStar) or LED shows what code.py set. Skipped, with a
 * message, without the firmware.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Samd21Board, Samd21PartSpec, TouchPads } from '../../boards/samd21-board.js';
import type { Ws2812bChain } from '../../peripherals/devices/ws2812b.js';
import type { Apa102Chain } from '../../peripherals/devices/apa102.js';
import { connectConsole, showRun } from '../../emulator/console.js';
import { copyDirectoryToDrive, openDrive } from '../../emulator/drive.js';
import { createBoard, loadFirmware } from '../../emulator/run.js';
import { RunLoop } from '../../emulator/runner.js';
import { readDriveText, writeDriveFile } from '../../firmware-runtime/fs/drive.js';
import { RegionBlockDevice } from '../../firmware-runtime/fs/block-device.js';
import { mkfs, mount } from '../../firmware-runtime/fs/fat.js';
import type { SdCard } from '../../peripherals/devices/sd-card.js';
import type { BluefruitLeSpi } from '../../peripherals/devices/bluefruit-le-spi.js';
import type { Led } from '../../peripherals/devices/led.js';
import type { PushButton } from '../../peripherals/devices/push-button.js';
import type { Lis3dh } from '../../peripherals/devices/lis3dh.js';
import { necDecode, necEncode, type IrLed, type IrReceiver } from '../../peripherals/devices/infrared.js';
import type { UsbUartBridge } from '../../peripherals/devices/usb-uart-bridge.js';

const dir = process.env.CIRCUITEMU_FIRMWARE_DIR;
const uf2 = (board: string) => (dir ? join(dir, `circuitpython-${board}.uf2`) : '');

/** code.py for a board with a NeoPixel: one pixel, GRB on the wire. */
const NEOPIXEL_CODE = [
  'import board, neopixel_write, digitalio',
  'pin = digitalio.DigitalInOut(board.NEOPIXEL)',
  'pin.direction = digitalio.Direction.OUTPUT',
  'neopixel_write.neopixel_write(pin, bytearray([0x10, 0x20, 0x30]))',
  'print("pixel set on", board.board_id)',
  '',
].join('\n');

/** One DotStar update: start frame, LED frame (brightness 5; blue 0x30, green 0x20, red 0x10), end frame. */
const DOTSTAR_FRAME = '[0, 0, 0, 0, 0xE5, 0x30, 0x20, 0x10, 0xFF, 0xFF, 0xFF, 0xFF]';

/** code.py for a DotStar board, through the SERCOM (busio.SPI on the DotStar pins, as adafruit_dotstar does). */
const DOTSTAR_SPI_CODE = [
  'import board, busio',
  'spi = busio.SPI(board.DOTSTAR_CLOCK, MOSI=board.DOTSTAR_DATA)',
  'while not spi.try_lock():',
  '    pass',
  'spi.configure(baudrate=1000000)',
  `spi.write(bytes(${DOTSTAR_FRAME}))`,
  'spi.unlock()',
  'print("dotstar set on", board.board_id)',
  '',
].join('\n');

/** code.py for a DotStar board, bit-banged with digitalio (adafruit_dotstar's fallback path). */
const DOTSTAR_BITBANG_CODE = [
  'import board, digitalio',
  'data = digitalio.DigitalInOut(board.DOTSTAR_DATA)',
  'data.switch_to_output()',
  'clock = digitalio.DigitalInOut(board.DOTSTAR_CLOCK)',
  'clock.switch_to_output()',
  `for byte in ${DOTSTAR_FRAME}:`,
  '    for i in range(7, -1, -1):',
  '        data.value = (byte >> i) & 1',
  '        clock.value = True',
  '        clock.value = False',
  'print("dotstar set on", board.board_id)',
  '',
].join('\n');

interface BoardCase {
  board: string;
  /** The CircuitPython build the board runs, when it has none of its own (default: `board`). */
  firmware?: string;
  /** CircuitPython's board_id of that build, when it is not the build's name (default: `firmware ?? board`). */
  boardId?: string;
  /** Its MICROPY_HW_BOARD_NAME (the REPL banner), when it is not the board's title. */
  boardName?: string;
  code: string;
  /** Other files put on CIRCUITPY before boot (boot.py); a path ending in '/' is a directory. */
  files?: Record<string, string>;
  /** Parts the user wires to the board (createBoard's `parts`). */
  parts?: readonly Samd21PartSpec[];
  /** code.py keeps running after its last line (the test stops it with Ctrl-C). */
  loops?: boolean;
  /** Wires the host side of the board's parts before boot. */
  setup?: (b: Samd21Board) => void;
  /** Libraries (compiled .mpy files or folders) copied from $CIRCUITEMU_FIRMWARE_DIR/lib to CIRCUITPY's /lib. */
  libs?: string[];
  /** What code.py must have printed before its final line. */
  output?: string;
  /** What code.py must have made visible (`output`: the console text of its run). */
  check: (b: Samd21Board, output: string) => void;
  /** What CircuitPython's own status indicator shows at the REPL, if the board has one to check. */
  replCheck?: (b: Samd21Board) => void;
}

const neopixel = (board: string, part: string): BoardCase => ({
  board,
  code: NEOPIXEL_CODE,
  check: (b) => {
    // 0x10 green, 0x20 red, 0x30 blue, into the first pixel of the chain.
    expect((b.parts[part] as Ws2812bChain).rgb()[0]).toBe(0x201030);
  },
});

const dotstar = (board: string, code: string): BoardCase => ({
  board,
  code,
  check: (b) => {
    const chain = b.parts.dotstar as Apa102Chain;
    expect(chain.pixel(0)).toEqual({ r: 0x10, g: 0x20, b: 0x30, brightness: 5 });
    expect(chain.errors, chain.lastError).toBe(0);
  },
  replCheck: (b) => {
    // The supervisor's status DotStar (its own busio.SPI on SERCOM1, header byte 0xFF) shows
    // REPL_RUNNING = WHITE = 0x30 per channel at rgb_status_brightness 50/255: 9 (status_leds.c).
    expect((b.parts.dotstar as Apa102Chain).pixel(0)).toEqual({ r: 9, g: 9, b: 9, brightness: 31 });
  },
});

/** boot.py that lets code.py write CIRCUITPY (the host then sees it read-only, as on a real board). */
const WRITABLE_BOOT = 'import storage\nstorage.remount("/", readonly=False)\n';

/**
 * A board with only an LED: code.py writes a file to CIRCUITPY (through the board's storage: on
 * internal-flash boards the NVMCTRL row erase / page write path) and lights D13; the host reads
 * the file back from the flash bytes.
 */
const ledAndFile = (board: string, led: string): BoardCase => ({
  board,
  files: { '/boot.py': WRITABLE_BOOT },
  code: [
    'import board, digitalio',
    'with open("/hello.txt", "w") as f:',
    '    f.write("written by code.py on " + board.board_id)',
    'led = digitalio.DigitalInOut(board.LED)',
    'led.switch_to_output(True)',
    'print("led set on", board.board_id)',
    '',
  ].join('\n'),
  check: (b) => expect((b.parts[led] as Led).lit).toBe(true),
  // Read later, at the REPL: the last page write (NVMCTRL, 2.5 ms) may still run when code.py prints.
  replCheck: (b) => expect(readDriveText(openDrive(b, { format: false }).volume, '/hello.txt')).toBe(`written by code.py on ${b.name}`),
});

/**
 * The Arduino Zero's EDBG virtual COM port (SERCOM5: PB22 TX, PB23 RX): code.py says "ready" on it,
 * the host answers "ping!", code.py echoes what it read; D13 lights.
 */
const EDBG: BoardCase = {
  board: 'arduino_zero',
  code: [
    'import board, busio, digitalio, microcontroller',
    'uart = busio.UART(microcontroller.pin.PB22, microcontroller.pin.PB23, baudrate=115200, timeout=2)',
    'uart.write(b"ready\\r\\n")',
    'got = uart.read(5)',
    'uart.write(b"got " + (got or b"nothing") + b"\\r\\n")',
    'led = digitalio.DigitalInOut(board.LED)',
    'led.switch_to_output(True)',
    'print("edbg set on", board.board_id)',
    '',
  ].join('\n'),
  setup: (b) => {
    const edbg = b.parts.edbg as UsbUartBridge;
    let seen = '';
    edbg.onData((bytes) => {
      seen += new TextDecoder().decode(bytes);
      if (seen.endsWith('ready\r\n')) edbg.write(new TextEncoder().encode('ping!'));
    });
  },
  check: (b) => {
    expect((b.parts.ledL as Led).lit).toBe(true);
    expect((b.parts.edbg as UsbUartBridge).text()).toContain('ready\r\ngot ping!\r\n');
  },
};

/**
 * The Feather M0 Adalogger's microSD slot: the host inserts a FAT card image with a file; code.py
 * (adafruit_sdcard over busio.SPI on SERCOM4, as CircuitPython 9's SAMD21 builds have no sdcardio)
 * mounts it with storage.mount, reads the host's file, writes its own; the host reads that back.
 */
const SD_IMAGE_BYTES = 2 * 1024 * 1024;
const ADALOGGER: BoardCase = {
  board: 'feather_m0_adalogger',
  libs: ['adafruit_sdcard.mpy', 'adafruit_bus_device'],
  output: 'card says hello from the host\r\n',
  files: { '/sd/': '' }, // storage.mount needs its mount point on CIRCUITPY (made by the user over USB)
  code: [
    'import board, busio, digitalio, storage, adafruit_sdcard',
    'spi = busio.SPI(board.SCK, board.MOSI, board.MISO)',
    'cs = digitalio.DigitalInOut(board.SD_CS)',
    'sd = adafruit_sdcard.SDCard(spi, cs)',
    'storage.mount(storage.VfsFat(sd), "/sd")',
    'with open("/sd/host.txt") as f:',
    '    print("card says", f.read())',
    'with open("/sd/log.txt", "w") as f:',
    '    f.write("logged by code.py, %d blocks" % sd.count())',
    'storage.umount("/sd")',
    'led = digitalio.DigitalInOut(board.LED)',
    'led.switch_to_output(True)',
    'print("sd set on", board.board_id)',
    '',
  ].join('\n'),
  setup: (b) => {
    const image = new Uint8Array(SD_IMAGE_BYTES);
    const dev = new RegionBlockDevice(image);
    mkfs(dev);
    mount(dev).writeFile('/host.txt', 'hello from the host');
    (b.parts.sd as SdCard).insert(image);
  },
  check: (b) => {
    const card = b.parts.sd as SdCard;
    expect((b.parts.redLed as Led).lit).toBe(true);
    expect(card.dirty).toBe(true);
    const log = readDriveText(mount(new RegionBlockDevice(card.data!)), '/log.txt');
    expect(log).toBe(`logged by code.py, ${SD_IMAGE_BYTES / 512} blocks`);
  },
};

/**
 * The Feather M0 Bluefruit LE, running CircuitPython's feather_m0_adalogger build (the basic build
 * hides the module's pads): code.py drives the nRF51 module as adafruit_bluefruitspi's example
 * does (SDEP over SERCOM4 SPI, CS D8 = PA06, IRQ D7 = PA21, RST D4 = PA08):
 * initialise, ATI, set the device name, send over BLE UART to a connected central.
 */
const BLUEFRUIT: BoardCase = {
  board: 'feather_m0_bluefruit_le',
  firmware: 'feather_m0_adalogger',
  boardName: 'Adafruit Feather M0 Adalogger',
  libs: ['adafruit_bluefruitspi.mpy', 'adafruit_bus_device'],
  files: {
    // The library imports binascii (absent from this build) or adafruit_binascii; hexlify is all it
    // uses, and only for keyboard codes. Our stand-in, so the import succeeds.
    '/lib/adafruit_binascii.py': 'def hexlify(data):\n    return "".join("%02x" % b for b in data).encode()\n',
  },
  code: [
    'import board, busio, digitalio',
    'from adafruit_bluefruitspi import BluefruitSPI',
    'spi = busio.SPI(board.SCK, MOSI=board.MOSI, MISO=board.MISO)',
    'cs = digitalio.DigitalInOut(board.D8)',
    'irq = digitalio.DigitalInOut(board.D7)',
    'rst = digitalio.DigitalInOut(board.D4)',
    'ble = BluefruitSPI(spi, cs, irq, rst)',
    'ble.init()',
    'print("ATI:", str(ble.command_check_OK(b"ATI"), "utf-8").split()[0])',
    'ble.command_check_OK(b"AT+GAPDEVNAME=Emulated")',
    'print("connected:", ble.connected)',
    'ble.uart_tx(b"hello central")',
    'led = digitalio.DigitalInOut(board.LED)',
    'led.switch_to_output(True)',
    'print("ble set on", board.board_id)',
    '',
  ].join('\n'),
  output: 'ATI: BLESPIFRIEND\r\nconnected: True\r\n',
  setup: (b) => (b.parts.ble as BluefruitLeSpi).central.connect(),
  check: (b) => {
    const ble = b.parts.ble as BluefruitLeSpi;
    expect((b.parts.redLed as Led).lit).toBe(true);
    expect(ble.deviceName).toBe('Emulated');
    expect(new TextDecoder().decode(Uint8Array.from(ble.central.received))).toContain('hello central');
  },
};

/**
 * Parts a user wires to a Feather M0 Express: a knob on A1 read with analogio, a button on D6 read
 * with digitalio (pull-up; pressed = low), an LED on D5 driven by pwmio at 1 kHz, 25 % duty, and a
 * LIS3DH breakout at 0x18 on the Feather's I2C pads (SERCOM3) read with adafruit_lis3dh.
 */
const USER_PARTS: BoardCase = {
  board: 'feather_m0_express',
  parts: [
    { id: 'knob', type: 'potentiometer', wiper: 'PB08', position: 0.25 },
    { id: 'button', type: 'button', pin: 'PA20', activeLevel: 0, externalPull: 'none' },
    { id: 'userLed', type: 'led', anode: 'PA15', color: 'green' },
    { id: 'imu', type: 'lis3dh', i2c: { sercom: 3, sda: 'PA22', scl: 'PA23', pullUpOhms: 10_000 }, address: 0x18, int1: 'PA21' },
  ],
  libs: ['adafruit_lis3dh.mpy', 'adafruit_bus_device'],
  loops: true,
  code: [
    'import board, analogio, digitalio, pwmio, time',
    'knob = analogio.AnalogIn(board.A1)',
    'button = digitalio.DigitalInOut(board.D6)',
    'button.pull = digitalio.Pull.UP',
    'pwm = pwmio.PWMOut(board.D5, frequency=1000, duty_cycle=16384)',
    'print("knob", knob.value, "button", button.value)',
    'import adafruit_lis3dh',
    'imu = adafruit_lis3dh.LIS3DH_I2C(board.I2C(), address=0x18)',
    'print("tilt %.2f %.2f %.2f" % tuple(imu.acceleration))',
    'print("parts set on", board.board_id)',
    'while True:',
    '    time.sleep(1)',
    '',
  ].join('\n'),
  setup: (b) => {
    (b.parts.button as PushButton).press();
    (b.parts.imu as Lis3dh).setAcceleration(0, 4.9, 8.5);
  },
  check: (b, output) => {
    const tilt = (/tilt (\S+) (\S+) (\S+)/.exec(output) ?? []).slice(1).map(Number);
    expect(tilt).toHaveLength(3);
    [0, 4.9, 8.5].forEach((g, i) => expect(Math.abs(tilt[i] - g)).toBeLessThan(0.1));
    const [, knob, button] = /knob (\d+) button (\w+)/.exec(output) ?? [];
    // 0.25 x 3.3 V against the 3.3 V reference, 16-bit scale: 16384, within the ADC's gain and offset.
    expect(Math.abs(Number(knob) - 16384)).toBeLessThan(400);
    expect(button).toBe('False');
    const led = b.parts.userLed as Led;
    const s = b.machine.scheduler;
    led.dutySince(s.cycles);
    b.machine.runFor(0.02); // 20 periods
    expect(led.dutySince(s.cycles)).toBeCloseTo(0.25, 2);
  },
};

/**
 * The CPX's infrared pair: code.py sends an NEC code with pulseio.PulseOut on REMOTEOUT (38 kHz
 * carrier); the host decodes what the IR LED emitted and answers with another NEC code into the
 * IR receiver, which code.py records with pulseio.PulseIn on REMOTEIN (EIC edges timed by a TC)
 * and decodes itself.
 */
const IR: BoardCase = {
  board: 'cpx',
  boardId: 'circuitplayground_express',
  boardName: 'Adafruit CircuitPlayground Express',
  code: [
    'import array, board, pulseio, time',
    'def nec(address, command):',
    '    p = [9000, 4500]',
    '    for byte in (address, address ^ 0xFF, command, command ^ 0xFF):',
    '        for i in range(8):',
    '            p += [562, 1687 if byte >> i & 1 else 562]',
    '    return array.array("H", p + [562])',
    'pin_in = pulseio.PulseIn(board.REMOTEIN, maxlen=100, idle_state=True)',
    'out = pulseio.PulseOut(board.REMOTEOUT, frequency=38000, duty_cycle=2 ** 15)',
    'out.send(nec(0x10, 0x22))',
    'start = time.monotonic()',
    'while len(pin_in) < 67 and time.monotonic() - start < 2:',
    '    pass',
    'got = [pin_in[i] for i in range(len(pin_in))]',
    'bits = [1 if got[3 + 2 * i] > 1000 else 0 for i in range(32)] if len(got) >= 67 else []',
    'value = sum(b << i for i, b in enumerate(bits))',
    'print("received", len(got), "pulses, address", value & 0xFF, "command", value >> 16 & 0xFF)',
    'print("ir set on", board.board_id)',
    '',
  ].join('\n'),
  setup: (b) => {
    const led = b.parts.irLed as IrLed;
    // Answer once the board's transmission has ended (a remote replying to it).
    led.onTrain(() => (b.parts.irReceiver as IrReceiver).receive(necEncode(0x07, 0x45)));
  },
  output: 'received 67 pulses, address 7 command 69\r\n',
  check: (b) => {
    const led = b.parts.irLed as IrLed;
    expect(led.trains.length).toBeGreaterThan(0);
    expect(necDecode(led.trains[led.trains.length - 1])).toEqual({ address: 0x10, command: 0x22 });
    expect(Math.abs(led.carrierHz - 38_000)).toBeLessThan(500);
  },
};

/**
 * Gemma M0's sewable pads: A0 as analogio.AnalogOut (the DAC), A1 and A2 as capacitive touch
 * inputs (touchio through the PTC). TouchIn takes its
 * untouched baseline when constructed, so code.py lights D13 once both pads are set up and the
 * host touches A1 then (not A2); code.py waits for the touch.
 */
const GEMMA_TOUCH: BoardCase = {
  board: 'gemma_m0',
  code: [
    'import analogio, board, digitalio, time, touchio',
    'dac = analogio.AnalogOut(board.A0)',
    'dac.value = 49152',
    'a1 = touchio.TouchIn(board.A1)',
    'a2 = touchio.TouchIn(board.A2)',
    'led = digitalio.DigitalInOut(board.LED)',
    'led.switch_to_output(True)',
    'start = time.monotonic()',
    'while not a1.value and time.monotonic() - start < 2:',
    '    pass',
    'print("touched", a1.value, a2.value)',
    'print("touch set on", board.board_id)',
    '',
  ].join('\n'),
  setup: (b) =>
    (b.parts.redLed as Led).anode.net.onEdge((_net, level) => (b.parts.touch as TouchPads).touch('A1', level === 1)),
  output: 'touched True False\r\n',
  // AnalogOut on A0 (the DAC's VOUT, PA02): 49152 >> 6 = 768 of 1023 at VDDANA 3.3 V.
  check: (b) => expect(b.mcu.pin('PA02').voltage).toBeCloseTo((768 / 1023) * 3.3, 3),
};

const CASES: BoardCase[] = [
  { ...neopixel('cpx', 'pixels'), boardId: 'circuitplayground_express', boardName: 'Adafruit CircuitPlayground Express' },
  neopixel('metro_m0_express', 'pixel'),
  neopixel('feather_m0_express', 'pixel'),
  dotstar('gemma_m0', DOTSTAR_SPI_CODE),
  dotstar('trinket_m0', DOTSTAR_BITBANG_CODE),
  ledAndFile('feather_m0_basic', 'redLed'),
  EDBG,
  ADALOGGER,
  BLUEFRUIT,
  USER_PARTS,
  IR,
  GEMMA_TOUCH,
];

describe.each(CASES)('CircuitPython on $board', ({ board, firmware, boardId, boardName, parts, loops, code, files, libs, output, setup, check, replCheck }) => {
  const image = uf2(firmware ?? board);
  const missingLibs = (libs ?? []).filter((l) => !dir || !existsSync(join(dir, 'lib', l)));
  const present = image !== '' && existsSync(image) && missingLibs.length === 0;
  if (!present) {
    console.warn(
      `[tests/firmware-real] SKIPPED ${board}: set CIRCUITEMU_FIRMWARE_DIR to a folder with circuitpython-${firmware ?? board}.uf2` +
        (missingLibs.length ? ` and lib/${missingLibs.join(', lib/')}` : '') +
        ' (see DEVELOPERS.md)',
    );
  }

  it.skipIf(!present)('boots, runs code.py from CIRCUITPY, shows its effect, and evaluates 1+1 at the REPL', { timeout: 180_000 }, async () => {
    const b = createBoard(board, { parts }) as Samd21Board;
    const { volume } = openDrive(b);
    for (const [path, text] of Object.entries({ ...files, '/code.py': code })) {
      if (path.endsWith('/')) volume.mkdir(path.slice(0, -1), { parents: true });
      else writeDriveFile(volume, path, new TextEncoder().encode(text));
    }
    for (const lib of libs ?? []) {
      const from = join(dir!, 'lib', lib);
      if (statSync(from).isDirectory()) copyDirectoryToDrive(volume, from, { destination: `/lib/${lib}` });
      else writeDriveFile(volume, `/lib/${lib}`, readFileSync(from));
    }
    setup?.(b);
    // As `circuitemu run` does: show one complete run of code.py (a short one ends before USB is up).
    const console = showRun(connectConsole(b), b.machine.scheduler, { reload: true });
    loadFirmware(b, readFileSync(image), image);
    /** Sends `input`, then runs until the console shows `text` (30 simulated seconds at most per step). */
    const step = async (input: string, text: string): Promise<string> => {
      const loop = new RunLoop(b.machine, console, { timeoutSeconds: b.machine.scheduler.seconds + 30, expectText: text });
      if (input) console.write(new TextEncoder().encode(input));
      const end = await loop.run();
      expect(end.kind, `waiting for ${JSON.stringify(text)}:\n${loop.history.text().slice(-1000)}`).toBe('expected');
      return loop.history.text();
    };
    const run = await step('', `set on ${boardId ?? firmware ?? board}`); // board.board_id is the build's
    if (output) expect(run).toContain(output);
    check(b, run);
    await step(loops ? '\x03' : '', 'Press any key to enter the REPL');
    // The banner names the board as CircuitPython's MICROPY_HW_BOARD_NAME, and the MCU.
    expect(await step('\r', '>>> ')).toContain(`${boardName ?? b.spec.title} with ${b.spec.chip.variant.startsWith('E') ? 'samd21e18' : 'samd21g18'}`);
    replCheck?.(b);
    expect(await step('1+1\r', '>>> ')).toMatch(/1\+1\r\n2\r\n>>> $/);
  });
});
