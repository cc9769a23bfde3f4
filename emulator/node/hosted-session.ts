/**
 * A BoardSession on the hosted engine: an EngineSession (emulator/scenario/session.ts) over a
 * HostedScenarioEngine in a worker_thread (this file is that worker's entry too).
 *
 * Python runs synchronously in the worker, so the board stands still by blocking there: at the simulated
 * instant a request's steps settle (inside the board's own callbacks) the worker posts the reply and waits in
 * Atomics.wait for the next request, which it takes with receiveMessageOnPort (it never returns to its event
 * loop while Python runs). A request that needs simulated time to pass lets the worker return and run on.
 */
import { MessageChannel, Worker, isMainThread, parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { HostedScenarioEngine } from '../scenario/hosted-engine.js';
import { BoardSessionError, EngineSession, type SessionReply, type SessionRequest } from '../scenario/session.js';
import { SerialLog } from '../scenario/runner.js';
import { CONTROL_BYTES } from '../../firmware-runtime/hosted/protocol.js';
import { builtWorkerUrl, STALL_WALL_SECONDS, stallMessage, watchStall } from './hosted-scenario.js';

interface SessionJob {
  hostedSession: true;
  board: string;
  flash: Uint8Array;
  epoch?: number;
  control: SharedArrayBuffer;
  /** Int32 [0]: bumped with a notify when a request is posted on `requests`. */
  wake: SharedArrayBuffer;
  requests: MessagePort;
}

type SessionMessage =
  | { type: 'serial'; bytes: Uint8Array }
  | { type: 'reply'; reply: SessionReply }
  | { type: 'crash'; message: string };

/** The main thread's end of a hosted session. */
export class HostedSessionClient {
  /** The console output so far. */
  readonly log = new SerialLog();
  private readonly worker: Worker;
  private readonly requests: MessagePort;
  private readonly wake: Int32Array;
  private pending: { resolve: (r: SessionReply) => void; reject: (e: Error) => void; stopWatching: () => void } | null = null;
  private broken: Error | null = null;
  private closed = false;

  constructor(
    private readonly options: { board: string; flash: Uint8Array; epoch?: number; stallWallSeconds?: number },
  ) {
    const { port1, port2 } = new MessageChannel();
    this.requests = port1;
    const wake = new SharedArrayBuffer(4);
    this.wake = new Int32Array(wake);
    this.control = new SharedArrayBuffer(CONTROL_BYTES);
    const data: SessionJob = { hostedSession: true, board: options.board, flash: options.flash, epoch: options.epoch, control: this.control, wake, requests: port2 };
    this.worker = new Worker(builtWorkerUrl('hosted-session.js'), { workerData: data, transferList: [port2] });
    // The worker keeps the process alive only while a request is under way: a test that forgets close() still ends.
    this.worker.unref();
    this.requests.unref();
    this.worker.on('message', (m: SessionMessage) => this.message(m));
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => this.fail(new Error(`the hosted engine's worker exited (code ${code})`)));
  }

  private readonly control: SharedArrayBuffer;

  /** Sends one request (the caller sends the next only after this one's reply). */
  request(request: SessionRequest): Promise<SessionReply> {
    if (this.broken) return Promise.reject(this.broken);
    if (this.closed) return Promise.reject(new Error('the board session is closed'));
    if (this.pending) return Promise.reject(new Error('a request is already under way'));
    return new Promise((resolve, reject) => {
      const stall = this.options.stallWallSeconds ?? STALL_WALL_SECONDS;
      // Python looping without ever sleeping or calling a module stops simulated time: no step could settle.
      const stopWatching = watchStall(this.control, stall, (seconds) => this.fail(new BoardSessionError('ended', stallMessage(seconds, stall), seconds)));
      this.pending = { resolve, reject, stopWatching };
      this.worker.ref();
      this.requests.postMessage(request);
      Atomics.add(this.wake, 0, 1);
      Atomics.notify(this.wake, 0);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.settlePending()?.reject(new Error('the board session was closed'));
    this.requests.close();
    await this.worker.terminate();
  }

  /** The request under way, now answered (or failed): no longer watched, and the worker no longer keeps the process alive. */
  private settlePending(): HostedSessionClient['pending'] {
    const p = this.pending;
    this.pending = null;
    if (p) {
      p.stopWatching();
      this.worker.unref();
    }
    return p;
  }

  private message(m: SessionMessage): void {
    if (m.type === 'serial') this.log.push(m.bytes);
    else if (m.type === 'crash') this.fail(new Error(`the hosted engine failed: ${m.message}`));
    else this.settlePending()?.resolve(m.reply);
  }

  private fail(error: Error): void {
    if (this.broken || this.closed) return;
    this.broken = error;
    this.settlePending()?.reject(error);
    void this.worker.terminate();
  }
}

/** Inside the worker: serves requests until closed (terminated by the main thread). */
function work(job: SessionJob): void {
  const port = parentPort!;
  const post = (m: SessionMessage): void => port.postMessage(m);
  const wake = new Int32Array(job.wake);
  const park = (): never => {
    for (;;) Atomics.wait(wake, 0, Atomics.load(wake, 0) + 1); // never notified with that value: sleeps until terminated
  };
  const crash = (e: unknown): never => {
    post({ type: 'crash', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    return park();
  };
  const next = (): SessionRequest => {
    for (;;) {
      const seen = Atomics.load(wake, 0);
      const m = receiveMessageOnPort(job.requests);
      if (m) return m.message as SessionRequest;
      Atomics.wait(wake, 0, seen);
    }
  };
  let session: EngineSession;
  let engine: HostedScenarioEngine;
  try {
    engine = new HostedScenarioEngine({
      board: job.board,
      flash: job.flash,
      control: job.control,
      epoch: job.epoch,
      onEnd: (end) => session.ended(end),
      onCrash: (message) => crash(new Error(message)),
    });
    // Before the session's own listener: the console bytes reach the main thread before a reply they settle.
    engine.onSerial((bytes) => post({ type: 'serial', bytes: bytes.slice() }));
    session = new EngineSession(engine);
  } catch (e) {
    return crash(e);
  }
  /** Answers requests while the board stands still; returns when one needs simulated time to pass. */
  const serve = (): void => {
    for (;;) {
      const request = next();
      let atOnce = true;
      let answered: boolean;
      try {
        answered = session.handle(request, (reply) => {
          if (atOnce) return post({ type: 'reply', reply });
          // Settled later, inside the board's callbacks: output so far goes out first, then the board stands still here.
          engine.engine.flush();
          post({ type: 'reply', reply });
          serve();
        });
      } catch (e) {
        return crash(e);
      }
      atOnce = false;
      if (!answered) return;
    }
  };
  serve();
  void engine.run(Infinity);
}

const data = workerData as SessionJob | undefined;
if (!isMainThread && parentPort && data?.hostedSession) work(data);
