/**
 * The external interrupt controller as CircuitPython's drivers share it: samd-peripherals'
 * external_interrupts.c (controller on/off, a channel's CONFIG sense, INTENSET/INTENCLR) and the port's
 * eic_handler.c (one EIC_Handler for the chip's single EIC line, calling the driver that owns each flagged
 * channel: PulseIn, countio's Counter, rotaryio's IncrementalEncoder), against the EIC, PM and GCLK registers.
 */
import { IRQ } from '../../../peripherals/samd21/memory-map.js';
import { EIC_REG } from '../../../peripherals/samd21/eic.js';
import type { Samd21Hal } from './hal.js';
import type { HostedNvic } from './nvic.js';

const PM_APBAMASK = 0x40000400 + 0x18;
const GCLK_CLKCTRL = 0x40000c00 + 0x02;
const EIC = 0x40001800;
const EIC_GCLK = 5;
/** PM.APBAMASK.EIC. */
const APBA_EIC = 1 << 6;
const CTRL_ENABLE = 1 << 1;

/** A driver's handler for its channel (eic_handler.c's switch on the channel's handler kind). */
export type EicChannelHandler = (channel: number) => void;

export class HostedEic {
  private readonly handlers: (EicChannelHandler | null)[] = new Array(16).fill(null);

  constructor(
    private readonly hal: Samd21Hal,
    private readonly nvic: HostedNvic,
  ) {}

  private sync(): void {
    const h = this.hal;
    h.waitFor(() => (h.r8(EIC + EIC_REG.STATUS) & 0x80) === 0, 'EIC STATUS.SYNCBUSY');
  }

  /** eic_get_enable. */
  enabled(): boolean {
    return (this.hal.r8(EIC + EIC_REG.CTRL) & CTRL_ENABLE) !== 0;
  }

  /** eic_channel_free: no interrupt or event enabled on the channel, and no driver holding it. */
  channelFree(channel: number): boolean {
    const h = this.hal;
    const mask = 1 << channel;
    return this.handlers[channel] === null && (h.r32(EIC + EIC_REG.INTENSET) & mask) === 0 && (h.r32(EIC + EIC_REG.EVCTRL) & mask) === 0;
  }

  /** turn_on_external_interrupt_controller: bus clock, GCLK generator 0 on the EIC channel, CTRL.ENABLE. */
  turnOnController(): void {
    const h = this.hal;
    h.w32(PM_APBAMASK, h.r32(PM_APBAMASK) | APBA_EIC);
    h.w16(GCLK_CLKCTRL, EIC_GCLK | (0 << 8) | (1 << 14));
    h.w8(EIC + EIC_REG.CTRL, h.r8(EIC + EIC_REG.CTRL) | CTRL_ENABLE);
    this.sync();
  }

  /** configure_eic_channel: the channel's 4-bit CONFIG field (SENSE, FILTEN). */
  configure(channel: number, sense: number): void {
    const h = this.hal;
    const addr = EIC + EIC_REG.CONFIG0 + 4 * (channel >> 3);
    const pos = (channel & 7) * 4;
    h.w32(addr, (h.r32(addr) & ~(0xf << pos)) | (sense << pos));
  }

  /** set_eic_handler + turn_on_eic_channel: the sense written, the channel's interrupt enabled. */
  turnOnChannel(channel: number, sense: number, handler: EicChannelHandler): void {
    this.handlers[channel] = handler;
    this.configure(channel, sense);
    this.hal.w32(EIC + EIC_REG.INTENSET, 1 << channel);
    this.nvic.setHandler(IRQ.EIC, () => this.isr());
  }

  /** Claims a channel for a driver whose own code enables its interrupt later (PulseIn). */
  setHandler(channel: number, handler: EicChannelHandler | null): void {
    this.handlers[channel] = handler;
    if (handler) this.nvic.setHandler(IRQ.EIC, () => this.isr());
  }

  /** set_eic_handler(NO_INTERRUPT) + turn_off_eic_channel: the controller goes off with its last user. */
  turnOffChannel(channel: number): void {
    const h = this.hal;
    h.w32(EIC + EIC_REG.INTENCLR, 1 << channel);
    this.handlers[channel] = null;
    const inten = h.r32(EIC + EIC_REG.INTENSET) & 0xffff;
    if (inten === 0) this.nvic.setHandler(IRQ.EIC, null);
    if ((h.r32(EIC + EIC_REG.EVCTRL) & 0xffff) === 0 && inten === 0) {
      h.w8(EIC + EIC_REG.CTRL, h.r8(EIC + EIC_REG.CTRL) & ~CTRL_ENABLE);
      this.sync();
      h.w32(PM_APBAMASK, h.r32(PM_APBAMASK) & ~APBA_EIC);
    }
  }

  /** EIC_Handler: each flagged channel's driver, then its flag cleared. */
  private isr(): void {
    const h = this.hal;
    const flags = h.r32(EIC + EIC_REG.INTFLAG) & 0xffff;
    for (let ch = 0; ch < 16; ch++) {
      if ((flags & (1 << ch)) === 0) continue;
      this.handlers[ch]?.(ch);
      h.w32(EIC + EIC_REG.INTFLAG, 1 << ch);
    }
  }
}
