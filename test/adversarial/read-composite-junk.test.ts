// read-composite-junk.test.ts: junk request payloads are client errors (4.00 undecodable, 4.15 unsupported format) for
// every operation, and thousands of them leave only a handful of warn lines.
import test from 'ava';
import { HostileServer, type HostileRequest } from '../support/hostile-server.js';
import { DeviceProcess, LEVEL } from '../support/device-process.js';
import { ContentFormat } from '../../src/lwm2m/types.js';

const truncatedCbor = Buffer.from([0x81, 0xa1, 0x00, 0x66, 0x2f, 0x33]); // [{0: "/3… (cut)
const bad: [string, HostileRequest, string][] = [
  [
    'Read-Composite, invalid JSON',
    {
      method: 'FETCH',
      path: '/',
      contentFormat: ContentFormat.SENML_JSON,
      accept: ContentFormat.SENML_JSON,
      payload: Buffer.from('[{"n":'),
    },
    '4.00',
  ],
  [
    'Read-Composite, JSON not SenML',
    {
      method: 'FETCH',
      path: '/',
      contentFormat: ContentFormat.SENML_JSON,
      accept: ContentFormat.SENML_JSON,
      payload: Buffer.from('{"n":"/3/0/0"}'),
    },
    '4.00',
  ],
  [
    'Read-Composite, bad path',
    {
      method: 'FETCH',
      path: '/',
      contentFormat: ContentFormat.SENML_JSON,
      accept: ContentFormat.SENML_JSON,
      payload: Buffer.from('[{"n":"/3/x"}]'),
    },
    '4.00',
  ],
  [
    'Read-Composite, text/plain',
    {
      method: 'FETCH',
      path: '/',
      contentFormat: ContentFormat.TEXT,
      accept: ContentFormat.SENML_JSON,
      payload: Buffer.from('/3/0/0'),
    },
    '4.15',
  ],
  [
    'Read-Composite, truncated CBOR',
    {
      method: 'FETCH',
      path: '/',
      contentFormat: ContentFormat.SENML_CBOR,
      accept: ContentFormat.SENML_CBOR,
      payload: truncatedCbor,
    },
    '4.00',
  ],
  [
    'Read-Composite, unknown format',
    { method: 'FETCH', path: '/', contentFormat: 9999, accept: ContentFormat.SENML_JSON, payload: Buffer.from('x') },
    '4.15',
  ],
  [
    'Observe-Composite, invalid JSON',
    {
      method: 'FETCH',
      path: '/',
      observe: 0,
      contentFormat: ContentFormat.SENML_JSON,
      accept: ContentFormat.SENML_JSON,
      payload: Buffer.from('nope'),
    },
    '4.00',
  ],
  [
    'Observe-Composite, truncated CBOR',
    {
      method: 'FETCH',
      path: '/',
      observe: 0,
      contentFormat: ContentFormat.SENML_CBOR,
      accept: ContentFormat.SENML_CBOR,
      payload: truncatedCbor,
    },
    '4.00',
  ],
  [
    'Write-Composite, invalid JSON',
    { method: 'iPATCH', path: '/', contentFormat: ContentFormat.SENML_JSON, payload: Buffer.from('[{') },
    '4.00',
  ],
  [
    'Write-Composite, text/plain',
    { method: 'iPATCH', path: '/', contentFormat: ContentFormat.TEXT, payload: Buffer.from('1') },
    '4.15',
  ],
  [
    'Write, invalid JSON',
    { method: 'PUT', path: '/3/0/14', contentFormat: ContentFormat.SENML_JSON, payload: Buffer.from('[{"n":') },
    '4.00',
  ],
  [
    'Write, truncated CBOR',
    { method: 'PUT', path: '/3/0', contentFormat: ContentFormat.SENML_CBOR, payload: truncatedCbor },
    '4.00',
  ],
  [
    'Write, truncated TLV',
    { method: 'PUT', path: '/3/0', contentFormat: ContentFormat.TLV, payload: Buffer.from([0xc8, 0x0e, 0x10]) },
    '4.00',
  ],
  ['Write, unknown format', { method: 'PUT', path: '/3/0/14', contentFormat: 9999, payload: Buffer.from('x') }, '4.15'],
  [
    'Create, invalid JSON',
    { method: 'POST', path: '/3424', contentFormat: ContentFormat.SENML_JSON, payload: Buffer.from('}') },
    '4.00',
  ],
  [
    'Execute, bad arguments',
    { method: 'POST', path: '/3/0/4', contentFormat: ContentFormat.TEXT, payload: Buffer.from("0='unterminated") },
    '4.00',
  ],
];

test('junk payloads get 4.00 / 4.15 for every operation; 3,000 of them give at most a handful of warn lines', async (t) => {
  const server = await HostileServer.start();
  const device = new DeviceProcess({ server: server.uri });
  try {
    await server.waitForRegister(30_000);
    for (const [what, req, code] of bad) t.is((await server.request(req)).code, code, what);
    const warnBefore = device.logsAtLeast(LEVEL.warn).length;
    const N = 3000;
    const BATCH = 50;
    const codes = new Map<string, number>();
    for (let i = 0; i < N; i += BATCH) {
      const batch = Array.from({ length: BATCH }, (_, k) =>
        server.request({ ...bad[(i + k) % bad.length][1], timeoutMs: 20_000 }),
      );
      for (const r of await Promise.all(batch)) codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
    }
    t.deepEqual(
      [...codes.keys()].filter((c) => !c.startsWith('4.')),
      [],
      JSON.stringify([...codes]),
    );
    // the device still serves
    t.is((await server.request({ method: 'GET', path: '/3/0/0', accept: ContentFormat.TEXT })).code, '2.05');
    const warns = device.logsAtLeast(LEVEL.warn).slice(warnBefore);
    t.true(warns.length <= 5, `${warns.length} warn lines for ${N} bad requests: ${JSON.stringify(warns.slice(0, 3))}`);
    t.true(device.running);
  } finally {
    await device.stop();
    await server.close();
  }
});
