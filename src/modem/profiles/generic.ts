// generic.ts: the 3GPP core every profile starts from (3GPP TS 27.007 commands only).
import type { ModemConfig } from '../config-schema.js';
import { parseCgpaddr } from '../parse.js';
import { STANDARD_URCS } from '../at-channel.js';
import type { AtStep, ModemProfile } from './types.js';
import { encodeT3324, encodeT3412 } from './timers-3gpp.js';

/**
 * Init: TS 27.007 §4 / V.250: E0 echo off (unless the modem has no echo control); +CMEE=1 numeric errors (§9.1);
 * +CEREG=2 URCs with TAC/CI (§10.1.22); +CSCON=1 (§10.1.30).
 */
export function standardInit(o: { echoControl?: boolean } = {}): AtStep[] {
  return [
    // Optional: the channel skips echoed commands anyway, and an unidentified modem may have no echo control.
    ...(o.echoControl === false ? [] : [{ cmd: 'ATE0', optional: true }]),
    { cmd: 'AT+CMEE=1' },
    { cmd: 'AT+CEREG=2' },
    { cmd: 'AT+CSCON=1', optional: true },
  ];
}

/** Operator selection, TS 27.007 §7.3: +COPS=0 automatic, +COPS=1,2,"<MCC MNC>" manual numeric. */
export function operatorStep(cfg: ModemConfig): AtStep {
  return cfg.operator
    ? { cmd: `AT+COPS=1,2,"${cfg.operator}"`, long: true }
    : { cmd: 'AT+COPS=0', long: true, optional: true };
}

/** PSM (TS 27.007 §7.38 +CPSMS) and eDRX (§7.40 +CEDRXS; AcT 4 = E-UTRAN WB-S1 (LTE-M), 5 = NB-S1). */
export function powerSavingSteps(cfg: ModemConfig): AtStep[] {
  const steps: AtStep[] = [];
  steps.push(
    cfg.psm.enabled
      ? { cmd: `AT+CPSMS=1,,,"${encodeT3412(cfg.psm.tauS)}","${encodeT3324(cfg.psm.activeS)}"`, optional: true }
      : { cmd: 'AT+CPSMS=0', optional: true },
  );
  const act = cfg.mode === 'nb-iot' ? 5 : 4;
  steps.push(
    cfg.edrx.enabled
      ? { cmd: `AT+CEDRXS=2,${act},"${cfg.edrx.value}"`, optional: true }
      : { cmd: 'AT+CEDRXS=0', optional: true },
  );
  return steps;
}

export function pdpType(): string {
  return 'IP';
}

export const genericProfile: ModemProfile = {
  name: 'generic',
  detect: /.^/, // never auto-detected: it is the fallback
  urcPrefixes: STANDARD_URCS,
  binaryRules: [],
  init: () => standardInit(),
  // A plain 3GPP modem chooses its RAT itself; only the operator is set here.
  radio: (cfg) => [operatorStep(cfg), ...powerSavingSteps(cfg)],
  // TS 27.007 §10.1.1 +CGDCONT=<cid>,<PDP_type>,<APN>.
  pdpDefine: (cfg) => [{ cmd: `AT+CGDCONT=1,"${pdpType()}","${cfg.apn}"` }],
  // §10.1.10 +CGACT=1,1: optional since LTE attach brings up the default bearer.
  pdpActivate: () => [{ cmd: 'AT+CGACT=1,1', long: true, optional: true }],
  ipQuery: { cmd: 'AT+CGPADDR=1', expect: '+CGPADDR:', parse: (lines) => lines.flatMap((l) => parseCgpaddr(l) ?? []) },
};
