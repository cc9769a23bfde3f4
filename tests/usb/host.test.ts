/**
 * The emulated USB host against a device "firmware" written in TypeScript that programs the
 * SAMD21 USB controller through the bus: enumeration, CDC echo, mass storage, HID and MIDI,
 * end to end through the register model.
 */
import { describe, expect, it } from 'vitest';
import { UsbHost, type UsbHostEvent, type UsbHostOptions } from '../../firmware-runtime/usb/index.js';
import { ScsiError } from '../../firmware-runtime/usb/errors.js';
import { USB_CTRLA, USB_REG } from '../../peripherals/samd21/usb.js';
import { configDescriptor, HID_REPORT_DESCRIPTOR, PID, VID } from './descriptors-fixture.js';
import { createRig, settle, USB_BASE, type Rig } from './rig.js';
import { TsUsbDevice, type TsDeviceOptions } from './ts-device.js';

function setup(deviceOptions: TsDeviceOptions = {}, hostOptions: UsbHostOptions = {}) {
  const rig = createRig();
  const device = new TsUsbDevice(rig, deviceOptions);
  const host = new UsbHost(rig.scheduler, rig.usb, hostOptions);
  const events: UsbHostEvent[] = [];
  host.onEvent((e) => events.push(e));
  device.start();
  return { rig, device, host, events };
}

function enumerate(rig: Rig, host: UsbHost, maxMs = 500): void {
  const ok = rig.runUntil(() => host.state === 'configured' || host.state === 'failed', maxMs);
  if (!ok) throw new Error(`not configured after ${maxMs} ms: state ${host.state}; errors: ${host.errors.join('; ')}`);
}

describe('USB host: enumeration through the SAMD21 controller', () => {
  it('enumerates the composite device: descriptors, address, strings, configuration', () => {
    const { rig, device, host, events } = setup();
    enumerate(rig, host);
    expect(device.sawSyncbusySwrst).toBe(true);
    expect(host.errors).toEqual([]);
    expect(host.state).toBe('configured');
    const d = host.device!;
    expect(d.device.idVendor).toBe(VID);
    expect(d.device.idProduct).toBe(PID);
    expect(d.device.bMaxPacketSize0).toBe(64);
    expect(d.manufacturer).toBe('circuitemu');
    expect(d.product).toBe('TS test device');
    expect(d.serialNumber).toBe('CE0001');
    expect(d.languages).toEqual([0x0409]);
    expect(d.address).toBe(1);
    expect(rig.bus.read8(USB_BASE + USB_REG.DADD)).toBe(0x81); // DADD = 1 | ADDEN
    expect(device.configured).toBe(true);
    // Interfaces, IADs, endpoints.
    const cfg = d.configuration;
    expect(cfg.interfaces.map((i) => i.bInterfaceClass)).toEqual([0x02, 0x0a, 0x08, 0x03, 0x01, 0x01]);
    expect(cfg.associations.map((a) => [a.bFirstInterface, a.bInterfaceCount, a.bFunctionClass])).toEqual([
      [0, 2, 0x02],
      [4, 2, 0x01],
    ]);
    expect(cfg.interfaces[1].endpoints.map((e) => [e.bEndpointAddress, e.type, e.wMaxPacketSize])).toEqual([
      [0x02, 'bulk', 64],
      [0x82, 'bulk', 64],
    ]);
    expect(cfg.warnings).toEqual([]);
    expect(events.map((e) => e.type).filter((t) => t !== 'warning')).toEqual(['attach', 'reset', 'configured']);
    // The SETUP packets reached RAM with their CRC after them (TinyUSB's 10-byte buffer).
    expect(device.setups.length).toBeGreaterThan(5);
    expect(device.setups[0][1]).toBe(6);
  });

  it('uses 1 ms frames on the scheduler: SOFs with a running frame number, enumeration in bounded time', () => {
    const { rig, host, events } = setup();
    enumerate(rig, host);
    const configured = events.find((e) => e.type === 'configured')!;
    const ms = configured.cycle / 48_000;
    // USB 2.0's minimum times: 100 ms attach debounce (TATTDB), 50 ms root-port reset (TDRSTR),
    // 10 ms reset recovery (TRSTRCY), 2 ms SET_ADDRESS recovery (TSETADDR), then the requests.
    expect(ms).toBeGreaterThan(162);
    expect(ms).toBeLessThan(190);
    // The bus reset is SE0 for 50 ms: its end (the device's end-of-reset) is 150 ms after the
    // attach, and no SOF reaches the device before it.
    const reset = events.find((e) => e.type === 'reset')!;
    expect(reset.cycle / 48_000).toBeGreaterThanOrEqual(150);
    expect(rig.usb.stats.sof).toBeLessThanOrEqual(Math.ceil(ms - reset.cycle / 48_000) + 1);
    const fnum = rig.bus.read16(USB_BASE + USB_REG.FNUM) >> 3;
    expect(fnum).toBe(host.frameNumber);
    expect(rig.usb.stats.sof).toBeGreaterThan(10);
  });

  it('is deterministic: two runs configure at the same cycle', () => {
    const a = setup();
    enumerate(a.rig, a.host);
    const b = setup();
    enumerate(b.rig, b.host);
    const ca = a.events.find((e) => e.type === 'configured')!.cycle;
    const cb = b.events.find((e) => e.type === 'configured')!.cycle;
    expect(ca).toBe(cb);
  });

  it('works with an 8-byte EP0 (multi-packet control transfers in 8-byte packets)', () => {
    const { rig, host } = setup({ ep0Size: 8 });
    enumerate(rig, host);
    expect(host.errors).toEqual([]);
    expect(host.device!.device.bMaxPacketSize0).toBe(8);
    expect(host.device!.configuration.interfaces.length).toBe(6);
  });

  it('re-enumerates after the device detaches and re-attaches; the console survives', async () => {
    const { rig, device, host, events } = setup();
    enumerate(rig, host);
    device.detach();
    rig.run(rig.ms(5));
    expect(host.state).toBe('detached');
    expect(host.console.connected).toBe(false);
    device.attach();
    rig.runUntil(() => host.state === 'configured', 200);
    expect(host.state).toBe('configured');
    expect(events.filter((e) => e.type === 'configured').length).toBe(2);
    host.console.write('again');
    rig.runUntil(() => host.console.text() === 'again', 100);
    expect(host.console.text()).toBe('again');
  });

  it('a controller reset (SWRST) by the firmware is a disconnect, then a new enumeration', () => {
    const { rig, device, host, events } = setup();
    enumerate(rig, host);
    device.start(); // firmware restarts its USB stack: SWRST detaches
    rig.runUntil(() => events.filter((e) => e.type === 'configured').length === 2, 300);
    expect(events.map((e) => e.type).filter((t) => t !== 'warning')).toEqual([
      'attach',
      'reset',
      'configured',
      'detach',
      'attach',
      'reset',
      'configured',
    ]);
  });
});

describe('USB host: CDC-ACM', () => {
  it('sets 115200 8N1 and DTR/RTS once configured', () => {
    const { rig, device, host } = setup();
    enumerate(rig, host);
    rig.run(rig.ms(5));
    expect([...device.lineCoding!]).toEqual([0x00, 0xc2, 0x01, 0x00, 0, 0, 8]);
    expect(device.dtr).toBe(true);
    expect(device.rts).toBe(true);
    expect(host.cdc.length).toBe(1);
    expect(host.cdc[0].dtr).toBe(true);
    expect(host.console.connected).toBe(true);
  });

  it('echoes bytes through bulk OUT and bulk IN (console write / onData)', () => {
    const { rig, device, host } = setup();
    const received: number[] = [];
    host.console.onData((b) => received.push(...b));
    host.console.write('hello'); // queued before the device exists
    enumerate(rig, host);
    rig.runUntil(() => received.length >= 5, 100);
    expect(new TextDecoder().decode(new Uint8Array(received))).toBe('hello');
    expect(device.cdcReceived.length).toBe(5);
  });

  it('moves a large stream both ways, with NAK flow control, intact and in order', () => {
    const { rig, host } = setup();
    enumerate(rig, host);
    const data = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
    host.console.write(data);
    rig.runUntil(() => host.console.output.bytes().length >= 5000, 2000);
    expect([...host.console.output.bytes()]).toEqual([...data]);
    expect(rig.usb.stats.nak).toBeGreaterThan(0);
  });

  it('delivers device output written at any time (a firmware banner)', () => {
    const { rig, device, host } = setup({ echo: false });
    enumerate(rig, host);
    device.cdcWrite('Emulated device banner 9.2.9; test\r\n>>> ');
    rig.run(rig.ms(10));
    expect(host.console.text()).toBe('Emulated device banner 9.2.9; test\r\n>>> ');
  });

  it('GET_LINE_CODING and SET_CONTROL_LINE_STATE through the Promise API', async () => {
    const { rig, device, host } = setup();
    enumerate(rig, host);
    const fn = host.cdc[0];
    await settle(rig, fn.setLineCoding({ baudRate: 9600, stopBits: 2, parity: 2, dataBits: 7 }));
    expect(await settle(rig, fn.getLineCoding())).toEqual({ baudRate: 9600, stopBits: 2, parity: 2, dataBits: 7 });
    await settle(rig, fn.setControlLineState(false, false));
    expect(device.dtr).toBe(false);
    expect(device.rts).toBe(false);
  });
});

describe('USB host: mass storage (bulk-only transport, SCSI)', () => {
  it('probes the medium: GET_MAX_LUN, INQUIRY, TEST UNIT READY, READ CAPACITY, MODE SENSE', async () => {
    const { rig, host } = setup({ mscBlocks: 128, mscNotReady: 2 });
    enumerate(rig, host);
    const msc = host.msc!;
    const capacity = await settle(rig, msc.ready());
    expect(capacity).toEqual({ blocks: 128, blockSize: 512 });
    expect(msc.inquiry).toEqual({ peripheralDeviceType: 0, removable: true, vendor: 'Adafruit', product: 'Mass Storage', revision: '1.0' });
    expect(msc.maxLun).toBe(0);
    expect(msc.writeProtected).toBe(false);
    expect(host.errors).toEqual([]);
  });

  it('writes and reads back blocks through the firmware (multi-packet 512-byte transfers)', async () => {
    const { rig, device, host } = setup({ mscBlocks: 64 });
    enumerate(rig, host);
    const msc = host.msc!;
    await settle(rig, msc.ready());
    const data = Uint8Array.from({ length: 3 * 512 }, (_, i) => (i * 13 + 5) & 0xff);
    await settle(rig, msc.writeBlocks(10, data));
    expect([...device.disk.subarray(10 * 512, 13 * 512)]).toEqual([...data]);
    device.disk.set(new TextEncoder().encode('FAT16   '), 40 * 512 + 54);
    const back = await settle(rig, msc.readBlocks(9, 5));
    expect([...back.subarray(512, 4 * 512)]).toEqual([...data]);
    const boot = await settle(rig, msc.readBlocks(40, 1));
    expect(new TextDecoder().decode(boot.subarray(54, 62))).toBe('FAT16   ');
    await settle(rig, msc.preventMediumRemoval(true));
    await settle(rig, msc.synchronizeCache());
    expect(await settle(rig, msc.testUnitReady())).toBe(true);
  });

  it('a medium error stalls the data stage; the host clears the halt, reads the CSW and REQUEST SENSE', async () => {
    const { rig, host } = setup({ badBlocks: [7] });
    enumerate(rig, host);
    const msc = host.msc!;
    await settle(rig, msc.ready());
    const error = await settle(rig, msc.readBlocks(6, 2)).catch((e) => e);
    expect(error).toBeInstanceOf(ScsiError);
    expect((error as ScsiError).senseKey).toBe(3);
    expect((error as ScsiError).asc).toBe(0x11);
    expect(String(error.message)).toMatch(/READ\(10\) failed: MEDIUM ERROR/);
    // The transport is still in step: the next command works.
    const ok = await settle(rig, msc.readBlocks(0, 1));
    expect(ok.length).toBe(512);
  });

  it('rejects out-of-range block numbers before sending anything', async () => {
    const { rig, host } = setup({ mscBlocks: 16 });
    enumerate(rig, host);
    await settle(rig, host.msc!.ready());
    await expect(settle(rig, host.msc!.readBlocks(15, 2))).rejects.toThrow(/outside the medium/);
    await expect(settle(rig, host.msc!.writeBlocks(0, new Uint8Array(100)))).rejects.toThrow(/whole number/);
  });

  it('an unsupported command fails with ILLEGAL REQUEST', async () => {
    const { rig, host } = setup();
    enumerate(rig, host);
    await settle(rig, host.msc!.ready());
    const e = await settle(rig, host.msc!.scsi(new Uint8Array([0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0]), 'in', 32)).catch((x) => x);
    expect(e).toBeInstanceOf(ScsiError);
    expect(e.senseKey).toBe(5);
    expect(e.asc).toBe(0x20);
  });
});

describe('USB host: HID and MIDI enumerate', () => {
  it('reads and parses the HID report descriptor', () => {
    const { rig, host } = setup();
    enumerate(rig, host);
    rig.run(rig.ms(10));
    const hid = host.hid[0];
    expect(hid.reportDescriptor).toEqual(HID_REPORT_DESCRIPTOR);
    expect(hid.report!.collections).toEqual([
      { usagePage: 0x01, usage: 0x06 },
      { usagePage: 0x0c, usage: 0x01 },
    ]);
    expect(hid.report!.reportIds).toEqual([1, 2]);
    expect(host.errors).toEqual([]);
  });

  it('validates the MIDI streaming descriptors and lists jacks', () => {
    const { rig, host } = setup();
    enumerate(rig, host);
    const midi = host.midi[0];
    expect(midi.jacks).toEqual([
      { id: 1, direction: 'in', type: 'embedded' },
      { id: 2, direction: 'in', type: 'external' },
      { id: 3, direction: 'out', type: 'embedded' },
      { id: 4, direction: 'out', type: 'external' },
    ]);
    expect(midi.endpointJacks.get(0x05)).toEqual([1]);
    expect(midi.endpointJacks.get(0x85)).toEqual([3]);
  });
});

describe('USB host: bad devices are reported, never crash or hang the host', () => {
  function failing(deviceOptions: TsDeviceOptions, hostOptions: UsbHostOptions = {}, maxMs = 5000) {
    const ctx = setup(deviceOptions, hostOptions);
    ctx.rig.runUntil(() => ctx.host.state === 'failed' || ctx.host.state === 'configured', maxMs);
    return ctx;
  }

  it('a configuration whose wTotalLength runs past the data', () => {
    const config = configDescriptor({ cdc: true });
    config[2] += 40; // wTotalLength too large: the device sends fewer bytes
    const { host, events } = failing({ config });
    expect(host.state).toBe('failed');
    const err = events.find((e) => e.type === 'error');
    expect(err && err.type === 'error' && err.message).toMatch(/wTotalLength is \d+ but the device sent \d+ bytes/);
  });

  it('a descriptor with bLength 0 inside the configuration', () => {
    const config = configDescriptor({ cdc: true });
    config[9 + 8] = 0; // the comm interface descriptor's bLength
    const { host } = failing({ config });
    expect(host.state).toBe('failed');
    expect(host.errors.join('\n')).toMatch(/bLength 0/);
  });

  it('an invalid bMaxPacketSize0', () => {
    const device = new Uint8Array([18, 1, 0, 2, 0, 0, 0, 48, 0x9a, 0x23, 0x19, 0x80, 0, 1, 1, 2, 3, 1]);
    const { host } = failing({ device });
    expect(host.state).toBe('failed');
    expect(host.errors.join('\n')).toMatch(/bMaxPacketSize0 48 is not 8, 16, 32 or 64/);
  });

  it('a bulk endpoint with an illegal packet size', () => {
    const config = configDescriptor({ msc: true });
    const i = config.findIndex((_, k) => config[k] === 7 && config[k + 1] === 5 && config[k + 2] === 0x03);
    config[i + 4] = 100;
    const { host } = failing({ config });
    expect(host.state).toBe('failed');
    expect(host.errors.join('\n')).toMatch(/endpoint 0x03 \(bulk\): wMaxPacketSize 100/);
  });

  it('a device that sends more than wLength (babble) is reported', () => {
    const { host } = failing({ babbleConfig: true });
    expect(host.state).toBe('failed');
    expect(host.errors.join('\n')).toMatch(/sent \d+ byte\(s\) on GET_DESCRIPTOR.* where 9 were asked for/);
  });

  it('a device that never answers SETUPs times out after a bounded number of frames', () => {
    const { rig, host } = failing({ answerSetup: false }, { controlTimeoutFrames: 100 });
    expect(host.state).toBe('failed');
    expect(host.errors.join('\n')).toMatch(/timed out after 100 ms/);
    // 6 attempts of ~160 ms with pauses of 100, 200, ... 1600 ms between them: bounded, and the
    // host stays quiet after.
    expect(host.warnings.filter((w) => /attempt \d failed/.test(w))).toHaveLength(5);
    expect(rig.scheduler.cycles / 48_000).toBeLessThan(5000);
    const errors = host.errors.length;
    rig.runUntil(() => false, 2000);
    expect(host.errors.length).toBe(errors);
    expect(host.state).toBe('failed');
  });

  it('a device that never takes its address stops answering: no-response errors, then failure', () => {
    const { host } = failing({ setAddress: false });
    expect(host.state).toBe('failed');
    expect(host.errors.join('\n')).toMatch(/did not respond to SETUP at address 1/);
    expect(host.warnings.join('\n')).toMatch(/attempt 1 failed/);
  });

  it('a CDC function without a data interface is reported; the other functions still work', async () => {
    const config = configDescriptor({ cdc: true, msc: true });
    // Turn the union's subordinate interface into 7, which does not exist.
    const u = config.findIndex((_, k) => config[k] === 5 && config[k + 1] === 0x24 && config[k + 2] === 0x06);
    config[u + 4] = 7;
    const { rig, host } = setup({ config });
    enumerate(rig, host);
    expect(host.state).toBe('configured');
    expect(host.cdc.length).toBe(0);
    expect(host.errors.join('\n')).toMatch(/CDC-ACM interface 0: its Union functional descriptor names interface 7/);
    expect((await settle(rig, host.msc!.ready())).blocks).toBe(64);
  });

  it('the controller survives a firmware that stops the USB clock domain mid-transfer (disable)', () => {
    const { rig, device, host } = setup();
    enumerate(rig, host);
    rig.bus.write8(USB_BASE + USB_REG.CTRLA, 0); // disable
    rig.run(rig.ms(5));
    expect(host.state).toBe('detached');
    rig.bus.write8(USB_BASE + USB_REG.CTRLA, USB_CTRLA.ENABLE);
    rig.runUntil(() => host.state === 'configured', 200);
    expect(host.state).toBe('configured');
    expect(device.log.filter((l) => l === 'bus reset').length).toBe(2);
  });
});
