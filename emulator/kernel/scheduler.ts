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
  /** Frequency of the core clock in Hz, to derive seconds; boards/chips set it. */
  frequency: number;

  private heap: SimEvent[] = [];
  private nextSeq = 0;
  private limit = 0;

  constructor(frequency: number) {
    this.frequency = frequency;
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
    this.limit = cycle;
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
    this.deadline = Math.min(this.limit, this.nextEventCycle);
  }

  /** Jumps time forward to `cycle` (sleep): never backwards. */
  advanceTo(cycle: number): void {
    if (cycle > this.cycles) this.cycles = cycle;
  }

  /** Simulated seconds since power-on. */
  get seconds(): number {
    return this.cycles / this.frequency;
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
