// formats.ts: content-format names the console accepts (--format senml-json) ↔ CoAP Content-Format numbers.
import { CodedError } from '../../errors.js';

export const FORMAT_NAMES: Readonly<Record<string, number>> = {
  text: 0,
  opaque: 42,
  'senml-json': 110,
  'senml-cbor': 112,
  tlv: 11542,
  json: 11543,
  'lwm2m-cbor': 11544,
};

/** A name or a number → the Content-Format number. */
export function formatByName(v: string): number {
  const n = FORMAT_NAMES[v.toLowerCase()] ?? (/^\d+$/.test(v) ? Number(v) : undefined);
  if (n === undefined)
    throw new CodedError(
      'CONSOLE_FORMAT',
      `unknown format '${v}' (${Object.keys(FORMAT_NAMES).join(', ')} or a number)`,
    );
  return n;
}

export function formatName(n: number | undefined): string {
  if (n === undefined) return '-';
  if (n === 40) return 'link-format';
  return Object.entries(FORMAT_NAMES).find(([, v]) => v === n)?.[0] ?? String(n);
}
