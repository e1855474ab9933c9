// types.ts: what a modem profile is: AT command tables per step, URCs, binary reads, parsers and a UDP socket dialect.
import type { PeerAddress } from '../../coap/transport.js';
import type { AtChannel } from '../at-channel.js';
import type { ModemConfig } from '../config-schema.js';
import type { BinaryRule } from '../framer.js';
import type { GnssDialect } from '../gnss/types.js';

export type ProfileName = 'generic' | 'nrf91' | 'bg95' | 'sim7080';

/** One AT command of a step table. `long`: uses timeouts.longCommandMs. `optional`: an error is logged, not fatal. */
export interface AtStep {
  cmd: string;
  expect?: string;
  long?: boolean;
  optional?: boolean;
  /**
   * The command's effect is reported later by this URC (after OK): the step waits for it up to timeouts.longCommandMs.
   * `urcFail`: a URC that reports the effect failed. Not waited for when an optional command failed.
   */
  urc?: RegExp;
  urcFail?: RegExp;
}

/** Serving / neighbour cell data as a profile's cell query reports it. */
export interface CellInfo {
  ci?: number;
  lac?: number;
  mcc?: number;
  mnc?: number;
  dbm?: number;
  rsrqDb?: number;
  neighbours?: number;
  band?: number;
  /** Serving cell physical cell id and E-UTRA ARFCN, when the query reports them. */
  pci?: number;
  earfcn?: number;
  /** Neighbour cell measurements, when the cell query carries them (nRF91 %NCELLMEAS). */
  neighbourCells?: NeighbourCell[];
}

/** One measured E-UTRA neighbour cell (what LwM2M object 10256 ECID-Signal Measurement Information carries). */
export interface NeighbourCell {
  /** Physical cell id (0..503). */
  pci: number;
  /** E-UTRA ARFCN. */
  earfcn: number;
  rsrpDbm?: number;
  rsrqDb?: number;
  /** UE Rx-Tx time difference / measurement time difference as the modem reports it. */
  timeDiff?: number;
}

export interface Datagram {
  data: Uint8Array;
  from: PeerAddress;
}

export interface SocketTimeouts {
  commandMs: number;
  longCommandMs: number;
}

/** The modem's own UDP socket over AT. */
export interface UdpSocketDialect {
  /** A URC that means "datagram waiting"; the capture group is the socket id. */
  readonly rxNotice: RegExp;
  /** Commands to run once before opening (e.g. enabling async poll URCs). */
  readonly setup?: readonly AtStep[];
  /** Opens a socket able to reach `to`; returns the socket id. */
  open(ch: AtChannel, to: PeerAddress, t: SocketTimeouts): Promise<number>;
  /** Whether a socket opened for one peer can send to another (false for SIM7080 CAOPEN). */
  readonly anyPeer: boolean;
  sendTo(ch: AtChannel, id: number, data: Uint8Array, to: PeerAddress, t: SocketTimeouts): Promise<void>;
  /** Reads waiting datagrams (may return none). */
  recv(ch: AtChannel, id: number, peer: PeerAddress, t: SocketTimeouts): Promise<Datagram[]>;
  close(ch: AtChannel, id: number, t: SocketTimeouts): Promise<void>;
  /** A URC saying the modem closed a socket on its own (capture group: the socket id); the next send reopens. */
  readonly closedNotice?: RegExp;
  /**
   * A socket the modem closed on its own (closedNotice, or its context went down: profile.pdpLost) must still be closed
   * with `close()` before its id is opened again (BG95: "closing" until AT+QICLOSE). False: it is gone (SIM7080:
   * AT+CACLOSE on it answers ERROR), the next open just opens.
   */
  readonly releaseClosed?: boolean;
  /** Largest datagram the dialect carries in one command. */
  readonly mtu: number;
}

export interface ModemProfile {
  readonly name: ProfileName;
  /** Matched against the ATI / AT+CGMM text for `profile: auto`. */
  readonly detect: RegExp;
  readonly urcPrefixes: readonly string[];
  readonly binaryRules: readonly BinaryRule[];
  readonly okFinals?: readonly string[];
  readonly errorFinals?: readonly string[];
  /** The modem has no V.250 echo control (ATE): ATE0 is never sent to it (nRF91: not in its AT command reference). */
  readonly noEchoControl?: boolean;
  /**
   * A URC saying the PDP / IP context went down while attached (SIM7080 `+APP PDP: 0,DEACTIVE`): data is re-activated.
   */
  readonly pdpLost?: RegExp;
  /** Echo off, verbose errors, registration URCs … (after the AT probe). */
  init(cfg: ModemConfig): AtStep[];
  /** Radio access technology, bands, operator: run with the radio off (CFUN=0 or 4). */
  radio(cfg: ModemConfig): AtStep[];
  /** PDP context definition (before CFUN=1). */
  pdpDefine(cfg: ModemConfig): AtStep[];
  /** PDP / IP context activation after attach (may be empty: the default bearer comes with attach). */
  pdpActivate(cfg: ModemConfig): AtStep[];
  /** Reads the IP address(es). */
  readonly ipQuery: AtStep & { parse(lines: string[]): string[] };
  /** Serving / neighbour cell query; `urc`: the answer arrives as this URC after OK (nRF91 %NCELLMEAS). */
  readonly cell?: AtStep & { urc?: RegExp; parse(lines: string[]): CellInfo };
  /** Separate neighbour cell query (BG95 AT+QENG="neighbourcell"); absent when `cell` already carries neighbours. */
  readonly ncell?: AtStep & { parse(lines: string[]): NeighbourCell[] };
  readonly socket?: UdpSocketDialect;
  /** The modem's GNSS receiver (absent: the profile drives none). */
  readonly gnss?: GnssDialect;
}
