// validation.test.ts: what the real device answers a server's out-of-model requests: resource instances of single
// resources, oversized values, incomplete Create, absurd attributes and lifetimes — and that none of it is kept.
import test from 'ava';
import { HostileServer, type HostileRequest } from '../support/hostile-server.js';
import { DeviceProcess } from '../support/device-process.js';
import { ContentFormat } from '../../src/lwm2m/types.js';

const textPut = (path: string, value: string): HostileRequest => ({
  method: 'PUT',
  path,
  contentFormat: ContentFormat.TEXT,
  payload: Buffer.from(value),
});

test('out-of-model requests get 4.04 / 4.13 / 4.00 and change nothing', async (t) => {
  const server = await HostileServer.start();
  const device = new DeviceProcess({ server: server.uri });
  try {
    await server.waitForRegister(30_000);
    t.is((await server.request(textPut('/3/0/14', '+01:00'))).code, '2.04', 'a normal write');
    const cases: [string, HostileRequest, string][] = [
      [
        'resource instance of a single resource',
        { method: 'GET', path: '/3/0/0/0', accept: ContentFormat.TEXT },
        '4.04',
      ],
      ['observe a resource instance of a single resource', { method: 'GET', path: '/3/0/0/0', observe: 0 }, '4.04'],
      ['60 KB string', textPut('/3/0/14', 'x'.repeat(60_000)), '4.13'],
      [
        '60 KB string in SenML',
        {
          method: 'PUT',
          path: '/3/0',
          contentFormat: ContentFormat.SENML_JSON,
          payload: Buffer.from(JSON.stringify([{ n: '/3/0/14', vs: 'y'.repeat(60_000) }])),
        },
        '4.13',
      ],
      [
        'Create with an empty payload (TLV)',
        { method: 'POST', path: '/3424', contentFormat: ContentFormat.TLV, payload: Buffer.alloc(0) },
        '4.00',
      ],
      [
        'Create with no records (SenML)',
        { method: 'POST', path: '/3424', contentFormat: ContentFormat.SENML_JSON, payload: Buffer.from('[]') },
        '4.00',
      ],
      ['integer beyond 64 bits', textPut('/3424/0/6', '99999999999999999999999'), '4.00'],
      ['lifetime of 31,000 years', textPut('/1/0/1', '999999999999'), '4.00'],
      ['lifetime 0', textPut('/1/0/1', '0'), '4.00'],
      ['default pmax beyond the longest timer', textPut('/1/0/3', '3000000'), '4.00'],
      ['gt beyond 2^53', { method: 'PUT', path: '/3424/0/1', query: ['gt=9007199254740993'] }, '4.00'],
      ['gt 1e300', { method: 'PUT', path: '/3424/0/1', query: ['gt=1e300'] }, '4.00'],
      ['pmin beyond 2^53', { method: 'PUT', path: '/3424/0/1', query: ['pmin=9007199254740993'] }, '4.00'],
      ['pmax of 100 years', { method: 'PUT', path: '/3424/0/1', query: ['pmax=3153600000'] }, '4.00'],
      ['pmin above pmax', { method: 'PUT', path: '/3424/0/1', query: ['pmin=60', 'pmax=10'] }, '4.00'],
    ];
    for (const [what, req, code] of cases) t.is((await server.request(req)).code, code, what);
    t.is(
      (await server.request({ method: 'GET', path: '/3/0/14', accept: ContentFormat.TEXT })).payload.toString(),
      '+01:00',
    );
    t.is(
      (await server.request({ method: 'GET', path: '/1/0/1', accept: ContentFormat.TEXT })).payload.toString(),
      '300',
    );
    const links = (
      await server.request({ method: 'GET', path: '/3424/0/1', accept: ContentFormat.LINK })
    ).payload.toString();
    t.false(/pmin|pmax|gt=/.test(links), links);
    t.is(
      (await server.request({ method: 'GET', path: '/3424', accept: ContentFormat.LINK })).payload
        .toString()
        .includes('</3424/1>'),
      false,
      'no instance created',
    );
    t.true(device.running);
  } finally {
    await device.stop();
    await server.close();
  }
});
