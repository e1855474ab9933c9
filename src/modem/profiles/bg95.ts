// bg95.ts: Quectel BG95 / BG96: AT+QCFG iotopmode / nwscanseq / band, +QICSGP / +QIACT, +QENG, UDP SERVICE sockets
// (+QIOPEN / +QISEND / +QIRD).
// Sources: Quectel BG95&BG77 AT Commands Manual V1.0 (AT+QCFG, AT+QENG) and BG95&BG77&BG600L Series TCP/IP Application
// Note V1.1 (AT+QICSGP §2.3.1, AT+QIACT §2.3.2, AT+QIOPEN §2.3.4, AT+QICLOSE §2.3.5, AT+QISEND §2.3.7, AT+QIRD §2.3.8,
// URCs §2.4: "closed" §2.4.1, "recv" §2.4.2, "pdpdeact" §2.4.5).
import { CodedError } from '../../errors.js';
import { STANDARD_URCS } from '../at-channel.js';
import { paramsOf } from '../parse.js';
import { bg95Gnss } from '../gnss/bg95.js';
import { bandHex } from './bands.js';
import { operatorStep, powerSavingSteps, standardInit } from './generic.js';
import type { CellInfo, Datagram, ModemProfile, NeighbourCell, UdpSocketDialect } from './types.js';

/**
 * AT+QENG="neighbourcell" (Quectel BG95 AT Commands Manual, AT+QENG): one line per cell,
 * `+QENG: "neighbourcell intra"|"neighbourcell inter",<RAT>,<earfcn>,<PCID>,<RSRQ>,<RSRP>,<RSSI>,<SINR>,…` with `-` for
 * values not measured. LTE rows only (RAT "LTE", "eMTC", "CAT-M", "NBIoT"); rows without a PCID are skipped.
 */
export function parseQengNeighbours(lines: string[]): NeighbourCell[] {
  const out: NeighbourCell[] = [];
  for (const l of lines) {
    if (!l.startsWith('+QENG: "neighbourcell')) continue;
    const p = paramsOf(l, '+QENG');
    if (!p || p.length < 6 || !/^(LTE|eMTC|CAT-?M1?|NBIoT)$/i.test(p[1] ?? '')) continue;
    const int = (s: string | undefined): number | undefined =>
      s !== undefined && /^-?\d+$/.test(s) ? Number(s) : undefined;
    const earfcn = int(p[2]);
    const pci = int(p[3]);
    if (earfcn === undefined || pci === undefined) continue;
    const c: NeighbourCell = { pci, earfcn };
    const rsrq = int(p[4]);
    const rsrp = int(p[5]);
    if (rsrp !== undefined) c.rsrpDbm = rsrp;
    if (rsrq !== undefined) c.rsrqDb = rsrq;
    out.push(c);
  }
  return out;
}

/**
 * AT+QENG="servingcell" in LTE (eMTC / NB-IoT):
 * `+QENG: "servingcell",<state>,"eMTC",<is_tdd>,<MCC>,<MNC>,<cellID>,<PCID>,<earfcn>,<freq_band_ind>,<UL_bw>,<DL_bw>,
 *   <TAC>,<RSRP>,<RSRQ>,<RSSI>,<SINR>,<srxlev>`
 * (cellID and TAC hexadecimal; NB-IoT rows have no bandwidths: `…,<earfcn>,<freq_band_ind>,<TAC>,<RSRP>,…`).
 */
export function parseQeng(lines: string[]): CellInfo {
  const line = lines.find((l) => l.startsWith('+QENG: "servingcell"'));
  const p = line ? paramsOf(line, '+QENG') : undefined;
  if (!p || p.length < 12) return {};
  const nb = p[2] === 'NBIoT';
  const info: CellInfo = {};
  const num = (s: string | undefined, radix = 10): number | undefined => {
    const v = Number.parseInt(s ?? '', radix);
    return Number.isNaN(v) ? undefined : v;
  };
  const mcc = num(p[4]);
  const mnc = num(p[5]);
  const ci = num(p[6], 16);
  const band = num(p[9]);
  const rest = nb ? 10 : 12;
  const tac = num(p[rest], 16);
  const rsrp = num(p[rest + 1]);
  const rsrq = num(p[rest + 2]);
  const pci = num(p[7]);
  const earfcn = num(p[8]);
  if (pci !== undefined) info.pci = pci;
  if (earfcn !== undefined) info.earfcn = earfcn;
  if (mcc !== undefined) info.mcc = mcc;
  if (mnc !== undefined) info.mnc = mnc;
  if (ci !== undefined) info.ci = ci;
  if (band !== undefined) info.band = band;
  if (tac !== undefined) info.lac = tac;
  if (rsrp !== undefined) info.dbm = rsrp;
  if (rsrq !== undefined) info.rsrqDb = rsrq;
  return info;
}

/**
 * UDP SERVICE socket on connectID 0, context 1: one socket sends to any peer with AT+QISEND=<id>,<len>,"<ip>",<port>.
 */
export const quectelSocket: UdpSocketDialect = {
  // +QIURC: "recv",<connectID>
  rxNotice: /^\+QIURC: "recv",(\d+)/,
  // §2.4.1 +QIURC: "closed",<connectID>: closed by the remote peer or a network error; the connection stays "closing"
  // (<socket_state> 4) until AT+QICLOSE=<connectID> brings it back to "initial" (an AT+QIOPEN on it meanwhile: 563).
  closedNotice: /^\+QIURC: "closed",(\d+)/,
  releaseClosed: true,
  anyPeer: true,
  mtu: 1460,
  async open(ch, _to, t) {
    const id = 0;
    // AT+QIOPEN=<contextID>,<connectID>,"UDP SERVICE","127.0.0.1",0,<local_port>,<access_mode 0 = buffer>; result URC
    // +QIOPEN: <id>,<err>.
    const { line } = await ch.commandThenUrc(
      `AT+QIOPEN=1,${id},"UDP SERVICE","127.0.0.1",0,0,0`,
      { timeoutMs: t.longCommandMs },
      { re: /^\+QIOPEN: 0,/, timeoutMs: t.longCommandMs },
    );
    const err = paramsOf(line, '+QIOPEN')?.[1];
    if (err !== '0') throw new CodedError('MODEM_SOCKET_FAILED', `AT+QIOPEN failed: ${line}`);
    return id;
  },
  // AT+QISEND=<connectID>,<send_length>,"<remoteIP>",<remote_port> → ">" → data → SEND OK.
  async sendTo(ch, id, data, to, t) {
    await ch.command(`AT+QISEND=${id},${data.length},"${to.address}",${to.port}`, {
      payload: data,
      timeoutMs: t.longCommandMs,
    });
  },
  // AT+QIRD=<connectID> (UDP SERVICE: one datagram) → `+QIRD: <len>,"<ip>",<port>` CRLF <data>, OK; `+QIRD: 0` when
  // empty.
  async recv(ch, id, _peer, t) {
    const out: Datagram[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await ch.command(`AT+QIRD=${id}`, { expect: '+QIRD:', timeoutMs: t.commandMs });
      const d = r.data[0];
      if (!d || d.data.length === 0) break;
      const p = paramsOf(d.header, '+QIRD') ?? [];
      out.push({ data: d.data, from: { address: p[1] ?? '', port: Number(p[2] ?? 0) } });
    }
    return out;
  },
  async close(ch, id, t) {
    await ch.command(`AT+QICLOSE=${id}`, { timeoutMs: t.longCommandMs }).catch(() => undefined);
  },
};

export const bg95Profile: ModemProfile = {
  name: 'bg95',
  detect: /BG9[56]|BG77|Quectel/i,
  // +QGPSURC: GNSS notices, e.g. `+QGPSURC: "xtradataexpire",<xtradatadurtime>,<injecteddatatime>`.
  urcPrefixes: [...STANDARD_URCS, '+QIURC:', '+QIOPEN:', '+QIND:', 'APP RDY', '+QPSMTIMER:', '+QGPSURC:'],
  binaryRules: [{ re: /^\+QIRD: (\d+)/, mode: 'after-line' }],
  okFinals: ['SEND OK'],
  errorFinals: ['SEND FAIL'],
  init: () => standardInit(),
  radio: (cfg) => [
    // AT+QCFG="nwscanmode",3,1: LTE only (take effect immediately).
    { cmd: 'AT+QCFG="nwscanmode",3,1' },
    // AT+QCFG="iotopmode",<mode 0 eMTC | 1 NB-IoT | 2 both>,1
    { cmd: `AT+QCFG="iotopmode",${cfg.mode === 'nb-iot' ? 1 : 0},1` },
    // AT+QCFG="nwscanseq",<02 eMTC first | 03 NB-IoT first>,1
    { cmd: `AT+QCFG="nwscanseq",${cfg.mode === 'nb-iot' ? '03' : '02'},1` },
    // AT+QCFG="band",<gsmbandval>,<emtcbandval>,<nbiotbandval>,1 (0 = no change).
    ...(cfg.bands.length > 0
      ? [
          {
            cmd: `AT+QCFG="band",0,${cfg.mode === 'lte-m' ? bandHex(cfg.bands) : '0'},${cfg.mode === 'nb-iot' ? bandHex(cfg.bands) : '0'},1`,
            optional: true,
          },
        ]
      : []),
    operatorStep(cfg),
    ...powerSavingSteps(cfg),
  ],
  // AT+QICSGP=<contextID>,<context_type 1 IPv4>,"<APN>","<user>","<pass>",<auth 0 none>.
  pdpDefine: (cfg) => [{ cmd: `AT+QICSGP=1,1,"${cfg.apn}","","",0` }],
  // AT+QIACT=1 (up to 150 s). An already-active context answers ERROR: optional.
  pdpActivate: () => [{ cmd: 'AT+QIACT=1', long: true, optional: true }],
  // §2.4.5 +QIURC: "pdpdeact",<contextID>: the network deactivated context 1 (its connections are closed with it).
  pdpLost: /^\+QIURC: "pdpdeact",1\b/,
  // AT+QIACT? → +QIACT: <contextID>,<context_state>,<context_type>,"<IP_address>"
  ipQuery: {
    cmd: 'AT+QIACT?',
    expect: '+QIACT:',
    parse: (lines) =>
      lines.flatMap((l) => {
        const p = paramsOf(l, '+QIACT');
        return p?.[3] ? [p[3]] : [];
      }),
  },
  cell: { cmd: 'AT+QENG="servingcell"', expect: '+QENG:', parse: parseQeng },
  ncell: { cmd: 'AT+QENG="neighbourcell"', expect: '+QENG:', parse: parseQengNeighbours },
  socket: quectelSocket,
  gnss: bg95Gnss,
};
