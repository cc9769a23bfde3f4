/** Errors the emulated USB host reports. Every one carries a message a user can act on. */

export type UsbTransferErrorKind =
  /** The device answered with STALL (request not supported, endpoint halted). */
  | 'stall'
  /** The transfer did not finish within its time limit (the device kept NAKing). */
  | 'timeout'
  /** The device gave no handshake at all three times in a row (wrong address, disabled EP). */
  | 'no-response'
  /** The device sent more data than the packet size or the request allowed. */
  | 'babble'
  /** Any other violation of the USB protocol by the device. */
  | 'protocol'
  /** The device detached or was reset while the transfer was pending. */
  | 'disconnected';

export class UsbTransferError extends Error {
  constructor(
    readonly kind: UsbTransferErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'UsbTransferError';
  }
}

/** A SCSI command that completed with CHECK CONDITION (sense data from REQUEST SENSE). */
export class ScsiError extends Error {
  constructor(
    message: string,
    readonly senseKey: number,
    readonly asc: number,
    readonly ascq: number,
  ) {
    super(message);
    this.name = 'ScsiError';
  }
}

/** A device that does not follow a class protocol (bad CSW, bad CDC notification, ...). */
export class UsbClassError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsbClassError';
  }
}
