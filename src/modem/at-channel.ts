// at-channel.ts: the AT transaction engine: one command in flight, per-command timeouts, final results, URCs routed
// apart.
import { CodedError } from '../errors.js';
import type { Clock } from '../clock.js';
import { cmeText, cmsText } from './cme-errors.js';
import { AtFramer, type BinaryRule, type FrameEvent } from './framer.js';
import type { ByteLink } from './link.js';

/** What a successful command returns: information lines, binary payloads and the final result text. */
export interface AtResponse {
  lines: string[];
  data: { header: string; data: Uint8Array }[];
  final: string;
}

export interface AtCommandOptions {
  timeoutMs?: number;
  /**
   * Prefix of this command's information response (e.g. '+CEREG:'): such lines are the response even if they look like
   * a URC.
   */
  expect?: string;
  /** Bytes to write after the `>` prompt (AT+QISEND / AT+CASEND). */
  payload?: Uint8Array;
  /** The payload is asked for by this line instead of the `>` prompt (SIM7080 AT+CFSWFILE: `DOWNLOAD`). */
  promptLine?: string;
}

export interface AtChannelOptions {
  timers: Clock;
  defaultTimeoutMs?: number;
  /** Prefixes of unsolicited result codes (TS 27.007 §4.1 / vendor manuals). */
  urcPrefixes?: readonly string[];
  binaryRules?: readonly BinaryRule[];
  /** Extra success / failure final results (Quectel: SEND OK / SEND FAIL). */
  okFinals?: readonly string[];
  errorFinals?: readonly string[];
  log?: { debug(o: object, msg?: string): void; warn(o: object, msg?: string): void };
}

export type UrcListener = (line: string, data?: Uint8Array) => void;

interface Pending {
  cmd: string;
  opts: AtCommandOptions;
  resolve(r: AtResponse): void;
  reject(e: Error): void;
}

/** The standard URCs of TS 27.007 that a data modem sends; profiles add their vendor ones. */
export const STANDARD_URCS = [
  '+CEREG:',
  '+CREG:',
  '+CGREG:',
  '+CSCON:',
  '+CGEV:',
  '+CPIN:',
  '+CEDRXP:',
  '+CTZV:',
  '+CTZE:',
  'RDY',
  '+CFUN:',
];

export class AtChannel {
  private readonly framer: AtFramer;
  private readonly queue: Pending[] = [];
  private current: { p: Pending; res: AtResponse; timer: unknown } | undefined;
  private readonly urcListeners = new Set<UrcListener>();
  private closed = false;
  private urcPrefixes: readonly string[];
  private okFinals: Set<string>;
  private errorFinals: Set<string>;

  constructor(
    private readonly link: ByteLink,
    private readonly o: AtChannelOptions,
  ) {
    this.urcPrefixes = o.urcPrefixes ?? STANDARD_URCS;
    this.okFinals = new Set(['OK', ...(o.okFinals ?? [])]);
    this.errorFinals = new Set(['ERROR', 'NO CARRIER', 'ABORTED', ...(o.errorFinals ?? [])]);
    this.framer = new AtFramer(o.binaryRules ?? [], (ev) => this.onFrame(ev));
    link.onData((d) => this.framer.push(d));
    link.onClose?.((reason) => this.shutdown(reason));
  }

  /**
   * Sends `cmd` (without CR) when the previous command has finished; resolves on OK, rejects with AT_ERROR /
   * AT_CME_ERROR / AT_CMS_ERROR / AT_TIMEOUT / AT_CLOSED.
   */
  command(cmd: string, opts: AtCommandOptions = {}): Promise<AtResponse> {
    if (this.closed) return Promise.reject(new CodedError('AT_CLOSED', 'AT channel is closed'));
    return new Promise<AtResponse>((resolve, reject) => {
      this.queue.push({ cmd, opts, resolve, reject });
      this.next();
    });
  }

  /** Switches dialect once the profile is known (after ATI / AT+CGMM detection). */
  setDialect(d: Pick<AtChannelOptions, 'urcPrefixes' | 'binaryRules' | 'okFinals' | 'errorFinals'>): void {
    if (d.urcPrefixes) this.urcPrefixes = d.urcPrefixes;
    if (d.binaryRules) this.framer.rules = d.binaryRules;
    this.okFinals = new Set(['OK', ...(d.okFinals ?? [])]);
    this.errorFinals = new Set(['ERROR', 'NO CARRIER', 'ABORTED', ...(d.errorFinals ?? [])]);
  }

  /** Listens to URCs (and to unknown unsolicited lines); returns an unsubscribe function. */
  onUrc(listener: UrcListener): () => void {
    this.urcListeners.add(listener);
    return () => this.urcListeners.delete(listener);
  }

  /**
   * Resolves with the next URC matching `re` (register before the command that triggers it); rejects with AT_TIMEOUT
   * after `timeoutMs`, or AT_URC_FAILED on a URC matching `fail`. A rejection nobody awaits is never unhandled.
   */
  waitUrc(re: RegExp, timeoutMs: number, fail?: RegExp): { promise: Promise<string>; cancel(): void } {
    let off: () => void = () => undefined;
    let timer: unknown;
    let cancel: () => void = () => undefined;
    const promise = new Promise<string>((resolve, reject) => {
      const done = (): void => {
        off();
        this.o.timers.clearTimeout(timer);
      };
      off = this.onUrc((line) => {
        if (re.test(line)) {
          done();
          resolve(line);
        } else if (fail?.test(line)) {
          done();
          reject(new CodedError('AT_URC_FAILED', `modem reported: ${line}`, { line, phase: 'urc' }));
        }
      });
      timer = this.o.timers.setTimeout(() => {
        off();
        reject(new CodedError('AT_TIMEOUT', `no ${re.source} within ${timeoutMs} ms`, { phase: 'urc' }));
      }, timeoutMs);
      cancel = () => {
        done();
        resolve('');
      };
    });
    promise.catch(() => undefined);
    return { promise, cancel };
  }

  /**
   * A command whose result arrives later as a URC (after OK): the URC listener is set before the command is sent and
   * its `timeoutMs` counts from the OK, so time spent waiting for the command itself (a queue, a silent modem) is not
   * charged to the URC. Rejects like command(), or with AT_TIMEOUT / AT_URC_FAILED (details.phase 'urc') for the URC.
   * Resolves with the response and the URC.
   */
  async commandThenUrc(
    cmd: string,
    opts: AtCommandOptions,
    urc: { re: RegExp; fail?: RegExp; timeoutMs: number },
  ): Promise<{ res: AtResponse; line: string }> {
    const early: string[] = [];
    const offEarly = this.onUrc((line) => {
      if (urc.re.test(line) || urc.fail?.test(line)) early.push(line);
    });
    let res: AtResponse;
    try {
      res = await this.command(cmd, opts);
    } finally {
      offEarly();
    }
    const first = early[0];
    if (first !== undefined) {
      if (urc.re.test(first)) return { res, line: first };
      throw new CodedError('AT_URC_FAILED', `${cmd}: modem reported: ${first}`, { cmd, line: first, phase: 'urc' });
    }
    const line = await this.waitUrc(urc.re, urc.timeoutMs, urc.fail).promise;
    return { res, line };
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  close(): void {
    this.shutdown('closed by owner');
    this.link.close();
  }

  private shutdown(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    const err = new CodedError('AT_CLOSED', `AT channel closed: ${reason}`);
    if (this.current) {
      this.o.timers.clearTimeout(this.current.timer);
      this.current.p.reject(err);
      this.current = undefined;
    }
    for (const p of this.queue.splice(0)) p.reject(err);
  }

  private next(): void {
    if (this.current || this.closed) return;
    const p = this.queue.shift();
    if (!p) return;
    const timeoutMs = p.opts.timeoutMs ?? this.o.defaultTimeoutMs ?? 5000;
    const timer = this.o.timers.setTimeout(
      () =>
        this.timeout(new CodedError('AT_TIMEOUT', `${p.cmd}: no final result within ${timeoutMs} ms`, { cmd: p.cmd })),
      timeoutMs,
    );
    this.current = { p, res: { lines: [], data: [], final: '' }, timer };
    this.framer.expectPrompt = p.opts.payload !== undefined && p.opts.promptLine === undefined;
    this.o.log?.debug({ cmd: p.cmd }, 'at >');
    this.link.write(Buffer.from(p.cmd + '\r', 'latin1'));
  }

  private timeout(err: CodedError): void {
    this.framer.reset();
    this.finish(err);
  }

  private finish(result: AtResponse | Error): void {
    const c = this.current;
    if (!c) return;
    this.current = undefined;
    this.framer.expectPrompt = false;
    this.o.timers.clearTimeout(c.timer);
    if (result instanceof Error) c.p.reject(result);
    else c.p.resolve(result);
    this.next();
  }

  private emitUrc(line: string, data?: Uint8Array): void {
    for (const l of [...this.urcListeners]) {
      try {
        l(line, data);
      } catch (err) {
        this.o.log?.warn({ err: String(err), line }, 'URC listener failed');
      }
    }
  }

  private isUrc(line: string): boolean {
    return this.urcPrefixes.some((p) => line.startsWith(p));
  }

  private onFrame(ev: FrameEvent): void {
    const c = this.current;
    if (ev.kind === 'prompt') {
      if (c?.p.opts.payload) this.link.write(c.p.opts.payload);
      return;
    }
    if (ev.kind === 'data') {
      if (c) c.res.data.push({ header: ev.header, data: ev.data });
      else this.emitUrc(ev.header, ev.data);
      return;
    }
    const line = ev.text;
    this.o.log?.debug({ line }, 'at <');
    if (!c) {
      this.emitUrc(line);
      return;
    }
    if (line === c.p.cmd) return; // echo (ATE1)
    if (c.p.opts.payload && line === c.p.opts.promptLine) {
      this.link.write(c.p.opts.payload);
      return;
    }
    if (this.okFinals.has(line)) {
      c.res.final = line;
      this.finish(c.res);
      return;
    }
    if (this.errorFinals.has(line)) {
      this.finish(new CodedError('AT_ERROR', `${c.p.cmd}: ${line}`, { cmd: c.p.cmd, final: line }));
      return;
    }
    const cme = /^\+CME ERROR: ?(.*)$/.exec(line);
    if (cme) {
      const raw = cme[1] ?? '';
      const n = Number.parseInt(raw, 10);
      const text = Number.isNaN(n) ? raw : cmeText(n);
      this.finish(
        new CodedError('AT_CME_ERROR', `${c.p.cmd}: +CME ERROR: ${text}`, {
          cmd: c.p.cmd,
          cme: Number.isNaN(n) ? raw : n,
        }),
      );
      return;
    }
    const cms = /^\+CMS ERROR: ?(.*)$/.exec(line);
    if (cms) {
      const raw = cms[1] ?? '';
      const n = Number.parseInt(raw, 10);
      this.finish(
        new CodedError('AT_CMS_ERROR', `${c.p.cmd}: +CMS ERROR: ${Number.isNaN(n) ? raw : cmsText(n)}`, {
          cmd: c.p.cmd,
          cms: Number.isNaN(n) ? raw : n,
        }),
      );
      return;
    }
    if (c.p.opts.expect !== undefined && line.startsWith(c.p.opts.expect)) {
      c.res.lines.push(line);
      return;
    }
    if (this.isUrc(line)) {
      this.emitUrc(line);
      return;
    }
    c.res.lines.push(line);
  }
}
