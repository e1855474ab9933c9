// nrf91.ts: Nordic nRF91 running the Serial Modem (SM) application: %XSYSTEMMODE, %NCELLMEAS, #XSOCKET / #XSENDTO /
// #XRECVFROM. Sources: nRF91 AT Commands Reference (%XSYSTEMMODE, %XBANDLOCK, %NCELLMEAS); nRF Connect SDK Serial Modem
// add-on v1.0.1 "Socket AT commands" (ncs-serial-modem doc/app/at_socket.rst: #XSOCKET, #XCLOSE, #XSENDTO, #XRECVFROM,
// #XAPOLL); GNSS: src/modem/gnss/nrf91.ts.
import type { PeerAddress } from '../../coap/transport.js';
import { CodedError } from '../../errors.js';
import { STANDARD_URCS } from '../at-channel.js';
import { paramsOf, toHex } from '../parse.js';
import { nrf91Gnss } from '../gnss/nrf91.js';
import { bandBits } from './bands.js';
import { operatorStep, powerSavingSteps, standardInit } from './generic.js';
import type { CellInfo, Datagram, ModemProfile, NeighbourCell, UdpSocketDialect } from './types.js';

/**
 * Neighbour RSRP / RSRQ indexes → dBm / dB, as the nRF Connect SDK converts them for object 10256
 * (subsys/net/lib/lwm2m_client_utils/lwm2m/neighbour_cell_info.c, RSRP_ADJ / RSRQ_ADJ): index 255 = not known.
 */
export function ncellRsrpDbm(idx: number): number | undefined {
  return Number.isNaN(idx) || idx === 255 ? undefined : idx - (idx <= 0 ? 140 : 141);
}
export function ncellRsrqDb(idx: number): number | undefined {
  return Number.isNaN(idx) || idx === 255 ? undefined : Math.round(idx * 0.5 - 19.5);
}

/**
 * The neighbour groups of a %NCELLMEAS answer: from parameter 10 on, 5 per cell (earfcn, pci, rsrp, rsrq, time_diff).
 */
export function ncellmeasNeighbours(p: readonly string[]): NeighbourCell[] {
  const out: NeighbourCell[] = [];
  const groups = Math.floor((p.length - 10) / 5);
  for (let g = 0; g < groups; g++) {
    const [earfcn, pci, rsrp, rsrq, td] = p.slice(10 + g * 5, 15 + g * 5).map((x) => Number.parseInt(x, 10));
    if (earfcn === undefined || pci === undefined || Number.isNaN(earfcn) || Number.isNaN(pci)) continue;
    const c: NeighbourCell = { pci, earfcn };
    const dbm = ncellRsrpDbm(rsrp ?? Number.NaN);
    if (dbm !== undefined) c.rsrpDbm = dbm;
    const db = ncellRsrqDb(rsrq ?? Number.NaN);
    if (db !== undefined) c.rsrqDb = db;
    if (td !== undefined && !Number.isNaN(td)) c.timeDiff = td;
    out.push(c);
  }
  return out;
}

/**
 * %NCELLMEAS URC: `%NCELLMEAS: <status>,<cell_id>,<plmn>,<tac>,<timing_advance>,<earfcn>,<phys_cell_id>,<rsrp>,<rsrq>,
 * <measurement_time>[,<n_earfcn>,<n_phys_cell_id>,<n_rsrp>,<n_rsrq>,<time_diff>]...,<timing_advance_measurement_time>`.
 * RSRP / RSRQ are the %CESQ indexes (RSRP dBm = index - 140, RSRQ dB = index/2 - 19.5).
 */
export function parseNcellmeas(lines: string[]): CellInfo {
  const line = lines.find((l) => l.startsWith('%NCELLMEAS:'));
  const p = line ? paramsOf(line, '%NCELLMEAS') : undefined;
  if (!p || p[0] !== '0' || p.length < 10) return {};
  const plmn = p[2] ?? '';
  const info: CellInfo = {};
  const ci = Number.parseInt(p[1] ?? '', 16);
  if (!Number.isNaN(ci)) info.ci = ci;
  if (/^\d{5,6}$/.test(plmn)) {
    info.mcc = Number(plmn.slice(0, 3));
    info.mnc = Number(plmn.slice(3));
  }
  const tac = Number.parseInt(p[3] ?? '', 16);
  if (!Number.isNaN(tac)) info.lac = tac;
  const rsrp = Number.parseInt(p[7] ?? '', 10);
  if (!Number.isNaN(rsrp) && rsrp !== 255) info.dbm = rsrp - 140;
  const rsrq = Number.parseInt(p[8] ?? '', 10);
  if (!Number.isNaN(rsrq) && rsrq !== 255) info.rsrqDb = rsrq / 2 - 19.5;
  info.neighbours = Math.max(0, Math.floor((p.length - 11) / 5));
  const earfcn = Number.parseInt(p[5] ?? '', 10);
  if (!Number.isNaN(earfcn)) info.earfcn = earfcn;
  const pci = Number.parseInt(p[6] ?? '', 10);
  if (!Number.isNaN(pci)) info.pci = pci;
  info.neighbourCells = ncellmeasNeighbours(p);
  return info;
}

/**
 * Serial Modem UDP socket, as nRF Connect SDK Serial Modem add-on v1.0.1 documents it (ncs-serial-modem
 * doc/app/at_socket.rst; the successor of the NCS Serial LTE Modem, whose commands gained a `<handle>` and a `<mode>`).
 * Binary-safe both ways through hex string mode (`<mode>` 1): no raw bytes and no data mode on the line.
 */
export const slmSocket: UdpSocketDialect = {
  // "Asynchronous socket polling #XAPOLL": URC `#XAPOLL: <handle>,<revents>` (decimal bit field; POLLIN = 1).
  rxNotice: /^#XAPOLL: (\d+),\d*[13579]$/,
  // "#XAPOLL": AT#XAPOLL=[<handle>],<op>,[<events>]; no handle = all sockets, new ones included; op 1 start, events 1
  // POLLIN.
  setup: [{ cmd: 'AT#XAPOLL=,1,1', optional: true }],
  anyPeer: true,
  mtu: 1024,
  // "Socket #XSOCKET": AT#XSOCKET=<family>,<type>,<role>: 1 IPv4, 2 SOCK_DGRAM, 0 client → `#XSOCKET: <handle>,2,17`.
  async open(ch, _to: PeerAddress, t) {
    const r = await ch.command('AT#XSOCKET=1,2,0', { expect: '#XSOCKET:', timeoutMs: t.longCommandMs });
    const p = paramsOf(r.lines.find((l) => l.startsWith('#XSOCKET:')) ?? '', '#XSOCKET');
    const id = Number.parseInt(p?.[0] ?? '', 10);
    if (Number.isNaN(id) || id < 0)
      throw new CodedError('MODEM_SOCKET_FAILED', `#XSOCKET open failed: ${r.lines.join(' | ')}`);
    return id;
  },
  // "UDP send data #XSENDTO": AT#XSENDTO=<handle>,<mode>,<flags>,<url>,<port>,<data>; mode 1 = hex string (up to
  // 1400 bytes), flags 0 → `#XSENDTO: <handle>,<result_type>,<size>`.
  async sendTo(ch, id, data, to, t) {
    await ch.command(`AT#XSENDTO=${id},1,0,"${to.address}",${to.port},"${toHex(data)}"`, {
      expect: '#XSENDTO:',
      timeoutMs: t.longCommandMs,
    });
  },
  // "UDP receive data #XRECVFROM": AT#XRECVFROM=<handle>,<mode>,<flags>,<timeout>; mode 1 = hex string, flags 64 =
  // non-blocking. Reply `#XRECVFROM: <handle>,<mode>,<size>,"<ip_addr>",<port>`, then the hex line, then OK.
  async recv(ch, id, _peer, t) {
    const out: Datagram[] = [];
    for (let i = 0; i < 8; i++) {
      let r;
      try {
        r = await ch.command(`AT#XRECVFROM=${id},1,64,1`, { expect: '#XRECVFROM:', timeoutMs: t.commandMs });
      } catch (err) {
        if ((err as { code?: string }).code === 'AT_ERROR') break; // EAGAIN: nothing waiting
        throw err;
      }
      const at = r.lines.findIndex((l) => l.startsWith('#XRECVFROM:'));
      if (at < 0) break;
      const datagram = parseRecvfrom(r.lines[at] ?? '', r.lines[at + 1] ?? '');
      if (datagram) out.push(datagram); // a header and hex line that disagree: that datagram is dropped
    }
    return out;
  },
  // "Close socket #XCLOSE": AT#XCLOSE=<handle> → `#XCLOSE: <handle>,<result>`.
  async close(ch, id, t) {
    await ch.command(`AT#XCLOSE=${id}`, { timeoutMs: t.commandMs }).catch(() => undefined);
  },
};

/** `#XRECVFROM: <handle>,1,<size>,"<ip>",<port>` + the hex line → a datagram; undefined when the two disagree. */
export function parseRecvfrom(header: string, hexLine: string): Datagram | undefined {
  const p = paramsOf(header, '#XRECVFROM') ?? [];
  const size = Number(p[2]);
  if (p[1] !== '1' || !Number.isInteger(size) || !/^(?:[0-9A-Fa-f]{2})*$/.test(hexLine) || hexLine.length !== size * 2)
    return undefined;
  return { data: new Uint8Array(Buffer.from(hexLine, 'hex')), from: { address: p[3] ?? '', port: Number(p[4] ?? 0) } };
}

export const nrf91Profile: ModemProfile = {
  name: 'nrf91',
  detect: /nRF91|Nordic/i,
  urcPrefixes: [
    ...STANDARD_URCS,
    '%NCELLMEAS:',
    '%CESQ:',
    '%XMODEMSLEEP:',
    '#XAPOLL:',
    '#XSOCKET:',
    '#XGNSS:',
    '#XGNSSPOS:',
    'Ready',
  ],
  // Hex string mode everywhere: no length-prefixed raw reads.
  binaryRules: [],
  // The nRF91 AT command reference has no V.250 echo control (ATE0/ATE1 answer ERROR): init starts at +CMEE.
  noEchoControl: true,
  // +CGEREP=1 (nRF91 AT Commands Reference, "Packet domain events +CGEREP"): the +CGEV URCs, among them the default
  // bearer's deactivation by the network.
  init: () => [...standardInit({ echoControl: false }), { cmd: 'AT+CGEREP=1', optional: true }],
  // +CGEV: NW PDN DEACT <cid> / ME PDN DEACT <cid> (TS 27.007 §10.1.19) for the default bearer, CID 0: data is lost.
  pdpLost: /^\+CGEV: (?:NW|ME) PDN DEACT 0\b/,
  // %XSYSTEMMODE=<LTE-M>,<NB-IoT>,<GNSS>,<preference>; %XBANDLOCK=2,"<bits>" (2 = run-time lock). Set in CFUN=0.
  // <GNSS> 1: the receiver can run (AT#XGNSS answers ERROR without it); it only uses the RF in LTE idle time.
  radio: (cfg) => [
    { cmd: cfg.mode === 'nb-iot' ? 'AT%XSYSTEMMODE=0,1,1,0' : 'AT%XSYSTEMMODE=1,0,1,0' },
    ...(cfg.bands.length > 0 ? [{ cmd: `AT%XBANDLOCK=2,"${bandBits(cfg.bands)}"`, optional: true }] : []),
    operatorStep(cfg),
    ...powerSavingSteps(cfg),
  ],
  // The nRF91 default bearer is CID 0 (nRF91 AT Commands Reference, +CGDCONT).
  pdpDefine: (cfg) => (cfg.apn ? [{ cmd: `AT+CGDCONT=0,"IP","${cfg.apn}"` }] : []),
  pdpActivate: () => [],
  ipQuery: {
    cmd: 'AT+CGPADDR=0',
    expect: '+CGPADDR:',
    parse: (lines) => lines.flatMap((l) => paramsOf(l, '+CGPADDR')?.slice(1).filter(Boolean) ?? []),
  },
  // AT%NCELLMEAS answers OK, then the measurement arrives as a %NCELLMEAS URC.
  cell: { cmd: 'AT%NCELLMEAS', urc: /^%NCELLMEAS:/, parse: parseNcellmeas },
  socket: slmSocket,
  gnss: nrf91Gnss,
};
