/**
 * Where `--trace` lines go: a file (`--trace-file`) or standard error, written in batches.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { HostFileError } from '../host-files.js';

export interface TraceOutput {
  emit(line: string): void;
  /** Writes what is left (and closes the file). */
  close(): void;
}

/** Opens `file` for writing (standard error without it); an unwritable file is a HostFileError. */
export function openTraceOutput(file: string | undefined): TraceOutput {
  let fd: number;
  try {
    fd = file === undefined ? 2 : openSync(file, 'w');
  } catch (e) {
    throw new HostFileError('cannot-create', `cannot write ${file}: ${(e as Error).message}`);
  }
  let lines: string[] = [];
  const flush = (): void => {
    if (lines.length) writeSync(fd, lines.join('\n') + '\n');
    lines = [];
  };
  return {
    emit(line) {
      lines.push(line);
      if (lines.length >= 4096) flush();
    },
    close() {
      flush();
      if (file !== undefined) closeSync(fd);
    },
  };
}
