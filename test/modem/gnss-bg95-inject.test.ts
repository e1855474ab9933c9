// gnss-bg95-inject.test.ts: the BG95 XTRA injection against a scripted AT channel: an upload the module reports with
// another size or checksum is refused (GNSS_INJECT_FAILED) before the time and data are injected, and the file deleted.
import test from 'ava';
import { CodedError } from '../../src/errors.js';
import type { AtChannel, AtCommandOptions, AtResponse } from '../../src/modem/at-channel.js';
import { bg95Gnss, qfuplChecksum } from '../../src/modem/gnss/bg95.js';

/** An AT channel answering AT+QFUPL with `upload`, everything else OK; records the commands. */
function scripted(upload: (data: Uint8Array) => string): { ch: AtChannel; sent: string[] } {
  const sent: string[] = [];
  const ch = {
    command(cmd: string, opts: AtCommandOptions = {}): Promise<AtResponse> {
      sent.push(cmd);
      const lines = cmd.startsWith('AT+QFUPL=') && opts.payload ? [upload(opts.payload)] : [];
      return Promise.resolve({ lines, data: [], final: 'OK' });
    },
  };
  return { ch: ch as unknown as AtChannel, sent };
}

const t5 = { commandMs: 1000, longCommandMs: 5000 };
const data = Uint8Array.from({ length: 101 }, (_, i) => (i * 37) & 0xff);

for (const [what, answer] of [
  ['checksum', (d: Uint8Array) => `+QFUPL: ${d.length},${(qfuplChecksum(d) ^ 1).toString(16)}`],
  ['size', (d: Uint8Array) => `+QFUPL: ${d.length - 1},${qfuplChecksum(d).toString(16)}`],
  ['garbled answer', () => '+QFUPL: x,zz'],
] as const) {
  test(`an upload reported with another ${what}: GNSS_INJECT_FAILED, no time or data injected, file deleted`, async (t) => {
    const { ch, sent } = scripted(answer);
    const err = await t.throwsAsync(bg95Gnss.inject?.(ch, data, t5) ?? Promise.resolve());
    t.true(err instanceof CodedError && err.code === 'GNSS_INJECT_FAILED', String(err));
    t.false(sent.some((c) => c.startsWith('AT+QGPSXTRATIME') || c.startsWith('AT+QGPSXTRADATA')));
    t.is(sent.at(-1), 'AT+QFDEL="UFS:xtra2.bin"');
  });
}

test('the upload reported as sent: time then data injected, then the file deleted', async (t) => {
  const { ch, sent } = scripted((d) => `+QFUPL: ${d.length},${qfuplChecksum(d).toString(16)}`);
  await bg95Gnss.inject?.(ch, data, t5);
  t.deepEqual(
    sent.map((c) => c.replace(/"\d{4}\/\d{2}\/\d{2},\d{2}:\d{2}:\d{2}"/, '<time>')),
    [
      'AT+QGPSXTRA=1',
      'AT+QFDEL="UFS:xtra2.bin"',
      'AT+QFUPL="UFS:xtra2.bin",101,5',
      'AT+QGPSXTRATIME=0,<time>,1,1,3500',
      'AT+QGPSXTRADATA="UFS:xtra2.bin"',
      'AT+QFDEL="UFS:xtra2.bin"',
    ],
  );
});
