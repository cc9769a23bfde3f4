/**
 * Standard input to a board's console, for `run` and `repl` on either engine: raw keys on a terminal
 * in `repl` (Ctrl-] quits), else the byte stream until it ends.
 */
export function attachStdin(interactive: boolean, onBytes: (b: Uint8Array) => void, onEnd: () => void, onQuit: () => void): () => void {
  const stdin = process.stdin;
  const raw = interactive && stdin.isTTY;
  if (raw) stdin.setRawMode(true);
  const onData = (chunk: Buffer) => {
    const quit = raw ? chunk.indexOf(0x1d) : -1; // Ctrl-]
    if (quit >= 0) {
      if (quit > 0) onBytes(chunk.subarray(0, quit));
      onQuit();
      return;
    }
    onBytes(chunk);
  };
  stdin.on('data', onData);
  stdin.on('end', onEnd);
  stdin.on('error', onEnd);
  return () => {
    stdin.off('data', onData);
    stdin.off('end', onEnd);
    stdin.off('error', onEnd);
    if (raw) stdin.setRawMode(false);
    stdin.pause();
    stdin.unref?.();
  };
}
