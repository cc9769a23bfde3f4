/** Exit statuses of `circuitemu run` that are not the program's own (documented in the README). */
export const EXIT = { usage: 64, badImage: 65, software: 70, timeout: 124, fault: 125 } as const;
