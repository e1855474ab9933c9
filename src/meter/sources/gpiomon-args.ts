// gpiomon-args.ts: command lines for libgpiod's gpiomon (v1 and v2 syntax) and the parser for the lines it prints;
// pure.

export interface GpioLineConfig {
  chip: string;
  line: number;
  edge: 'rising' | 'falling';
  activeLow: boolean;
  bias: 'as-is' | 'disable' | 'pull-down' | 'pull-up';
}

/** libgpiod major version from `gpiomon --version` output ("gpiomon (libgpiod) v1.6.3" → 1); undefined if unknown. */
export function gpiomonMajor(versionText: string): number | undefined {
  const m = /libgpiod\)?\s+v?(\d+)\./.exec(versionText);
  return m ? Number(m[1]) : undefined;
}

/**
 * Arguments that make gpiomon print one line per edge: "<edge> <seconds> <nanoseconds>" (v1, edge 1 = rising,
 * 0 = falling) or "<edge> <seconds.nanoseconds>" (v2, edge 1 = rising, 2 = falling).
 */
export function gpiomonArgs(major: number, c: GpioLineConfig): string[] {
  if (major >= 2) {
    const a = ['--chip', c.chip, '--edges', c.edge, '--bias', c.bias, '--format', '%e %S'];
    if (c.activeLow) a.push('--active-low');
    a.push(String(c.line));
    return a;
  }
  const a = [
    '--line-buffered',
    '--bias',
    c.bias,
    c.edge === 'rising' ? '--rising-edge' : '--falling-edge',
    '--format',
    '%e %s %n',
  ];
  if (c.activeLow) a.push('--active-low');
  a.push(c.chip, String(c.line));
  return a;
}

/** Parses one gpiomon output line into the event timestamp (ns); undefined for lines that are not events. */
export function parseGpiomonLine(line: string): bigint | undefined {
  const m = /^\s*(\d+)\s+(\d+)(?:\.(\d{1,9})|\s+(\d{1,9}))\s*$/.exec(line);
  if (!m) return undefined;
  const sec = BigInt(m[2]);
  const frac = m[3] !== undefined ? BigInt(m[3].padEnd(9, '0')) : BigInt(m[4]);
  return sec * 1_000_000_000n + frac;
}
