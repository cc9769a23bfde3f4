/**
 * The web workflow's file operations on the firmware engine: carried out by the emulated USB host over
 * mass storage (emulator/scenario/msc-drive.ts), as the computer the board is plugged into would; the
 * firmware sees the SCSI writes and auto-reloads on its own, as CircuitPython does after a USB write.
 */
import { ScsiError, type UsbHost } from '../../firmware-runtime/usb/index.js';
import { applyWorkflowOp, changesDrive, type UndatedWorkflowOp, type WorkflowOp, type WorkflowResult } from '../../firmware-runtime/fs/workflow.js';
import { MscDrive } from '../scenario/msc-drive.js';

/** SCSI sense key DATA PROTECT (SPC-4 4.5.6): a write to a write-protected medium. */
const DATA_PROTECT = 7;

/** 2000-01-01T00:00:00Z: where CircuitPython's RTC (and so its FAT dates) starts at power-on. */
const RTC_START_MS = Date.UTC(2000, 0, 1);

export interface MscWorkflowOptions {
  /** Simulated seconds now (FAT dates are the board's clock: 2000-01-01 plus the time since power-on). */
  seconds(): number;
  /** Wall milliseconds to wait for the device to present its drive (it does once CircuitPython has started USB). */
  waitMs?: number;
}

/** `drive` for WorkflowBoard: one operation on the drive as enumerated now (a device reset makes a new MSC function). */
export function mscWorkflowDrive(host: UsbHost, options: MscWorkflowOptions): (op: UndatedWorkflowOp) => Promise<WorkflowResult> {
  return async (op) => {
    const deadline = Date.now() + (options.waitMs ?? 20_000);
    while (!host.msc) {
      if (Date.now() >= deadline) throw new Error(`no USB mass storage appeared within ${(options.waitMs ?? 20_000) / 1000} s (does the firmware present CIRCUITPY?)`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // The device says its medium is write-protected (CircuitPython: boot.py gave CIRCUITPY to Python).
    if (changesDrive(op) && host.msc.writeProtected) return { result: 'write-protected', message: 'CIRCUITPY is read-only over USB' };
    const nowMs = RTC_START_MS + Math.floor(options.seconds()) * 1000;
    try {
      return await new MscDrive(host.msc).run((volume) => applyWorkflowOp(volume, { ...op, nowMs } as WorkflowOp));
    } catch (e) {
      if (e instanceof ScsiError && e.senseKey === DATA_PROTECT) return { result: 'write-protected', message: e.message };
      throw e;
    }
  };
}
