/**
 * The emulated USB host: enumeration, CDC-ACM (the serial console), mass storage (CIRCUITPY),
 * HID and MIDI. See host.ts for the model and README.md for how a board wires it.
 */
export { UsbHost, describeSetup, type UsbHostOptions, type UsbHostEvent, type UsbHostState, type EnumeratedDevice, type HostCoroutine, Pipe } from './host.js';
export { UsbSerial, CdcAcmFunction, DEFAULT_LINE_CODING, type LineCoding } from './cdc-acm.js';
export { MscFunction, SCSI, type Capacity, type InquiryData, type SenseData } from './msc.js';
export { HidFunction, parseHidReportDescriptor, type HidReportSummary } from './hid.js';
export { MidiFunction } from './midi.js';
export { UsbTransferError, ScsiError, UsbClassError, type UsbTransferErrorKind } from './errors.js';
export * from './descriptors.js';
