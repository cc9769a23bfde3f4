/**
 * SERCOM in I2C master mode (data sheet section 28 "SERCOM I2C", 28.6.2.4 "I2C Master Operation").
 *
 * Transaction-level: the attached `I2cBus` sees START+address, bytes and STOP; the timing is
 * 9 SCL periods per address/data byte (plus one for a (repeated) START), with
 * f_SCL = f_GCLK / (10 + 2 BAUD) when BAUDLOW = 0, else f_GCLK / (10 + BAUD + BAUDLOW)
 * (28.6.2.4.1, rise time neglected).
 *
 * - Bus state (STATUS.BUSSTATE): UNKNOWN after enable; IDLE when firmware forces it by writing
 *   BUSSTATE = 1 (what ASF4's _i2c_m_enable_implementation and CircuitPython do), after a STOP,
 *   or after the inactive-bus time-out CTRLA.INACTOUT; OWNER from START to STOP.
 *   Writing ADDR with the bus UNKNOWN sets MB and STATUS.BUSERR and does nothing (28.6.2.4.2).
 * - ADDR write (28.6.2.4.2): START (repeated START while OWNER) + address.
 *     write, ACK:  MB, RXNACK = 0, bus OWNER;   NACK: MB, RXNACK = 1 (firmware sends STOP).
 *     read,  ACK:  the first byte is received, then SB;  NACK: MB, RXNACK = 1.
 * - DATA write (direction write): the byte goes out; MB when done, RXNACK = the device's NACK.
 * - DATA read (direction read): returns the received byte. With CTRLB.SMEN = 1 (smart mode,
 *   which ASF4 always sets) the read also sends CTRLB.ACKACT: ACK -> the next byte is received
 *   (SB again); NACK -> nothing more (28.6.2.4.5 "Smart Mode").
 * - CTRLB.CMD (28.10.2): 1 = ACKACT then repeated START with the current ADDR, 2 = ACKACT then
 *   read the next byte, 3 = ACKACT then STOP. CMD reads back 0 once executed.
 * - MB/SB are cleared by writing 1, or by writing ADDR, DATA or CMD (28.10.6); STATUS.CLKHOLD
 *   reads 1 while either is set (the master stretches SCL).
 * - SYNCBUSY.SYSOP is 1 for a few GCLK periods after CMD/ADDR/DATA/BUSSTATE writes.
 * High-speed mode, 10-bit addresses, ADDR.LENEN (DMA length) and SCL-low time-outs are not
 * modelled (10-bit addresses NACK).
 *
 * Pin routing (sercom.ts, `Sercom.i2cRouted`): SDA must be PAD0 and SCL PAD1 (28.5.1) on the
 * wired pins, selected by PMUX/PINCFG. If either is not, the master drives pads connected to
 * nothing: the devices see no START, address, data or STOP, and the master samples its released
 * lines, which (like a bus with only its pull-ups) read high. The data sheet's outcome for that is
 * 28.6.2.4.2 "Case 1: Address packet transmit complete - No ACK received": INTFLAG.MB and
 * STATUS.RXNACK set. So an address (either direction) NACKs, a data write NACKs and a read returns
 * 0xFF. We do not model the alternative of a line held low (ARBLOST/BUSERR), since the data sheet
 * does not say a disconnected pad input reads 0, and a floating bus with pull-ups is what a
 * board-level "device not answering" looks like to firmware.
 */
import { SimEvent } from '../../emulator/kernel/scheduler.js';
import { type Sercom, type SercomEngine } from './sercom.js';
import { SERCOM_I2CM_ADDR, SERCOM_I2CM_BAUD, SERCOM_I2CM_BUSSTATE as BUSSTATE, SERCOM_I2CM_CMD, SERCOM_I2CM_CTRLA, SERCOM_I2CM_CTRLB, SERCOM_I2CM_INT, SERCOM_I2CM_STATUS, SERCOM_SYNCBUSY } from './sercom-registers.js';

const { MB: INTFLAG_MB, SB: INTFLAG_SB, ERROR: INTFLAG_ERROR } = SERCOM_I2CM_INT;
const { BUSERR: STATUS_BUSERR, RXNACK: STATUS_RXNACK, CLKHOLD: STATUS_CLKHOLD, BUSSTATE_Pos, BUSSTATE_Msk } = SERCOM_I2CM_STATUS;
const { SMEN: CTRLB_SMEN, ACKACT: CTRLB_ACKACT, CMD_Pos, CMD_Msk } = SERCOM_I2CM_CTRLB;
/** INACTOUT 1/2/3 → SCL periods before the bus counts as idle (5-6 / 10-11 / 20-21, 28.10.1). */
const INACTOUT_SCL_PERIODS = [0, 6, 11, 21] as const;
/** What DATA reads when no slave drives SDA. */
const SDA_IDLE = 0xff;
/** 7-bit address field of ADDR (bits 7:1; bit 0 is R/W). */
const ADDR7_Msk = 0x7f;
const BYTE = 0xff;

type Pending = 'none' | 'address' | 'write' | 'read' | 'stop';

export class SercomI2cMaster implements SercomEngine {
  readonly readOnlyFlags = 0;
  readonly dmaRxFlag = INTFLAG_SB;
  readonly dmaTxFlag = INTFLAG_MB;

  busState: number = BUSSTATE.UNKNOWN;
  private reading = false;
  private rxByte = SDA_IDLE;
  /** A received byte awaits the ACK/NACK decision (smart-mode DATA read or CMD). */
  private awaitingAck = false;
  private pending: Pending = 'none';
  private txByte = 0;
  private readonly done: SimEvent;
  private readonly inactive: SimEvent;

  constructor(private readonly s: Sercom) {
    this.done = new SimEvent(`${s.name}.I2C.op`, () => this.complete());
    this.inactive = new SimEvent(`${s.name}.I2C.inactout`, () => {
      if (this.busState === BUSSTATE.UNKNOWN) this.setBusState(BUSSTATE.IDLE);
    });
  }

  reset(): void {
    const sch = this.s.chip.scheduler;
    sch.cancel(this.done);
    sch.cancel(this.inactive);
    this.busState = BUSSTATE.UNKNOWN;
    this.pending = 'none';
    this.awaitingAck = false;
    this.reading = false;
  }

  private setBusState(state: number): void {
    this.busState = state;
    this.refreshStatus();
  }

  private refreshStatus(): void {
    const st = this.s.STATUS;
    let v = (st.value & ~(BUSSTATE_Msk | STATUS_CLKHOLD)) | (this.busState << BUSSTATE_Pos);
    if (this.s.int.flags() & (INTFLAG_MB | INTFLAG_SB)) v |= STATUS_CLKHOLD;
    st.value = v >>> 0;
  }

  private setRxNack(nack: boolean): void {
    const st = this.s.STATUS;
    st.value = (nack ? st.value | STATUS_RXNACK : st.value & ~STATUS_RXNACK) >>> 0;
  }

  setEnabled(on: boolean): void {
    this.reset();
    if (on) {
      const inactout = (this.s.CTRLA.value & SERCOM_I2CM_CTRLA.INACTOUT_Msk) >>> SERCOM_I2CM_CTRLA.INACTOUT_Pos;
      if (inactout) this.s.chip.scheduler.scheduleIn(this.inactive, INACTOUT_SCL_PERIODS[inactout] * this.sclCycles());
    }
    this.refreshStatus();
    if (!on) this.s.lower(INTFLAG_MB | INTFLAG_SB | INTFLAG_ERROR);
  }

  /** Scheduler cycles per SCL period. */
  sclCycles(): number {
    const b = this.s.BAUD.value;
    const baud = (b & SERCOM_I2CM_BAUD.BAUD_Msk) >>> SERCOM_I2CM_BAUD.BAUD_Pos;
    const baudlow = (b & SERCOM_I2CM_BAUD.BAUDLOW_Msk) >>> SERCOM_I2CM_BAUD.BAUDLOW_Pos;
    const div = baudlow ? 10 + baud + baudlow : 10 + 2 * baud;
    return Math.max(1, div * this.s.cyclesPerGclk());
  }

  private sysop(): void {
    this.s.sync.start(SERCOM_SYNCBUSY.SYSOP, 3);
  }

  private schedule(op: Pending, sclPeriods: number): void {
    this.pending = op;
    this.s.chip.scheduler.scheduleIn(this.done, Math.max(1, Math.round(sclPeriods * this.sclCycles())));
  }

  private clearHold(): void {
    this.s.lower(INTFLAG_MB | INTFLAG_SB);
    this.refreshStatus();
  }

  addrWritten(value: number): void {
    if (!this.s.enabled) return;
    this.sysop();
    this.clearHold();
    if (this.pending === 'stop') {
      // A STOP still going out finishes before the new START (the master waits for it).
      this.s.chip.scheduler.cancel(this.done);
      this.complete();
    }
    if (this.pending !== 'none') return; // busy shifting: ignored
    if (this.busState === BUSSTATE.UNKNOWN || this.busState === BUSSTATE.BUSY) {
      this.s.setStatus(STATUS_BUSERR);
      this.raise(INTFLAG_MB | INTFLAG_ERROR);
      return;
    }
    this.startAddress(value);
  }

  private startAddress(value: number): void {
    this.awaitingAck = false;
    this.setBusState(BUSSTATE.OWNER);
    this.reading = (value & SERCOM_I2CM_ADDR.READ) !== 0;
    this.txByte = value;
    // (repeated) START + 8 address bits + ACK; a read also clocks in the first byte.
    this.schedule('address', 10);
  }

  private raise(bits: number): void {
    this.s.raise(bits);
    this.refreshStatus();
  }

  private complete(): void {
    const op = this.pending;
    this.pending = 'none';
    // Not routed to the wired pins: as if nothing were on the bus (see the module comment).
    const bus = this.s.i2cBus !== null && this.s.i2cRouted() ? this.s.i2cBus : null;
    switch (op) {
      case 'address': {
        const value = this.txByte;
        const ack = !(value & SERCOM_I2CM_ADDR.TENBITEN) && bus !== null && bus.start((value >>> 1) & ADDR7_Msk, this.reading);
        this.setRxNack(!ack);
        if (ack && this.reading) {
          this.pending = 'read';
          this.s.chip.scheduler.scheduleIn(this.done, Math.max(1, Math.round(9 * this.sclCycles())));
          return;
        }
        this.raise(INTFLAG_MB);
        return;
      }
      case 'write': {
        const ack = bus ? bus.write(this.txByte) : false;
        this.setRxNack(!ack);
        this.raise(INTFLAG_MB);
        return;
      }
      case 'read':
        this.rxByte = bus ? bus.read() : SDA_IDLE;
        this.awaitingAck = true;
        this.raise(INTFLAG_SB);
        return;
      case 'stop':
        bus?.stop();
        this.setBusState(BUSSTATE.IDLE);
        return;
    }
  }

  writeData(value: number): void {
    if (!this.s.enabled) return;
    this.sysop();
    this.clearHold();
    if (this.busState !== BUSSTATE.OWNER || this.reading || this.pending !== 'none') return;
    this.txByte = value & BYTE;
    this.schedule('write', 9);
  }

  readData(): number {
    const v = this.rxByte;
    if (this.s.enabled && this.reading && this.awaitingAck && this.s.CTRLB.value & CTRLB_SMEN && this.pending === 'none') {
      // Smart mode: reading DATA sends ACKACT (28.6.2.4.5).
      this.clearHold();
      this.sysop();
      this.awaitingAck = false;
      if (!(this.s.CTRLB.value & CTRLB_ACKACT)) this.schedule('read', 9);
    }
    return v;
  }

  ctrlbWritten(value: number): void {
    const cmd = (value & CMD_Msk) >>> CMD_Pos;
    if (cmd === SERCOM_I2CM_CMD.NONE) return;
    // CMD is a strobe: it reads 0 after execution.
    this.s.CTRLB.value = (value & ~CMD_Msk) >>> 0;
    if (!this.s.enabled || this.busState !== BUSSTATE.OWNER) return;
    this.sysop();
    this.clearHold();
    // The ACK/NACK of a received byte goes out first (1 SCL period).
    const ackBit = this.reading && this.awaitingAck ? 1 : 0;
    this.awaitingAck = false;
    if (cmd === SERCOM_I2CM_CMD.REPEATED_START) {
      this.s.chip.scheduler.cancel(this.done);
      this.pending = 'none';
      this.startAddress(this.s.ADDR.value);
      if (ackBit) this.schedule('address', 11);
    } else if (cmd === SERCOM_I2CM_CMD.READ) {
      if (this.reading && this.pending === 'none') this.schedule('read', 9 + ackBit);
    } else {
      this.s.chip.scheduler.cancel(this.done);
      this.schedule('stop', 1 + ackBit);
    }
  }

  statusWritten(written: number, mask: number): void {
    if (mask & BUSSTATE_Msk) {
      const state = (written & BUSSTATE_Msk) >>> BUSSTATE_Pos;
      // Only IDLE may be forced (28.10.7); it needs SYSOP synchronisation.
      if (state === BUSSTATE.IDLE && this.s.enabled) {
        this.sysop();
        this.busState = BUSSTATE.IDLE;
      }
    }
    this.refreshStatus();
  }

  flagsCleared(): void {
    this.refreshStatus();
  }

  rxRequest(): boolean {
    return (this.s.int.flags() & INTFLAG_SB) !== 0;
  }

  txRequest(): boolean {
    return (this.s.int.flags() & INTFLAG_MB) !== 0 && !this.reading;
  }
}
