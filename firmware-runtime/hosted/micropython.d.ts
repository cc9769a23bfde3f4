/** Types for the parts of MicroPython's WebAssembly (pyscript) npm build that the hosted engine uses. */
declare module '@micropython/micropython-webassembly-pyscript' {
  export interface MicroPythonFS {
    mkdir(path: string): void;
    writeFile(path: string, data: string | Uint8Array): void;
    analyzePath(path: string): { exists: boolean };
  }
  export interface MicroPython {
    _module: unknown;
    PyProxy: { toJs(value: unknown): unknown };
    FS: MicroPythonFS;
    registerJsModule(name: string, module: object): void;
    pyimport(name: string): unknown;
    runPython(code: string): unknown;
  }
  export interface LoadOptions {
    heapsize?: number;
    pystack?: number;
    linebuffer?: boolean;
    stdout?: (data: Uint8Array) => void;
    stderr?: (data: Uint8Array) => void;
  }
  export function loadMicroPython(options?: LoadOptions): Promise<MicroPython>;
}
