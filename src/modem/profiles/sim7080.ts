// sim7080.ts: SIMCom SIM7080G: +CNMP / +CMNB, +CBANDCFG, +CNCFG / +CNACT, +CPSI, and +CAOPEN / +CASEND / +CARECV
// sockets. Source: SIM7070_SIM7080_SIM7090 Series_AT Command Manual_V1.04 (AT+CNMP, AT+CMNB, AT+CBANDCFG, AT+CPSI,
// AT+CNCFG, AT+CNACT and its +APP PDP URC; TCP/UDP commands AT+CAOPEN, AT+CASEND, AT+CARECV, AT+CACLOSE, URCs
// +CADATAIND and +CASTATE).
import { CodedError } from '../../errors.js';
import { STANDARD_URCS } from '../at-channel.js';
import { sim7080Gnss } from '../gnss/sim7080.js';
import { paramsOf } from '../parse.js';
import { operatorStep, powerSavingSteps, standardInit } from './generic.js';
import type { CellInfo, Datagram, ModemProfile, UdpSocketDialect } from './types.js';

/**
 * AT+CPSI? in LTE: `+CPSI: <System Mode>,<Operation Mode>,<MCC>-<MNC>,<TAC>,<SCellID>,<PCellID>,<Frequency
 * Band>,<earfcn>, <dlbw>,<ulbw>,<RSRQ>,<RSRP>,<RSSI>,<RSSNR>` e.g. `+CPSI: LTE
 * CAT-M1,Online,262-01,0x1A2D,27447297,331,EUTRAN-BAND20,6300,3,3,-10,-95,-68,15`.
 */
export function parseCpsi(lines: string[]): CellInfo {
  const line = lines.find((l) => l.startsWith('+CPSI:'));
  const p = line ? paramsOf(line, '+CPSI') : undefined;
  if (!p || p.length < 12 || !(p[0] ?? '').startsWith('LTE')) return {};
  const info: CellInfo = {};
  const m = /^(\d{3})-(\d{2,3})$/.exec(p[2] ?? '');
  if (m) {
    info.mcc = Number(m[1]);
    info.mnc = Number(m[2]);
  }
  const tac = Number.parseInt((p[3] ?? '').replace(/^0x/i, ''), 16);
  if (!Number.isNaN(tac)) info.lac = tac;
  const ci = Number.parseInt(p[4] ?? '', 10);
  if (!Number.isNaN(ci)) info.ci = ci;
  const band = /BAND(\d+)/.exec(p[6] ?? '');
  if (band) info.band = Number(band[1]);
  const rsrq = Number.parseInt(p[10] ?? '', 10);
  if (!Number.isNaN(rsrq)) info.rsrqDb = rsrq;
  const rsrp = Number.parseInt(p[11] ?? '', 10);
  if (!Number.isNaN(rsrp)) info.dbm = rsrp;
  return info;
}

/** +CAOPEN sockets are connected: one peer per socket (re-opened when the peer changes). */
export const simcomSocket: UdpSocketDialect = {
  // +CADATAIND: <cid>
  rxNotice: /^\+CADATAIND: (\d+)/,
  anyPeer: false,
  // +CASTATE: <cid>,<state>: state 0 = the connection was closed by the module / network.
  closedNotice: /^\+CASTATE: (\d+),0\b/,
  mtu: 1460,
  // AT+CAOPEN=<pdp_index>,<cid>,"UDP","<server>",<port> → `+CAOPEN: <cid>,<result 0 ok>`, OK.
  async open(ch, to, t) {
    const id = 0;
    const r = await ch.command(`AT+CAOPEN=0,${id},"UDP","${to.address}",${to.port}`, {
      expect: '+CAOPEN:',
      timeoutMs: t.longCommandMs,
    });
    const p = paramsOf(r.lines.find((l) => l.startsWith('+CAOPEN:')) ?? '', '+CAOPEN');
    if (p?.[1] !== '0') throw new CodedError('MODEM_SOCKET_FAILED', `AT+CAOPEN failed: ${r.lines.join(' | ')}`);
    return id;
  },
  // AT+CASEND=<cid>,<datalen> → ">" → data → OK.
  async sendTo(ch, id, data, _to, t) {
    await ch.command(`AT+CASEND=${id},${data.length}`, { payload: data, timeoutMs: t.longCommandMs });
  },
  // AT+CARECV=<cid>,<readlen> → `+CARECV: <recvlen>,<data>` (data inline, raw), OK; `+CARECV: 0` when empty.
  async recv(ch, id, peer, t) {
    const out: Datagram[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await ch.command(`AT+CARECV=${id},1460`, { expect: '+CARECV:', timeoutMs: t.commandMs });
      const d = r.data[0];
      if (!d || d.data.length === 0) break;
      out.push({ data: d.data, from: { ...peer } });
    }
    return out;
  },
  async close(ch, id, t) {
    await ch.command(`AT+CACLOSE=${id}`, { timeoutMs: t.longCommandMs }).catch(() => undefined);
  },
};

export const sim7080Profile: ModemProfile = {
  name: 'sim7080',
  detect: /SIM70[789]0|SIMCOM/i,
  urcPrefixes: [...STANDARD_URCS, '+CADATAIND:', '+CASTATE:', '+APP PDP:', 'SMS Ready', '+CPSMSTATUS:', '+UGNSINF:'],
  binaryRules: [{ re: /^\+CARECV: (\d+),/, mode: 'inline' }],
  init: () => standardInit(),
  radio: (cfg) => [
    // AT+CNMP=38: LTE only. AT+CMNB=<1 CAT-M | 2 NB-IoT | 3 both>.
    { cmd: 'AT+CNMP=38' },
    { cmd: `AT+CMNB=${cfg.mode === 'nb-iot' ? 2 : 1}` },
    // AT+CBANDCFG="CAT-M"|"NB-IOT","<band>,<band>…"
    ...(cfg.bands.length > 0
      ? [{ cmd: `AT+CBANDCFG="${cfg.mode === 'nb-iot' ? 'NB-IOT' : 'CAT-M'}",${cfg.bands.join(',')}`, optional: true }]
      : []),
    operatorStep(cfg),
    ...powerSavingSteps(cfg),
  ],
  // AT+CGDCONT=1,"IP","<apn>" for attach; AT+CNCFG=<pdpidx>,<ip_type 1 IPv4>,"<APN>" for the app network.
  pdpDefine: (cfg) => [{ cmd: `AT+CGDCONT=1,"IP","${cfg.apn}"` }, { cmd: `AT+CNCFG=0,1,"${cfg.apn}"` }],
  // AT+CNACT=<pdpidx>,<action 1 activate> answers OK at once and reports the activation later as the URC
  // `+APP PDP: <pdpidx>,ACTIVE` (or DEACTIVE): the step waits for it. Already active → ERROR: optional (no URC then).
  pdpActivate: () => [
    { cmd: 'AT+CNACT=0,1', long: true, optional: true, urc: /^\+APP PDP: 0,ACTIVE/, urcFail: /^\+APP PDP: 0,DEACTIVE/ },
  ],
  pdpLost: /^\+APP PDP: 0,DEACTIVE/,
  // AT+CNACT? → +CNACT: <pdpidx>,<statusx>,<address> (one line per index).
  ipQuery: {
    cmd: 'AT+CNACT?',
    expect: '+CNACT:',
    parse: (lines) =>
      lines.flatMap((l) => {
        const p = paramsOf(l, '+CNACT');
        return p?.[1] === '1' && p[2] && p[2] !== '0.0.0.0' ? [p[2]] : [];
      }),
  },
  cell: { cmd: 'AT+CPSI?', expect: '+CPSI:', parse: parseCpsi },
  socket: simcomSocket,
  gnss: sim7080Gnss,
};
