/**
 * A register block of which only some words are known (the WiFi MAC's: Espressif documents
 * none): an access to an offset no declared register covers reads 0, keeps nothing and is
 * reported to the chip's Diagnostics as unimplemented (an emulator gap), not as a guest error
 * (a reserved offset), as RegisterBlock would.
 */
import type { AccessSize } from '../../emulator/kernel/bus.js';
import { RegisterBlock, type Register, type RegisterSpec } from '../register-block.js';

export class SparseRegisterBlock extends RegisterBlock {
  /** Bytes covered by a declared register. */
  private readonly declared: Uint8Array;

  constructor(name: string, size: number) {
    super(name, size);
    this.declared = new Uint8Array(size);
  }

  override reg(spec: RegisterSpec): Register {
    this.declared.fill(1, spec.offset, spec.offset + spec.size);
    return super.reg(spec);
  }

  override read(offset: number, size: AccessSize): number {
    if (this.declared[offset]) return super.read(offset, size);
    this.diagnostics?.unimplemented(this.name, offset, size, false, 0);
    return 0;
  }

  override write(offset: number, size: AccessSize, value: number): void {
    if (this.declared[offset]) super.write(offset, size, value);
    else this.diagnostics?.unimplemented(this.name, offset, size, true, value);
  }
}
