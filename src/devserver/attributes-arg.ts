// attributes-arg.ts: `pmin=5,pmax=30,gt=` (CLI --attr, console attr) → Write-Attributes values.
import { CodedError } from '../errors.js';
import type { AttributeValue } from './operations.js';

/** `pmin=5,pmax=30,gt=` → { pmin: 5, pmax: 30, gt: null } (an empty value removes the attribute). */
export function parseAttributes(list: string, flag = '--attr'): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const item of list.split(/[,\s]+/).filter((x) => x !== '')) {
    const m = /^([a-z]+)=(.*)$/.exec(item);
    if (!m) throw new CodedError('CLI_ARGS', `${flag}: '${item}' is not NAME=VALUE`);
    if (m[2] === '') {
      out[m[1]] = null;
      continue;
    }
    const n = Number(m[2]);
    if (!Number.isFinite(n)) throw new CodedError('CLI_ARGS', `${flag}: ${m[1]} wants a number, got '${m[2]}'`);
    out[m[1]] = n;
  }
  return out;
}
