/**
 * The simulation clock and event scheduler.
 *
 * Time is a cycle count of the machine's core clock (a JS number, exact to 2^53 cycles: about
 * six years at 48 MHz). Peripherals own their `SimEvent` objects (allocated once, at
 * construction) and (re)schedule them, so steady-state scheduling allocates nothing.
 *
 * The queue is a binary min-heap ordered by (cycle, sequence number); the sequence number makes
 * events due on the same cycle fire in the order they were scheduled, which keeps runs
 * deterministic. Each event remembers its heap index, so cancel and reschedule are O(log n).
 *
 * The CPU's run loop executes while `cycles < deadline`, where `deadline` is the earlier of the
 * next event and the run limit; scheduling an earlier event or calling `requestBreak()` lowers
 * the deadline so the loop returns promptly.
 *
 * The CPU clock may change while the machine runs (SAMD21 GCLK0/CPUSEL, ESP8266 CPU2X): one cycle
 * stays one CPU cycle, so the cores charge time exactly as before and pay nothing for it.
 * `setFrequency` starts a new epoch for `seconds` and rescales every pending event (and the run
 * limit) so it still fires at the same simulated time; a peripheral that derives a count from a
 * cycle interval re-bases on its chip's clock-change notification, which the chip sends around
 * the frequency change (see boards/chips/samd21.ts). Rounding is deterministic.
 */
export type EventCallback = (scheduler: Scheduler) => void;

export class SimEvent {
  /** Cycle at which the event fires; meaningful only while scheduled. */
  cycle = 0;
  /** Tie-breaker: the order of scheduling. */
  seq = 0;
  /** Position in the heap, or -1 when not scheduled. */
  index = -1;
  constructor(
    readonly name: string,
    public callback: EventCallback,
    /**
     * The event counts CPU cycles (SysTick, CCOMPARE): a CPU clock change leaves its cycle as it
     * is. Other events keep their simulated time (they are rescaled).
     */
    readonly cpuClock = false,
  ) {}
  get scheduled(): boolean {
    return this.index >= 0;
  }
}

export class Scheduler {
  /** Current time in core-clock cycles. The CPU advances it directly. */
  cycles = 0;
  /** The CPU runs while cycles < deadline. */
  deadline = 0;
  private freq: number;
  /** Cycle and simulated seconds at the last frequency change (the current epoch's origin). */
  private epochCycle = 0;
  private epochSeconds = 0;

  private heap: SimEvent[] = [];
  private nextSeq = 0;
  private runLimit = 0;

  constructor(frequency: number) {
    this.freq = frequency;
  }

  /** Frequency of the core clock in Hz (cycles per simulated second, in the current epoch). */
  get frequency(): number {
    return this.freq;
  }

  /** The cycle at which the current run stops (rescaled with the frequency). */
  get limit(): number {
    return this.runLimit;
  }

  /**
   * Changes the core clock to `hz` from now on. Pending events and the run limit keep their
   * simulated time: their distance from now is scaled by new/old (rounded up, so an event never
   * fires early), and the heap is rebuilt in the old (cycle, seq) order.
   */
  setFrequency(hz: number): void {
    if (!(hz > 0) || hz === this.freq) return;
    const now = this.cycles;
    const ratio = hz / this.freq;
    this.epochSeconds = this.seconds;
    this.epochCycle = now;
    this.freq = hz;
    const scale = (cycle: number) => (cycle <= now || cycle === Infinity ? cycle : now + Math.ceil((cycle - now) * ratio - 1e-9));
    const events = this.heap.slice().sort((a, b) => (this.less(a, b) ? -1 : 1));
    this.heap.length = 0;
    for (const e of events) {
      if (!e.cpuClock) e.cycle = scale(e.cycle);
      // Keep the old order among events that rounding brought to the same cycle.
      e.seq = this.nextSeq++;
      e.index = this.heap.length;
      this.heap.push(e);
      this.siftUp(e.index);
    }
    this.runLimit = scale(this.runLimit);
    this.deadline = Math.min(this.runLimit, this.nextEventCycle, this.deadline <= now ? now : Infinity);
  }

  /** Cycle of the earliest scheduled event, or Infinity. */
  get nextEventCycle(): number {
    return this.heap.length > 0 ? this.heap[0].cycle : Infinity;
  }

  /** Schedules (or reschedules) `event` to fire `delay` cycles from now. */
  scheduleIn(event: SimEvent, delay: number): void {
    this.scheduleAt(event, this.cycles + Math.max(0, delay));
  }

  /** Schedules (or reschedules) `event` to fire at absolute cycle `cycle`. */
  scheduleAt(event: SimEvent, cycle: number): void {
    if (event.index >= 0) this.remove(event);
    event.cycle = cycle;
    event.seq = this.nextSeq++;
    event.index = this.heap.length;
    this.heap.push(event);
    this.siftUp(event.index);
    if (cycle < this.deadline) this.deadline = cycle;
  }

  cancel(event: SimEvent): void {
    if (event.index >= 0) this.remove(event);
  }

  /** Sets the cycle at which the current run stops, and recomputes the deadline. */
  setLimit(cycle: number): void {
    this.runLimit = cycle;
    this.deadline = Math.min(cycle, this.nextEventCycle);
  }

  /** Makes the CPU's run loop return after the current instruction (an interrupt, a halt). */
  requestBreak(): void {
    this.deadline = this.cycles;
  }

  /** Fires every event due at or before the current cycle, in (cycle, seq) order. */
  runDue(): void {
    const heap = this.heap;
    while (heap.length > 0 && heap[0].cycle <= this.cycles) {
      const event = heap[0];
      this.remove(event);
      event.callback(this);
    }
    this.deadline = Math.min(this.runLimit, this.nextEventCycle);
  }

  /** Jumps time forward to `cycle` (sleep): never backwards. */
  advanceTo(cycle: number): void {
    if (cycle > this.cycles) this.cycles = cycle;
  }

  /** Simulated seconds since power-on. */
  get seconds(): number {
    return this.epochSeconds + (this.cycles - this.epochCycle) / this.freq;
  }

  /** Cycles from now until `seconds` of simulated time have passed (at the current frequency). */
  cyclesIn(seconds: number): number {
    return Math.ceil(seconds * this.freq);
  }

  private remove(event: SimEvent): void {
    const heap = this.heap;
    const i = event.index;
    const last = heap.pop()!;
    event.index = -1;
    if (last !== event) {
      heap[i] = last;
      last.index = i;
      this.siftDown(i);
      this.siftUp(last.index);
    }
  }

  private less(a: SimEvent, b: SimEvent): boolean {
    return a.cycle < b.cycle || (a.cycle === b.cycle && a.seq < b.seq);
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    const item = heap[i];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(item, heap[parent])) break;
      heap[i] = heap[parent];
      heap[i].index = i;
      i = parent;
    }
    heap[i] = item;
    item.index = i;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const item = heap[i];
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.less(heap[child + 1], heap[child])) child++;
      if (!this.less(heap[child], item)) break;
      heap[i] = heap[child];
      heap[i].index = i;
      i = child;
    }
    heap[i] = item;
    item.index = i;
  }
}
