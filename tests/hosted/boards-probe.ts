/**
 * The probe program run on every SAMD21 board by tests/hosted/boards.test.ts, on the real firmware and on
 * the hosted engine: what a board looks like to code.py (board names and their reprs, ids, the modules
 * help('modules') lists, which imports fail and how), and the heap left at the start of code.py.
 */
export const BOARD_PROBE = [
  'import gc',
  'a = gc.mem_free(); b = gc.mem_alloc()',
  "print('HEAP', a, b)",
  'import board, os, sys',
  "print('DIR', dir(board))",
  "print('ID', board.board_id, os.uname().machine, sys.platform, sys.implementation)",
  'for n in dir(board):',
  "    if n != '__dict__':",
  "        print('PIN', n, repr(getattr(board, n)))",
  "for m in ('io', 'binascii', 'json', 'neopixel', 'adafruit_pixelbuf', 'audiocore', 'pulseio', 'errno', 'rainbowio'):",
  '    try:',
  '        __import__(m)',
  "        print('IMPORT', m, 'ok')",
  '    except ImportError as e:',
  "        print('IMPORT', m, e)",
  "help('modules')",
  '',
].join('\n');

/** The probe's transcript without its heap line: what must match between the engines. */
export function probeBody(transcript: string): string {
  const t = transcript.replace(/\r/g, '');
  const from = t.indexOf('DIR ');
  const to = t.indexOf('Plus any modules on the filesystem\n', from);
  if (from < 0 || to < 0) throw new Error(`the probe did not run to its end:\n${transcript}`);
  return t.slice(from, to);
}

/** gc.mem_free() and gc.mem_alloc() at the start of code.py, from the probe's transcript. */
export function probeHeap(transcript: string): [number, number] {
  const m = /HEAP (\d+) (\d+)/.exec(transcript);
  if (!m) throw new Error(`no HEAP line in:\n${transcript}`);
  return [Number(m[1]), Number(m[2])];
}
