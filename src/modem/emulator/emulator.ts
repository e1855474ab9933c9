// emulator.ts: a modem on a real serial port (pty) speaking the generic 3GPP, nRF91 Serial Modem, Quectel BG95 or
// SIMCom SIM7080 dialect, relaying its UDP socket to real loopback UDP. Dialogues follow the vendors' AT manuals
// (docs/modem.md names the versions and sections): a command the module does not know answers ERROR (nRF91: no ATE),
// URCs come only when enabled (+CEREG=<n>) and as late as the manuals say (SIM7080 AT+CNACT: OK first, `+APP PDP:
// 0,ACTIVE` later; BG95 AT+QIOPEN: OK first, `+QIOPEN: <id>,<err>` later).
import { createSocket, type Socket } from 'node:dgram';
import { openSerialPort } from '../serial-link.js';
import { CodedError } from '../../errors.js';
import { GNSS_EMULATIONS, type EmulatorIo, type GnssEmulation } from './gnss/index.js';
import { Sky } from './sky.js';

type SerialPortStream = Awaited<ReturnType<typeof openSerialPort>>;

export type EmulatedProfile = 'generic' | 'nrf91' | 'bg95' | 'sim7080';

const MODELS: Record<EmulatedProfile, string> = {
  generic: 'LTE-MODULE-X',
  nrf91: 'nRF9160-SICA',
  bg95: 'BG95-M3',
  sim7080: 'SIMCOM_SIM7080G',
};

/** How many received command lines the emulator keeps. */
export const RECEIVED_KEPT = 10_000;

interface Rx {
  data: Buffer;
  address: string;
  port: number;
}

export class ModemEmulator {
  /**
   * Every command line received, in order (the last RECEIVED_KEPT: a long-running emulator does not grow without end).
   */
  readonly received: string[] = [];
  /** Registration stat reported by AT+CEREG? and the URCs. */
  stat = 0;
  /** +CEREG=<n> as set by the client (0 at power-on: no registration URCs; 2: with <tac>, <ci>, <AcT>). */
  ceregN = 0;
  /** The serving cell's TAC and cell id (hex, as +CEREG carries them). */
  cell = { tac: '1A2D', ci: '01A2D001' };
  /** SIM7080: the delay between AT+CNACT=0,1's OK and its `+APP PDP: 0,ACTIVE` URC; undefined: the URC never comes. */
  pdpActivateMs: number | undefined = 40;
  /** SIM7080: the app network context (AT+CNACT) is active; BG95: context 1 (AT+QIACT=1) is active. */
  pdpActive = false;
  /** BG95: the open connectIDs (AT+QIOPEN with result 0, until AT+QICLOSE or AT+CFUN=0). */
  readonly qiOpen = new Set<number>();
  /**
   * BG95: connectIDs the module closed itself (`+QIURC: "closed"`, or their context went down): state "closing" until
   * AT+QICLOSE (TCP/IP note V1.1 §2.4.1); AT+QISEND on them answers ERROR, AT+QIOPEN on the same connectID +QIOPEN:
   * <id>,563.
   */
  readonly qiClosing = new Set<number>();
  /** Attach after AT+CFUN=1 (URC +CEREG: 2 then 1) after this many ms; undefined: stay searching. */
  attachAfterMs: number | undefined = 30;
  /** Commands (exact or prefix ending in '*') answered with this line instead of the normal answer. */
  readonly answers = new Map<string, string>();
  /** Commands that are never answered (to exercise timeouts). */
  readonly silent = new Set<string>();
  /** A URC written in the middle of this command's response (between the information line and OK). */
  interject: { cmd: string; line: string } | undefined;
  /** Write responses one byte at a time (lines split across reads). */
  trickle = false;
  /**
   * A faulty modem: 'silent' answers nothing at all, 'cme' answers every command with `+CME ERROR: <cmeCode>`,
   * 'no-id' answers ERROR to AT+CGMM and ATI (a modem not ready to identify itself) and the rest as usual,
   * 'error' answers ERROR to every command.
   */
  fault: 'none' | 'silent' | 'cme' | 'no-id' | 'error' = 'none';
  cmeCode = 100;
  /**
   * Every answer to a command is written this many ms late (a slow modem; URCs not caused by a command come on time).
   */
  replyDelayMs = 0;
  /** +CGEREP=1: packet domain events (+CGEV) are reported. */
  cgerep = false;
  /** nRF91: the default bearer (CID 0) has its address (false after the network deactivated it, until re-activated). */
  defaultBearerUp = true;
  /** AT+CFUN=1 was the last CFUN (the radio is on). */
  radioOn = false;

  private buf = Buffer.alloc(0);
  private payload: { left: number; parts: Buffer[]; done(data: Buffer): void } | undefined;
  private udp: Socket | undefined;
  private readonly rxq: Rx[] = [];
  /** nRF91: whether the next datagram sends the #XAPOLL POLLIN URC (started by #XAPOLL, re-enabled by #XRECVFROM). */
  private apollArmed = false;
  private apollOn = false;
  /** SIM7080: the peer of the open +CAOPEN connection. */
  peer: { address: string; port: number } | undefined;
  private writes: Promise<void> = Promise.resolve();
  /** The GNSS sky this modem's receiver sees (position, time to first fix, indoors). */
  readonly sky = new Sky();
  /** The family's GNSS commands, when its GNSS is emulated. */
  private readonly gnss: GnssEmulation | undefined;

  private constructor(
    private readonly port: SerialPortStream,
    readonly profile: EmulatedProfile,
    private readonly udpBind: string,
  ) {
    port.on('data', (d: Buffer) => this.onData(d));
    const io: EmulatorIo = {
      reply: (...lines) => this.reply(...lines),
      info: (lines, cmd) => this.info(lines, cmd),
      urc: (line) => this.urc(line),
      answer: (data) => this.answer(data),
      expectPayload: (length, done) => {
        this.payload = { left: length, parts: [], done };
      },
    };
    this.gnss = GNSS_EMULATIONS[profile]?.(this.sky, io);
  }

  /**
   * Opens the serial port at `path` and answers on it as `profile`. The modem's UDP socket binds to `udpBind`
   * (loopback by default; '0.0.0.0' to reach servers off this host).
   */
  static async start(
    path: string,
    profile: EmulatedProfile,
    opts: { udpBind?: string; baudRate?: number } = {},
  ): Promise<ModemEmulator> {
    const port = await openSerialPort({ path, baudRate: opts.baudRate ?? 115200 });
    return new ModemEmulator(port, profile, opts.udpBind ?? '127.0.0.1');
  }

  /** Called once when the serial port closes (the other end went away for good, or close()). */
  onPortClose(listener: () => void): void {
    this.port.once('close', listener);
  }

  /**
   * The network drops the device (registration stat 0) and refuses it until networkBack(); AT+CFUN=1 then stays
   * searching.
   */
  networkGone(): void {
    this.attachAfterMs = undefined;
    if (this.stat !== 0) this.setStat(0);
  }

  /** The network accepts the device again: registered at once when the radio is on, else after the next AT+CFUN=1. */
  networkBack(): void {
    this.attachAfterMs = 30;
    if (this.radioOn && this.stat !== 1) this.setStat(1);
  }

  async close(): Promise<void> {
    this.gnss?.dispose?.();
    this.udp?.close();
    await new Promise<void>((r) => (this.port.isOpen ? this.port.close(() => r()) : r()));
  }

  /** Raw bytes (garbage, fragments). */
  raw(data: Buffer | string): void {
    this.enqueue(Buffer.isBuffer(data) ? data : Buffer.from(data, 'latin1'));
  }

  urc(line: string): void {
    this.raw(`\r\n${line}\r\n`);
  }

  setStat(stat: number): void {
    this.stat = stat;
    if (this.ceregN > 0) this.urc(`+CEREG: ${this.ceregFields()}`);
  }

  /** `<stat>[,<tac>,<ci>,<AcT>]` as +CEREG=<n> asks (TS 27.007 §10.1.22: tac/ci only for n ≥ 2 and a known cell). */
  private ceregFields(): string {
    const reg = this.stat === 1 || this.stat === 5;
    return reg && this.ceregN >= 2 ? `${this.stat},"${this.cell.tac}","${this.cell.ci}",7` : `${this.stat}`;
  }

  /**
   * The network takes the data context down, with the family's URC: SIM7080 `+APP PDP: 0,DEACTIVE` (AT+CNACT); BG95
   * `+QIURC: "pdpdeact",1` (TCP/IP note V1.1 §2.4.5; its connections go to "closing"). Other families: not emulated.
   */
  pdpDown(): void {
    if (this.profile === 'sim7080') {
      // the app network's connections go with it
      this.pdpActive = false;
      this.peer = undefined;
      this.urc('+APP PDP: 0,DEACTIVE');
    } else if (this.profile === 'bg95') {
      this.pdpActive = false;
      for (const id of this.qiOpen) this.qiClosing.add(id);
      this.qiOpen.clear();
      this.urc('+QIURC: "pdpdeact",1');
    } else if (this.profile === 'nrf91') {
      // The network deactivates the default bearer: +CGEV: NW PDN DEACT 0 (when +CGEREP=1); the modem sets it up again
      // by itself (+CGEV: ME PDN ACT 0) while still attached. Until then AT+CGPADDR=0 gives no address.
      this.defaultBearerUp = false;
      if (this.cgerep) this.urc('+CGEV: NW PDN DEACT 0');
      setTimeout(() => {
        this.defaultBearerUp = true;
        if (this.cgerep) this.urc('+CGEV: ME PDN ACT 0');
      }, 50);
    } else {
      throw new CodedError('EMULATOR_UNSUPPORTED', `pdp-down: no deactivation URC emulated for ${this.profile}`);
    }
  }

  /**
   * The module closes connection <id> itself (remote peer or network error), with the family's URC: SIM7080
   * `+CASTATE: <cid>,0` (gone); BG95 `+QIURC: "closed",<connectID>` (TCP/IP note V1.1 §2.4.1: "closing" until
   * AT+QICLOSE).
   */
  socketClosedByModule(id = 0): void {
    if (this.profile === 'sim7080') {
      this.peer = undefined;
      this.urc(`+CASTATE: ${id},0`);
    } else if (this.profile === 'bg95') {
      if (this.qiOpen.delete(id)) this.qiClosing.add(id);
      this.urc(`+QIURC: "closed",${id}`);
    } else {
      throw new CodedError('EMULATOR_UNSUPPORTED', `drop-socket: no closing URC emulated for ${this.profile}`);
    }
  }

  private enqueue(b: Buffer): void {
    this.writes = this.writes.then(async () => {
      if (!this.trickle) {
        await new Promise<void>((r) => this.port.write(b, () => r()));
        return;
      }
      for (const byte of b) {
        await new Promise<void>((r) => this.port.write(Buffer.of(byte), () => this.port.drain(() => r())));
        await new Promise((r) => setTimeout(r, 1));
      }
    });
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      if (this.payload) {
        const take = Math.min(this.payload.left, this.buf.length);
        this.payload.parts.push(this.buf.subarray(0, take));
        this.payload.left -= take;
        this.buf = this.buf.subarray(take);
        if (this.payload.left > 0) return;
        const p = this.payload;
        this.payload = undefined;
        p.done(Buffer.concat(p.parts));
        continue;
      }
      const i = this.buf.indexOf(0x0d);
      if (i < 0) return;
      const line = this.buf.subarray(0, i).toString('latin1').replace(/^\n+/, '').trim();
      this.buf = this.buf.subarray(i + 1);
      if (line) this.command(line);
    }
  }

  private reply(...lines: string[]): void {
    this.answer(lines.map((l) => `\r\n${l}\r\n`).join(''));
  }

  /** Writes an answer to a command, `replyDelayMs` late. */
  private answer(data: Buffer | string): void {
    if (this.replyDelayMs > 0) setTimeout(() => this.raw(data), this.replyDelayMs);
    else this.raw(data);
  }

  private info(line: string | string[], cmd: string): void {
    const lines = Array.isArray(line) ? line : [line];
    const out = lines.map((l) => `\r\n${l}\r\n`);
    if (this.interject?.cmd === cmd) out.push(`\r\n${this.interject.line}\r\n`);
    out.push('\r\nOK\r\n');
    this.answer(out.join(''));
  }

  private async ensureUdp(): Promise<Socket> {
    if (this.udp) return this.udp;
    const s = createSocket('udp4');
    s.on('message', (data, rinfo) => {
      this.rxq.push({ data, address: rinfo.address, port: rinfo.port });
      // Vendor "data waiting" URCs.
      // "#XAPOLL": the POLLIN URC comes for the first incoming data only, until #XRECVFROM re-enables it.
      if (this.profile === 'nrf91') {
        if (this.apollArmed) this.urc('#XAPOLL: 0,1');
        this.apollArmed = false;
      } else if (this.profile === 'bg95') this.urc('+QIURC: "recv",0');
      else if (this.profile === 'sim7080') this.urc('+CADATAIND: 0');
    });
    await new Promise<void>((r) => s.bind(0, this.udpBind, () => r()));
    this.udp = s;
    return s;
  }

  private sendUdp(data: Buffer, address: string, port: number): void {
    void this.ensureUdp().then((s) => s.send(data, port, address));
  }

  private lookupAnswer(cmd: string): string | undefined {
    for (const [k, v] of this.answers) if (k === cmd || (k.endsWith('*') && cmd.startsWith(k.slice(0, -1)))) return v;
    return undefined;
  }

  private command(cmd: string): void {
    this.received.push(cmd);
    if (this.received.length > RECEIVED_KEPT) this.received.splice(0, this.received.length - RECEIVED_KEPT);
    if (this.fault === 'silent') return;
    if (this.fault === 'cme') return this.reply(`+CME ERROR: ${this.cmeCode}`);
    if (this.fault === 'error') return this.reply('ERROR');
    if (this.fault === 'no-id' && (cmd === 'AT+CGMM' || cmd === 'ATI')) return this.reply('ERROR');
    for (const s of this.silent) if (s === cmd || (s.endsWith('*') && cmd.startsWith(s.slice(0, -1)))) return;
    const forced = this.lookupAnswer(cmd);
    if (forced !== undefined) {
      this.reply(forced);
      return;
    }
    if (this.gnss?.handle(cmd)) return;
    // ---- 3GPP TS 27.007 core ----
    // nRF91 AT Commands Reference: no V.250 echo control (ATE0 / ATE1 are not commands of the nRF91).
    if (this.profile === 'nrf91' && /^ATE\d?$/.test(cmd)) return this.reply('ERROR');
    let n: RegExpExecArray | null;
    if ((n = /^AT\+CEREG=([0-5])$/.exec(cmd))) {
      this.ceregN = Number(n[1]);
      return this.reply('OK');
    }
    if (
      cmd === 'AT' ||
      cmd === 'ATE0' ||
      /^AT\+(CMEE|CSCON|CPSMS|CEDRXS|CGDCONT|CGACT)=/.test(cmd) ||
      /^AT\+COPS=/.test(cmd)
    )
      return this.reply('OK');
    if (cmd === 'AT+CGMM') return this.info(MODELS[this.profile], cmd);
    if (cmd === 'ATI') return this.info(MODELS[this.profile], cmd);
    if (cmd === 'AT+CPIN?') return this.info('+CPIN: READY', cmd);
    if (cmd === 'AT+CFUN=0') {
      this.reply('OK');
      this.radioOn = false;
      this.pdpActive = false;
      this.qiOpen.clear();
      this.qiClosing.clear();
      if (this.stat !== 0) this.setStat(0);
      return;
    }
    if (cmd === 'AT+CFUN=1') {
      this.reply('OK');
      this.radioOn = true;
      const after = this.attachAfterMs;
      setTimeout(() => {
        this.setStat(2);
        if (after !== undefined) setTimeout(() => this.setStat(1), after);
      }, 5);
      return;
    }
    if (cmd === 'AT+CEREG?') return this.info(`+CEREG: ${this.ceregN},${this.ceregFields()}`, cmd);
    if (cmd === 'AT+CESQ') return this.info('+CESQ: 99,99,255,255,20,45', cmd);
    if (cmd === 'AT+CSQ') return this.info('+CSQ: 20,99', cmd);
    if (cmd === 'AT+COPS?') return this.info('+COPS: 0,2,"26201",7', cmd);
    if ((n = /^AT\+CGEREP=([01]?)$/.exec(cmd))) {
      this.cgerep = n[1] === '1';
      return this.reply('OK');
    }
    if (/^AT\+CGPADDR=\d$/.test(cmd))
      return this.info(
        this.defaultBearerUp ? `+CGPADDR: ${cmd.slice(-1)},"10.0.0.5"` : `+CGPADDR: ${cmd.slice(-1)}`,
        cmd,
      );
    return this.vendor(cmd) ? undefined : this.reply('ERROR');
  }

  /** Vendor dialects; returns false for an unknown command. */
  private vendor(cmd: string): boolean {
    let m: RegExpExecArray | null;
    if (this.profile === 'nrf91') {
      // nRF91 AT Commands Reference; nRF Connect SDK Serial Modem add-on v1.0.1 socket commands.
      if (/^AT%XSYSTEMMODE=|^AT%XBANDLOCK=/.test(cmd)) {
        this.reply('OK');
        return true;
      }
      if (cmd === 'AT%NCELLMEAS') {
        this.reply('OK');
        setTimeout(
          () =>
            this.urc(
              '%NCELLMEAS: 0,"01A2D001","26201","1A2D",64,6300,331,45,20,12345,6400,200,40,15,0,6300,201,38,12,0,12400',
            ),
          5,
        );
        return true;
      }
      // "#XAPOLL": AT#XAPOLL=[<handle>],<op>,[<events>]; op 1 starts the URCs, 0 stops them.
      if ((m = /^AT#XAPOLL=\d*,([01]),\d*$/.exec(cmd))) {
        this.apollOn = this.apollArmed = m[1] === '1';
        this.reply('OK');
        return true;
      }
      // Serial Modem add-on v1.0.1 (ncs-serial-modem doc/app/at_socket.rst); older SLM forms (#XSOCKET=0,
      // #XSENDTO="host",port,..., #XRECVFROM=<timeout>[,<flags>], #XAPOLL=<op>,<events>) answer ERROR.
      if (cmd === 'AT#XSOCKET=1,2,0') {
        this.info('#XSOCKET: 0,2,17', cmd);
        return true;
      }
      if (cmd === 'AT#XCLOSE=0') {
        this.info('#XCLOSE: 0,0', cmd);
        return true;
      }
      if ((m = /^AT#XSENDTO=0,1,0,"([^"]+)",(\d+),"((?:[0-9A-Fa-f]{2})*)"$/.exec(cmd))) {
        const data = Buffer.from(m[3] ?? '', 'hex');
        this.sendUdp(data, m[1] ?? '', Number(m[2]));
        this.info(`#XSENDTO: 0,0,${data.length}`, cmd);
        return true;
      }
      if (/^AT#XRECVFROM=0,1,(0|2|64),\d+(,\d+)?$/.test(cmd)) {
        const rx = this.rxq.shift();
        this.apollArmed = this.apollOn; // "#XAPOLL": #XRECVFROM re-enables the POLLIN URC
        if (!rx) {
          this.reply('ERROR');
          return true;
        }
        this.info([`#XRECVFROM: 0,1,${rx.data.length},"${rx.address}",${rx.port}`, rx.data.toString('hex')], cmd);
        return true;
      }
    }
    if (this.profile === 'bg95') {
      // Quectel BG95&BG77&BG600L Series AT Commands Manual (AT+QCFG, AT+QENG) and TCP/IP Application Note V1.1
      // (AT+QICSGP §2.3.1, AT+QIACT §2.3.2, AT+QIOPEN §2.3.4, AT+QICLOSE §2.3.5, AT+QISEND §2.3.7, AT+QIRD §2.3.8).
      if (/^AT\+QCFG=|^AT\+QICSGP=1,1,"[^"]*","[^"]*","[^"]*",[0-3]$/.test(cmd)) {
        this.reply('OK');
        return true;
      }
      // AT+QIACT=1: activating an already active context answers ERROR.
      if (cmd === 'AT+QIACT=1') {
        this.reply(this.pdpActive ? 'ERROR' : 'OK');
        this.pdpActive = true;
        return true;
      }
      // AT+QIACT? lists the active contexts only (none: a bare OK).
      if (cmd === 'AT+QIACT?') {
        if (this.pdpActive) this.info('+QIACT: 1,1,1,"10.0.0.6"', cmd);
        else this.reply('OK');
        return true;
      }
      if (cmd === 'AT+QENG="servingcell"') {
        this.info(
          '+QENG: "servingcell","NOCONN","eMTC","FDD",262,01,1A2D001,331,6300,20,3,3,1A2D,-95,-10,-68,15,40',
          cmd,
        );
        return true;
      }
      // AT+QIOPEN=<contextID>,<connectID>,"UDP SERVICE","127.0.0.1",0[,<local_port>[,<access_mode>]]: OK, then the
      // result URC +QIOPEN: <connectID>,<err> (561: PDP context not active; 563: the connectID is in use).
      if ((m = /^AT\+QIOPEN=1,(\d+),"UDP SERVICE","127\.0\.0\.1",0(,\d+(,[012])?)?$/.exec(cmd))) {
        const id = Number(m[1]);
        if (id > 11) {
          this.reply('ERROR');
          return true;
        }
        this.reply('OK');
        const err = !this.pdpActive ? 561 : this.qiOpen.has(id) || this.qiClosing.has(id) ? 563 : 0;
        if (err === 0) this.qiOpen.add(id);
        void this.ensureUdp().then(() => setTimeout(() => this.urc(`+QIOPEN: ${id},${err}`), 10));
        return true;
      }
      // AT+QICLOSE: an open or "closing" connection goes back to "initial" (§2.3.5, §2.4.1).
      if ((m = /^AT\+QICLOSE=(\d+)(,\d+)?$/.exec(cmd))) {
        this.qiOpen.delete(Number(m[1]));
        this.qiClosing.delete(Number(m[1]));
        this.reply('OK');
        return true;
      }
      // UDP SERVICE: AT+QISEND=<connectID>,<send_length 0-1460>,"<remoteIP>",<remote_port> → "> " → data → SEND OK;
      // the short form without remote address, a closed connection or a longer length: ERROR.
      if ((m = /^AT\+QISEND=(\d+),(\d+),"(\d+\.\d+\.\d+\.\d+)",(\d+)$/.exec(cmd))) {
        const len = Number(m[2]);
        if (!this.qiOpen.has(Number(m[1])) || len > 1460) {
          this.reply('ERROR');
          return true;
        }
        const addr = m[3] ?? '';
        const port = Number(m[4]);
        this.answer('\r\n> ');
        this.payload = {
          left: len,
          parts: [],
          done: (data) => {
            this.sendUdp(data, addr, port);
            this.reply('SEND OK');
          },
        };
        return true;
      }
      // UDP SERVICE: AT+QIRD=<connectID> → +QIRD: <len>,"<remoteIP>",<remote_port> CRLF <data> CRLF OK; +QIRD: 0 when
      // empty; a connection that does not exist: ERROR (a "closing" one still gives what it buffered).
      if ((m = /^AT\+QIRD=(\d+)$/.exec(cmd))) {
        if (!this.qiOpen.has(Number(m[1])) && !this.qiClosing.has(Number(m[1]))) {
          this.reply('ERROR');
          return true;
        }
        const rx = this.rxq.shift();
        if (!rx) {
          this.info('+QIRD: 0', cmd);
          return true;
        }
        this.answer(
          Buffer.concat([
            Buffer.from(`\r\n+QIRD: ${rx.data.length},"${rx.address}",${rx.port}\r\n`),
            rx.data,
            Buffer.from('\r\n\r\nOK\r\n'),
          ]),
        );
        return true;
      }
    }
    if (this.profile === 'sim7080') {
      // SIM7070_SIM7080_SIM7090 Series_AT Command Manual_V1.04 (AT+CNACT, AT+CNCFG, AT+CPSI, TCP/UDP commands AT+CA*).
      if (/^AT\+CNMP=|^AT\+CMNB=|^AT\+CBANDCFG=|^AT\+CNCFG=/.test(cmd)) {
        this.reply('OK');
        return true;
      }
      // AT+CACLOSE on a connection that is not open: ERROR.
      if (/^AT\+CACLOSE=/.test(cmd)) {
        this.reply(this.peer ? 'OK' : 'ERROR');
        this.peer = undefined;
        return true;
      }
      // AT+CNACT=0,1: OK at once, the activation is reported later by `+APP PDP: 0,ACTIVE`; already active → ERROR.
      if (cmd === 'AT+CNACT=0,1') {
        if (this.pdpActive) {
          this.reply('ERROR');
          return true;
        }
        this.reply('OK');
        const after = this.pdpActivateMs;
        if (after !== undefined)
          setTimeout(() => {
            this.pdpActive = true;
            this.urc('+APP PDP: 0,ACTIVE');
          }, after);
        return true;
      }
      // AT+CNACT? → one +CNACT: <pdpidx>,<status>,<address> per index 0-3.
      if (cmd === 'AT+CNACT?') {
        this.info(
          [
            this.pdpActive ? '+CNACT: 0,1,"10.0.0.7"' : '+CNACT: 0,0,"0.0.0.0"',
            '+CNACT: 1,0,"0.0.0.0"',
            '+CNACT: 2,0,"0.0.0.0"',
            '+CNACT: 3,0,"0.0.0.0"',
          ],
          cmd,
        );
        return true;
      }
      if (cmd === 'AT+CPSI?') {
        this.info('+CPSI: LTE CAT-M1,Online,262-01,0x1A2D,27447297,331,EUTRAN-BAND20,6300,3,3,-10,-95,-68,15', cmd);
        return true;
      }
      if ((m = /^AT\+CAOPEN=0,(\d),"UDP","([^"]+)",(\d+)$/.exec(cmd))) {
        const id = m[1] ?? '0';
        // <result> 21: the PDP context (network) is not active.
        if (!this.pdpActive) {
          this.info(`+CAOPEN: ${id},21`, cmd);
          return true;
        }
        this.peer = { address: m[2] ?? '', port: Number(m[3]) };
        void this.ensureUdp().then(() => this.info(`+CAOPEN: ${id},0`, cmd));
        return true;
      }
      if ((m = /^AT\+CASEND=(\d),(\d+)$/.exec(cmd))) {
        if (!this.peer) {
          this.reply('ERROR');
          return true;
        }
        this.answer('\r\n>');
        this.payload = {
          left: Number(m[2]),
          parts: [],
          done: (data) => {
            if (this.peer) this.sendUdp(data, this.peer.address, this.peer.port);
            this.reply('OK');
          },
        };
        return true;
      }
      if (/^AT\+CARECV=\d,\d+$/.test(cmd)) {
        const rx = this.rxq.shift();
        if (!rx) {
          this.info('+CARECV: 0', cmd);
          return true;
        }
        this.answer(
          Buffer.concat([Buffer.from(`\r\n+CARECV: ${rx.data.length},`), rx.data, Buffer.from('\r\n\r\nOK\r\n')]),
        );
        return true;
      }
    }
    return false;
  }
}
