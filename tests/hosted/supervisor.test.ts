/**
 * The hosted engine's supervisor and VM against CircuitPython 9.2.9's console (circuitpython-console.md).
 * The expected transcripts were recorded from the real CircuitPython 9.2.9 CPX firmware on the firmware
 * engine (after its `soft reboot` line; the local build's version tag "9.2.9-dirty" read as "9.2.9").
 */
import { describe, expect, it } from 'vitest';
import { mountDrive } from './drive-helpers.js';
import { osc, runCode, start } from './harness.js';

const RELOAD_ON = '\r\n\x1b[2K\x1b[0GAuto-reload is on. Simply save files over USB to run them or enter REPL to disable.\r\n';
const PRESS_ANY_KEY = '\r\nPress any key to enter the REPL. Use CTRL-D to reload.\r\n';

describe('hosted engine: code.py transcript', () => {
  it('prints the code.py block byte for byte as CircuitPython 9.2.9 does', async () => {
    const text = await runCode({ 'code.py': 'print("Hello")\n' });
    expect(text).toBe(
      RELOAD_ON + '\x1b[2K\x1b[0Gcode.py output:\r\n' + osc('code.py') + 'Hello\r\n' + osc('Done') + '\r\nCode done running.\r\n' + PRESS_ANY_KEY,
    );
  });

  it('reports an uncaught error with its traceback and the status bar naming line and file', async () => {
    const text = await runCode({ 'code.py': 'print("a")\nx = 1\ny\n' });
    expect(text).toBe(
      RELOAD_ON +
        '\x1b[2K\x1b[0Gcode.py output:\r\n' +
        osc('code.py') +
        'a\r\nTraceback (most recent call last):\r\n  File "code.py", line 3, in <module>\r\nNameError: name \'y\' is not defined\r\n' +
        osc('3@code.py NameError') +
        '\r\nCode done running.\r\n' +
        PRESS_ANY_KEY,
    );
  });

  it('runs code.txt, code.py, main.py, main.txt: the first that exists', async () => {
    expect(await runCode({ 'main.py': 'print("main")\n', 'code.py': 'print("code")\n' })).toContain('code.py output:\r\n' + osc('code.py') + 'code\r\n');
    expect(await runCode({ 'main.py': 'print("main")\n', 'code.py': '' , 'code.txt': 'print("txt")\n' })).toContain('code.txt output:\r\n' + osc('code.txt') + 'txt\r\n');
  });

  it('prints "Code done running." even without a code file, and a syntax error names the line', async () => {
    const none = await runCode({ 'readme.txt': 'no code here' }, { flashImage: undefined });
    expect(none).toContain('code.py output:'); // the freshly formatted drive has CircuitPython's own code.py
    const bad = await runCode({ 'code.py': 'print(1)\nif x\n' });
    expect(bad).toContain('Traceback (most recent call last):\r\n  File "code.py", line 2\r\nSyntaxError: invalid syntax\r\n');
    expect(bad).toContain('\r\nCode done running.\r\n');
  });

  it('gives the board its own identity: sys, os.uname, board pin names, module type', async () => {
    const text = await runCode({
      'code.py':
        'import sys, os, board, time\nprint(sys.implementation)\nprint(repr(sys.platform), sys.path)\nprint(os.uname().machine)\n' +
        'print(board.LED, board.A1, board.board_id)\nprint(type(time), type(sys))\n',
    });
    expect(text).toContain("(name='circuitpython', version=(9, 2, 9, ''), _machine='Adafruit CircuitPlayground Express with samd21g18', _mpy=774)\r\n");
    expect(text).toContain("'Atmel SAMD21' ['', '/', '.frozen', '/lib']\r\n");
    expect(text).toContain('Adafruit CircuitPlayground Express with samd21g18\r\n');
    expect(text).toContain('board.LED board.A1 circuitplayground_express\r\n');
    expect(text).toContain("<class 'module'> <class 'module'>\r\n");
  });

  it('refuses modules the SAMD21 build lacks with the board\'s error', async () => {
    const text = await runCode({ 'code.py': 'import json\n' });
    expect(text).toContain('  File "code.py", line 1, in <module>\r\nImportError: no module named \'json\'\r\n');
  });

  it('reports the board\'s heap: gc.mem_free() within 10 % of the 15024 bytes CircuitPython 9.2.9 reports on the CPX', async () => {
    const text = await runCode({ 'code.py': 'import gc\nprint("free", gc.mem_free())\n' });
    const free = Number(/free (\d+)/.exec(text)![1]);
    expect(Math.abs(free - 15024) / 15024).toBeLessThan(0.1);
  });

  it('a larger heap on request (heapBytes) raises gc.mem_free()', async () => {
    const text = await runCode({ 'code.py': 'import gc\nprint("free", gc.mem_free())\n' }, { heapBytes: 64 * 1024 });
    expect(Number(/free (\d+)/.exec(text)![1])).toBeGreaterThan(60_000);
  });
});

describe('hosted engine: time', () => {
  it('time.sleep advances simulated time only (virtual mode), monotonic reads it', async () => {
    const t0 = performance.now();
    const text = await runCode({ 'code.py': 'import time\nt = time.monotonic()\ntime.sleep(100)\nprint("slept %.3f" % (time.monotonic() - t))\n' });
    expect(text).toContain('slept 100.000\r\n');
    expect(performance.now() - t0).toBeLessThan(15_000);
  });

  it('is deterministic: the same code.py gives the same transcript, random numbers and times included', async () => {
    const code = {
      'code.py': 'import time, random, os\nfor i in range(3):\n    time.sleep(0.25)\n    print(i, time.monotonic(), random.randint(0, 1000), os.urandom(2))\n',
    };
    const a = await runCode(code);
    const b = await runCode(code);
    expect(a).toContain('2 ');
    expect(a).toBe(b);
  });
});

describe('hosted engine: CIRCUITPY', () => {
  it('files Python writes (after boot.py remounts CIRCUITPY writable) land on the emulated flash drive', async () => {
    const s = start({ board: 'cpx', files: { 'boot.py': 'import storage\nstorage.remount("/", readonly=False)\n', 'code.py': 'with open("/data.txt", "w") as f:\n    f.write("hello drive\\n")\nimport os\nos.mkdir("/d")\nprint(sorted(os.listdir("/")))\nprint(open("/data.txt").read())\n' } });
    try {
      await s.waitFor('Press any key');
      expect(s.text).toContain("'boot.py', 'boot_out.txt', 'code.py', 'd', 'data.txt', 'lib'");
      expect(s.text).toContain('hello drive\r\n');
      const vol = mountDrive(s.handle.flash);
      expect(new TextDecoder().decode(vol.readFile('/data.txt'))).toBe('hello drive\n');
      expect(vol.stat('/d').isDirectory).toBe(true);
      expect(new TextDecoder().decode(vol.readFile('/boot_out.txt'))).toMatch(/^Adafruit CircuitPython 9\.2\.9 on .*; Adafruit CircuitPlayground Express with samd21g18\r\nBoard ID:circuitplayground_express\r\nUID:[0-9A-F]{32}\r\nboot.py output:\r\n$/);
    } finally {
      await s.stop();
    }
  });

  it('imports the user\'s modules from / and /lib; boot.py output goes to boot_out.txt only', async () => {
    const s = start({ board: 'cpx', files: { 'boot.py': 'print("from boot")\n', 'lib/helper.py': 'X = 42\n', 'code.py': 'import helper\nprint(helper.X)\n' } });
    try {
      await s.waitFor('Press any key');
      expect(s.text).toContain(osc('code.py') + '42\r\n');
      expect(s.text).not.toContain('from boot');
      expect(new TextDecoder().decode(mountDrive(s.handle.flash).readFile('/boot_out.txt'))).toContain('\r\nboot.py output:\r\nfrom boot\r\n');
    } finally {
      await s.stop();
    }
  });
});

describe('hosted engine: storage', () => {
  it('CIRCUITPY is read-only to Python while USB shows it to the host; code.py may not remount', async () => {
    const text = await runCode({
      'code.py': 'import storage\ntry:\n    open("/x.txt", "w")\nexcept OSError as e:\n    print("open", e)\ntry:\n    storage.remount("/", readonly=False)\nexcept RuntimeError as e:\n    print(e)\n',
    });
    expect(text).toContain("open [Errno 30] Read-only filesystem\r\nCannot remount '/' when visible via USB.\r\n");
  });
});

describe('hosted engine: REPL and keys', () => {
  it('any key enters the REPL with the banner; expressions print; Ctrl-D soft-reboots into code.py', async () => {
    const s = start({ board: 'cpx', files: { 'code.py': 'print("run")\n' } });
    try {
      await s.waitFor('Press any key');
      s.handle.write(' ');
      const b = await s.waitFor('>>> ');
      expect(s.text.slice(b - 200)).toContain(osc('REPL') + '\r\nAdafruit CircuitPython 9.2.9 on 2025-09-16; Adafruit CircuitPlayground Express with samd21g18\r\n>>> ');
      s.handle.write('1 + 2\r');
      await s.waitFor('3\r\n>>> ', 10_000, b);
      s.handle.write('for i in range(2):\r');
      await s.waitFor('... ', 10_000, b);
      s.handle.write('print(i * 10)\r\r');
      await s.waitFor('0\r\n10\r\n>>> ', 10_000, b);
      s.handle.write('\x04');
      const r = await s.waitFor('soft reboot\r\n', 10_000, b);
      await s.waitFor('Press any key', 10_000, r);
      expect(s.text.slice(r)).toContain('code.py output:\r\n' + osc('code.py') + 'run\r\n');
    } finally {
      await s.stop();
    }
  });

  it('echoes for loop input with auto-indent, and paste mode runs a block', async () => {
    const s = start({ board: 'cpx', files: { 'code.py': '' } });
    try {
      await s.waitFor('Press any key');
      s.handle.write('\r');
      const b = await s.waitFor('>>> ');
      s.handle.write('def f():\r');
      await s.waitFor('def f():\r\n...     ', 10_000, b);
      s.handle.write('\x03');
      await s.waitFor('...     \r\n>>> ', 10_000, b);
      s.handle.write('\x05');
      await s.waitFor('\r\npaste mode; Ctrl-C to cancel, Ctrl-D to finish\r\n=== ', 10_000, b);
      s.handle.write('a = 5\rprint(a * 2)\x04');
      await s.waitFor('a = 5\r\n=== print(a * 2)\r\n10\r\n>>> ', 10_000, b);
    } finally {
      await s.stop();
    }
  });
});

describe('hosted engine: Ctrl-C', () => {
  // A wall-clock bound: retried when the machine is loaded by other work (the suite runs files in parallel).
  it('stops a sleeping loop within 50 ms of wall time (real-time mode), with simulated time following the wall clock', { retry: 2 }, async () => {
    const s = start({ board: 'cpx', realTime: true, files: { 'code.py': 'import time\nprint("go")\nwhile True:\n    time.sleep(0.1)\n' } });
    try {
      await s.waitFor('go\r\n');
      await new Promise((r) => setTimeout(r, 300));
      const t0 = performance.now();
      s.handle.write('\x03');
      await s.waitFor('KeyboardInterrupt: \r\n');
      const latency = s.seenAt('KeyboardInterrupt: \r\n')! - t0;
      expect(latency).toBeLessThan(50);
      expect(s.text).toContain('Traceback (most recent call last):\r\n  File "code.py", line 4, in <module>\r\nKeyboardInterrupt: \r\n');
      await s.waitFor('Code done running.');
      // Paced: roughly the wall time that passed since "go" (0.3 s plus start-up jitter), never far ahead.
      expect(s.handle.seconds).toBeGreaterThan(0.25);
      expect(s.handle.seconds).toBeLessThan(3);
      expect(s.handle).toBeTruthy();
    } finally {
      await s.stop();
    }
  });

  it('interrupts a virtual-time sleeping loop at its next call into a module', async () => {
    const s = start({ board: 'cpx', files: { 'code.py': 'import time\nn = 0\nwhile True:\n    time.sleep(0.001)\n    n += 1\n    if n == 10:\n        print("ten")\n' } });
    try {
      await s.waitFor('ten\r\n');
      s.handle.write('\x03');
      await s.waitFor('KeyboardInterrupt: \r\n\x1b]0;');
      expect(s.text).toMatch(/File "code.py", line \d, in <module>\r\nKeyboardInterrupt: \r\n/);
    } finally {
      await s.stop();
    }
  });

  it('stops a pure-Python loop with the hard stop; the REPL comes back in a clean VM', async () => {
    const s = start({ board: 'cpx', files: { 'code.py': 'print("spin")\nwhile True:\n    pass\n' } });
    try {
      await s.waitFor('spin\r\n');
      const t0 = performance.now();
      s.handle.write('\x03');
      const k = await s.waitFor('KeyboardInterrupt: \r\n');
      await s.waitFor(PRESS_ANY_KEY, 20_000, k);
      expect(performance.now() - t0).toBeLessThan(5000);
      expect(s.text.slice(k)).toBe('KeyboardInterrupt: \r\n' + osc('Done') + '\r\nCode done running.\r\n' + PRESS_ANY_KEY);
      s.handle.write('x');
      const b = await s.waitFor('>>> ', 20_000, k);
      s.handle.write('print(6 * 7)\r');
      await s.waitFor('42\r\n>>> ', 10_000, b);
      const end = await s.handle.stop();
      expect(end.hardStops).toBe(1);
    } finally {
      await s.stop();
    }
  });

  it('a printing loop takes a Ctrl-C at its next line, with the traceback (no hard stop), as the firmware VM does', async () => {
    const s = start({ board: 'cpx', files: { 'code.py': 'i = 0\nwhile True:\n    print(i)\n    i += 1\n' } });
    try {
      await s.waitFor('\r\n2000\r\n');
      s.handle.write('\x03');
      const k = await s.waitFor('KeyboardInterrupt: \r\n');
      await s.waitFor(PRESS_ANY_KEY, 20_000, k);
      // The numbers run on up to the traceback; the VM raises it at its next check (line 3 or 4 of the loop).
      expect(s.text.slice(0, k)).toMatch(/\r\n(\d+)\r\nTraceback \(most recent call last\):\r\n  File "code\.py", line [34], in <module>\r\n$/);
      const end = await s.handle.stop();
      expect(end.hardStops).toBe(0);
    } finally {
      await s.stop();
    }
  });
});

describe('hosted engine: auto-reload', () => {
  it('a file written by the host stops the running code and reruns it after a soft reboot', async () => {
    const s = start({ board: 'cpx', files: { 'code.py': 'import time, supervisor\nprint("v1", supervisor.runtime.run_reason)\nwhile True:\n    time.sleep(0.1)\n' } });
    try {
      await s.waitFor('v1 ');
      s.handle.writeFile('code.py', 'import supervisor\nprint("v2", supervisor.runtime.run_reason)\n');
      const r = await s.waitFor('soft reboot\r\n');
      expect(s.text.slice(0, r)).toMatch(/v1 supervisor\.RunReason\.STARTUP\r\n(\x1b\]0;[^\x1b]*\x1b\\)?\r\nCode stopped by auto-reload\. Reloading soon\.\r\n$/);
      await s.waitFor('Press any key', 20_000, r);
      expect(s.text.slice(r)).toContain(osc('code.py') + 'v2 supervisor.RunReason.AUTO_RELOAD\r\n');
      // Waiting for a key: a new write reruns the code at once (no "Code stopped" line).
      s.handle.writeFile('code.py', 'print("v3")\n');
      const r2 = await s.waitFor('soft reboot\r\n', 20_000, r + 1);
      await s.waitFor('v3\r\n', 20_000, r2);
    } finally {
      await s.stop();
    }
  });
});

describe('hosted engine: raw REPL (what mpremote-style tools use)', () => {
  it('Ctrl-A enters raw mode; Ctrl-D runs the buffer: OK, output, \\x04, error text, \\x04, >', async () => {
    const s = start({ board: 'cpx', files: { 'code.py': '' } });
    try {
      await s.waitFor('Press any key');
      s.handle.write('\r');
      const b = await s.waitFor('>>> ');
      s.handle.write('\x01');
      const r = await s.waitFor('\r\nraw REPL; CTRL-B to exit\r\n>', 10_000, b);
      s.handle.write('print(1 + 1)\x04');
      await s.waitFor('OK2\r\n\x04\x04>', 10_000, r);
      s.handle.write('1/0\x04');
      await s.waitFor('OK\x04Traceback (most recent call last):\r\n  File "<stdin>", line 1, in <module>\r\nZeroDivisionError: division by zero\r\n\x04>', 10_000, r);
      s.handle.write('\x02');
      const back = await s.waitFor('Adafruit CircuitPython 9.2.9 on', 10_000, r);
      expect(s.text.slice(r, back)).toMatch(/\x04>\r\n(\x1b\]0;[^\x1b]*\x1b\\)?\r\n$/);
    } finally {
      await s.stop();
    }
  });
});

describe('hosted engine: console input in code.py', () => {
  it('input() echoes a line; sys.stdin.read reads raw bytes; supervisor.runtime.serial_bytes_available counts them; Ctrl-C interrupts a read', async () => {
    const code =
      'import sys, supervisor\nname = input("name? ")\nprint("hi", name)\n' +
      'while not supervisor.runtime.serial_bytes_available:\n    pass\nprint("avail", supervisor.runtime.serial_bytes_available)\n' +
      'print(repr(sys.stdin.read(3)))\nprint("waiting")\nsys.stdin.read(1)\n';
    const s = start({ board: 'cpx', files: { 'code.py': code } });
    try {
      await s.waitFor('name? ');
      s.handle.write('bob\r');
      await s.waitFor('hi bob\r\n');
      s.handle.write('xyz');
      await s.waitFor('waiting\r\n');
      expect(s.text).toContain('name? bob\r\nhi bob\r\navail 3\r\n\'xyz\'\r\n');
      s.handle.write('\x03');
      await s.waitFor('KeyboardInterrupt: \r\n');
      expect(s.text).toMatch(/File "code.py", line 9, in <module>\r\n/);
    } finally {
      await s.stop();
    }
  });
});

describe('hosted engine: reset and safe mode', () => {
  it('on_next_reset(SAFE_MODE) + reset() boots into safe mode with the firmware\'s text; no code runs', async () => {
    const s = start({
      board: 'cpx',
      files: { 'code.py': 'import microcontroller\nprint("going")\nmicrocontroller.on_next_reset(microcontroller.RunMode.SAFE_MODE)\nmicrocontroller.reset()\n' },
    });
    try {
      const g = await s.waitFor('going\r\n');
      await s.waitFor('Press any key', 20_000, g);
      // Recorded from CircuitPython 9.2.9 on the firmware engine.
      expect(s.text.slice(s.text.indexOf('\r\n\x1b[2K\x1b[0GAuto-reload is off.', g))).toBe(
        '\r\n\x1b[2K\x1b[0GAuto-reload is off.\r\nRunning in safe mode! Not running saved code.\r\n\r\n' +
          'You are in safe mode because:\r\nThe `microcontroller` module was used to boot into safe mode.\r\nPress reset to exit safe mode.\r\n' +
          '\r\nPress any key to enter the REPL. Use CTRL-D to reload.\r\n',
      );
      expect(s.text.slice(g)).not.toContain('soft reboot');
      expect(s.text.slice(g + 'going\r\n'.length)).not.toContain('going');
    } finally {
      await s.stop();
    }
  });

  it('microcontroller.reset() restarts from boot: boot.py runs again and code.py runs without `soft reboot`', async () => {
    const s = start({
      board: 'cpx',
      files: {
        'boot.py': 'import storage\nstorage.remount("/", readonly=False)\n',
        'code.py': 'import os\nn = len(os.listdir("/lib"))\nprint("run", n)\nif n == 0:\n    open("/lib/mark", "w").close()\n    import microcontroller\n    microcontroller.reset()\n',
      },
    });
    try {
      const r2 = await s.waitFor('run 1\r\n');
      expect(s.text.slice(0, r2)).toContain('run 0\r\n');
      expect(s.text).not.toContain('soft reboot');
    } finally {
      await s.stop();
    }
  });
});

describe('hosted engine: rtc and usb_cdc', () => {
  it('rtc.RTC().datetime sets the calendar time.localtime reads, which then follows simulated time; usb_cdc.console writes raw', async () => {
    const text = await runCode({
      'code.py':
        'import rtc, time, usb_cdc\nr = rtc.RTC()\nr.datetime = time.struct_time((2024, 5, 6, 7, 8, 9, 0, -1, -1))\n' +
        'time.sleep(61)\nt = time.localtime()\nprint(t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, t.tm_wday, t.tm_yday)\n' +
        'usb_cdc.console.write(b"raw\\n")\nprint(usb_cdc.data)\n',
    });
    // 2024-05-06 is a Monday (tm_wday 0), day 127 of a leap year.
    expect(text).toContain('2024 5 6 7 9 10 0 127\r\nraw\nNone\r\n');
  });
});
