/**
 * The common-hal modules kept out of hal.ts (one file each: spi.ts, uart.ts, analog-out.ts ...), their
 * interrupt handlers (nvic.ts) and the `_hal` calls Python makes to them. The engine builds one of these
 * beside its Samd21Hal and spreads `calls()` into its `_hal` module.
 */
import type { Samd21Hal } from './hal.js';
import { Samd21AnalogOut } from './analog-out.js';
import { RawSample, Samd21AudioOut, WaveFile, type AudioSample } from './audioio.js';
import { HostedEic } from './eic.js';
import { HostedNvic } from './nvic.js';
import { Samd21PdmIn } from './pdmin.js';
import { Samd21PulseIo } from './pulseio.js';
import { Samd21Processor } from './processor.js';
import { Samd21CountIo, type CountEdge, type Pull } from './countio.js';
import { Samd21RotaryIo } from './rotaryio.js';
import { Samd21BitbangI2c, Samd21BitbangSpi } from './bitbangio.js';
import { Samd21Spi } from './spi.js';
import { Samd21Uart, uartTimeoutMs, type HostedWaits, type Parity } from './uart.js';

/** The engine's wrapper for a hardware call: charges the call, turns a HalError into Python's error. */
export type HalGuard = <A extends unknown[], R>(fn: (...a: A) => R) => (...a: A) => R | string;

const orNull = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export class Samd21Modules {
  readonly nvic: HostedNvic;
  readonly eic: HostedEic;
  readonly spi: Samd21Spi;
  readonly uart: Samd21Uart;
  readonly dac: Samd21AnalogOut;
  readonly pulse: Samd21PulseIo;
  readonly audio: Samd21AudioOut;
  readonly pdm: Samd21PdmIn;
  readonly processor: Samd21Processor;
  readonly countio: Samd21CountIo;
  readonly rotaryio: Samd21RotaryIo;
  readonly bitbangI2c: Samd21BitbangI2c;
  readonly bitbangSpi: Samd21BitbangSpi;

  constructor(
    private readonly hal: Samd21Hal,
    waits: HostedWaits,
  ) {
    this.nvic = new HostedNvic(hal.mcu);
    this.eic = new HostedEic(hal, this.nvic);
    this.spi = new Samd21Spi(hal);
    this.uart = new Samd21Uart(hal, this.nvic, waits);
    this.dac = new Samd21AnalogOut(hal);
    this.pulse = new Samd21PulseIo(hal, this.nvic, waits, this.eic);
    this.audio = new Samd21AudioOut(hal, this.nvic);
    this.pdm = new Samd21PdmIn(hal);
    this.processor = new Samd21Processor(hal);
    this.countio = new Samd21CountIo(hal, this.eic);
    this.rotaryio = new Samd21RotaryIo(hal, this.eic);
    this.bitbangI2c = new Samd21BitbangI2c(hal);
    this.bitbangSpi = new Samd21BitbangSpi(hal);
    hal.resetHooks.push(() => this.resetAll());
  }

  resetAll(): void {
    this.spi.resetAll();
    this.uart.resetAll();
    this.dac.deinit();
    this.pulse.resetAll();
    this.audio.deinit();
    this.pdm.resetAll();
    this.countio.resetAll();
    this.rotaryio.resetAll();
    this.bitbangI2c.resetAll();
    this.bitbangSpi.resetAll();
  }

  /** `_hal` functions; `numbers` turns a Python list proxy into numbers. */
  calls(guard: HalGuard, numbers: (v: unknown) => number[]): Record<string, unknown> {
    const { spi, uart, dac, pulse, audio, pdm, hal, processor, countio, rotaryio, bitbangI2c, bitbangSpi } = this;
    // Pin lists cross as one comma-separated string ('' for None).
    const strings = (v: unknown): string[] => String(v).split(',');
    const sample = (kind: string, data: unknown, bits: number, signed: boolean, channels: number, rate: number, single: boolean, len: number): AudioSample => {
      const bytes = Uint8Array.from(numbers(data));
      return kind === 'raw' ? new RawSample(bytes, bits / 8, signed, channels, rate, single) : new WaveFile(bytes, rate, channels, bits, len || 256);
    };
    return {
      spi_construct: guard((clock: string, mosi: string, miso: string, clockName: string, mosiName: string, misoName: string) =>
        spi.construct({ clock, mosi: orNull(mosi), miso: orNull(miso) }, [clockName, orNull(mosiName), orNull(misoName)]),
      ),
      spi_deinit: guard((id: number) => spi.deinit(id)),
      spi_configure: guard((id: number, baud: number, pol: number, pha: number, bits: number) => spi.configure(id, baud, pol, pha, bits)),
      spi_frequency: guard((id: number) => spi.frequency(id)),
      spi_transfer: guard((id: number, out: unknown, n: number, fill: number) => spi.transfer(id, out === null || out === undefined ? null : numbers(out), n, fill)),
      uart_construct: guard((pads: string, names: string, baud: number, bits: number, parity: string, stop: number, timeoutMs: number, size: number) => {
        const [tx, rx, rts, cts] = strings(pads).map(orNull);
        const [txName, rxName, rtsName, ctsName] = strings(names).map(orNull);
        return uart.construct({ tx: tx!, rx: rx!, rts: rts!, cts: cts!, names: [txName!, rxName!, rtsName!, ctsName!], baudrate: baud, bits, parity: parity as Parity, stop, timeoutMs, bufferSize: size });
      }),
      uart_timeout_ms: guard((timeout: number, isFloat: boolean) => uartTimeoutMs(timeout, isFloat)),
      uart_deinit: guard((id: number) => uart.deinit(id)),
      uart_read: guard((id: number, n: number) => uart.read(id, n)),
      uart_write: guard((id: number, bytes: unknown) => uart.write(id, numbers(bytes))),
      uart_in_waiting: guard((id: number) => uart.inWaiting(id)),
      uart_reset_input: guard((id: number) => uart.resetInputBuffer(id)),
      uart_set_baudrate: guard((id: number, baud: number) => uart.setBaudrate(id, baud)),
      uart_baudrate: guard((id: number) => uart.baudrate(id)),
      uart_set_timeout_ms: guard((id: number, ms: number) => uart.setTimeoutMs(id, ms)),
      uart_timeout: guard((id: number) => uart.timeoutSeconds(id)),
      pin_assert_free: guard((pad: string, name: string) => hal.assertFree(pad, name)),
      dac_construct: guard((pad: string, name: string) => dac.construct(pad, name)),
      dac_write: guard((value: number) => dac.write(value)),
      dac_deinit: guard(() => dac.deinit()),
      pulseout_construct: guard((pad: string, name: string, freq: number, duty: number) => pulse.outConstruct(pad, name, freq, duty)),
      pulseout_send: guard((id: number, pulses: unknown) => pulse.outSend(id, numbers(pulses))),
      pulseout_deinit: guard((id: number) => pulse.outDeinit(id)),
      pulsein_construct: guard((pad: string, name: string, maxlen: number, idle: boolean) => pulse.inConstruct(pad, name, maxlen, idle)),
      pulsein_pause: guard((id: number) => pulse.inPause(id)),
      pulsein_resume: guard((id: number, us: number) => pulse.inResume(id, us)),
      pulsein_clear: guard((id: number) => pulse.inClear(id)),
      pulsein_popleft: guard((id: number) => pulse.inPopleft(id)),
      pulsein_len: guard((id: number) => pulse.inLen(id)),
      pulsein_paused: guard((id: number) => pulse.inPaused(id)),
      pulsein_get: guard((id: number, index: number) => pulse.inGet(id, index)),
      pulsein_deinit: guard((id: number) => pulse.inDeinit(id)),
      audio_construct: guard((pad: string, name: string, quiescent: number) => audio.construct(pad, name, quiescent)),
      audio_play: guard((kind: string, data: unknown, bits: number, signed: boolean, channels: number, rate: number, single: boolean, len: number, loop: boolean) =>
        audio.play(sample(kind, data, bits, signed, channels, rate, single, len), loop),
      ),
      audio_stop: guard(() => audio.stop()),
      audio_pause: guard(() => audio.pause()),
      audio_resume: guard(() => audio.resume()),
      audio_playing: guard(() => audio.playing()),
      audio_paused: guard(() => audio.paused()),
      audio_deinit: guard(() => audio.deinit()),
      pdmin_construct: guard((clock: string, data: string, clockName: string, dataName: string, rate: number, bits: number, mono: boolean, oversample: number) =>
        pdm.construct(clock, data, [clockName, dataName], rate, bits, mono, oversample),
      ),
      pdmin_record: guard((id: number, n: number) => pdm.record(id, n)),
      pdmin_sample_rate: guard((id: number) => pdm.sampleRate(id)),
      pdmin_deinit: guard((id: number) => pdm.deinit(id)),
      cpu_temperature: guard(() => processor.temperature()),
      cpu_voltage: guard(() => processor.voltage()),
      counter_construct: guard((pad: string, name: string, edge: CountEdge, pull: Pull) => countio.construct(pad, name, edge, pull)),
      counter_count: guard((id: number) => countio.count(id)),
      counter_set_count: guard((id: number, value: number) => countio.setCount(id, value)),
      counter_deinit: guard((id: number) => countio.deinit(id)),
      encoder_construct: guard((a: string, b: string, nameA: string, nameB: string, divisor: number) => rotaryio.construct(a, b, nameA, nameB, divisor)),
      encoder_position: guard((id: number) => rotaryio.position(id)),
      encoder_set_position: guard((id: number, value: number) => rotaryio.setPosition(id, value)),
      encoder_divisor: guard((id: number) => rotaryio.divisor(id)),
      encoder_set_divisor: guard((id: number, value: number) => rotaryio.setDivisor(id, value)),
      encoder_deinit: guard((id: number) => rotaryio.deinit(id)),
      bbi2c_construct: guard((scl: string, sda: string, sclName: string, sdaName: string, freq: number, timeout: number) => bitbangI2c.construct(scl, sda, sclName, sdaName, freq, timeout)),
      bbi2c_probe: guard((id: number, address: number) => bitbangI2c.probe(id, address)),
      bbi2c_write: guard((id: number, address: number, data: unknown, stop: boolean) => bitbangI2c.write(id, address, numbers(data), stop)),
      bbi2c_read: guard((id: number, address: number, n: number) => bitbangI2c.read(id, address, n)),
      bbi2c_deinit: guard((id: number) => bitbangI2c.deinit(id)),
      bbspi_construct: guard((clock: string, mosi: string, miso: string, clockName: string, mosiName: string, misoName: string) =>
        bitbangSpi.construct([clock, orNull(mosi), orNull(miso)], [clockName, orNull(mosiName), orNull(misoName)]),
      ),
      bbspi_configure: guard((id: number, baud: number, pol: number, pha: number) => bitbangSpi.configure(id, baud, pol, pha)),
      bbspi_transfer: guard((id: number, out: unknown, n: number, fill: number, read: boolean) =>
        bitbangSpi.transfer(id, out === null || out === undefined ? null : numbers(out), n, fill, read),
      ),
      bbspi_deinit: guard((id: number) => bitbangSpi.deinit(id)),
    };
  }
}
