// dm-security-object.test.ts: a registered (non-bootstrap) server gets 4.01 for every operation on the Security object
// (/0); nothing is kept and after a restart the device registers with its original server.
import test from 'ava';
import { HostileServer, type HostileRequest } from '../support/hostile-server.js';
import { DeviceProcess } from '../support/device-process.js';
import { encode, untypedContext } from '../../src/lwm2m/formats/index.js';
import { ContentFormat, type LwRecord } from '../../src/lwm2m/types.js';

const senml = (recs: LwRecord[]): Buffer => Buffer.from(encode(ContentFormat.SENML_JSON, recs, untypedContext([])));

test('every DM operation on /0 is refused with 4.01; the written server URI is not used after a restart', async (t) => {
  const server = await HostileServer.start();
  const evil = await HostileServer.start();
  let device = new DeviceProcess({ server: server.uri });
  try {
    await server.waitForRegister(30_000);
    const uri = Buffer.from(evil.uri);
    const ops: [string, HostileRequest][] = [
      ['Read /0/0', { method: 'GET', path: '/0/0' }],
      ['Read /0/0/5 (PSK key)', { method: 'GET', path: '/0/0/5', accept: ContentFormat.OPAQUE }],
      ['Read /0', { method: 'GET', path: '/0', accept: ContentFormat.SENML_JSON }],
      ['Discover /0', { method: 'GET', path: '/0', accept: ContentFormat.LINK }],
      ['Discover /0/0', { method: 'GET', path: '/0/0', accept: ContentFormat.LINK }],
      ['Observe /0/0/0', { method: 'GET', path: '/0/0/0', observe: 0 }],
      ['Write /0/0/0 text', { method: 'PUT', path: '/0/0/0', contentFormat: ContentFormat.TEXT, payload: uri }],
      [
        'Write /0/0 TLV',
        {
          method: 'PUT',
          path: '/0/0',
          contentFormat: ContentFormat.TLV,
          payload: Buffer.from(
            encode(ContentFormat.TLV, [{ path: [0, 0, 0], value: evil.uri }], untypedContext([0, 0])),
          ),
        },
      ],
      [
        'Write /0/0 SenML',
        {
          method: 'PUT',
          path: '/0/0',
          contentFormat: ContentFormat.SENML_JSON,
          payload: senml([{ path: [0, 0, 0], value: evil.uri }]),
        },
      ],
      [
        'Partial update /0/0',
        {
          method: 'POST',
          path: '/0/0',
          contentFormat: ContentFormat.SENML_JSON,
          payload: senml([{ path: [0, 0, 0], value: evil.uri }]),
        },
      ],
      ['Execute /0/0/0', { method: 'POST', path: '/0/0/0' }],
      ['Write-Attributes /0/0', { method: 'PUT', path: '/0/0', query: ['pmin=10'] }],
      [
        'Create /0',
        {
          method: 'POST',
          path: '/0',
          contentFormat: ContentFormat.SENML_JSON,
          payload: senml([
            { path: [0, 7, 0], value: evil.uri },
            { path: [0, 7, 1], value: false },
            { path: [0, 7, 2], value: 3 },
            { path: [0, 7, 10], value: 101 },
          ]),
        },
      ],
      [
        'Write-Composite /0/0/0',
        {
          method: 'iPATCH',
          path: '/',
          contentFormat: ContentFormat.SENML_JSON,
          payload: senml([{ path: [0, 0, 0], value: evil.uri }]),
        },
      ],
      [
        'Write-Composite /3/0/14 + /0/0/0',
        {
          method: 'iPATCH',
          path: '/',
          contentFormat: ContentFormat.SENML_JSON,
          payload: senml([
            { path: [3, 0, 14], value: '+02:00' },
            { path: [0, 0, 0], value: evil.uri },
          ]),
        },
      ],
      [
        'Read-Composite /0/0',
        {
          method: 'FETCH',
          path: '/',
          contentFormat: ContentFormat.SENML_JSON,
          accept: ContentFormat.SENML_JSON,
          payload: Buffer.from('[{"n":"/0/0"}]'),
        },
      ],
      [
        'Read-Composite /0',
        {
          method: 'FETCH',
          path: '/',
          contentFormat: ContentFormat.SENML_JSON,
          accept: ContentFormat.SENML_JSON,
          payload: Buffer.from('[{"n":"/3/0/0"},{"n":"/0"}]'),
        },
      ],
      [
        'Observe-Composite /0/0/0',
        {
          method: 'FETCH',
          path: '/',
          observe: 0,
          contentFormat: ContentFormat.SENML_JSON,
          accept: ContentFormat.SENML_JSON,
          payload: Buffer.from('[{"n":"/0/0/0"}]'),
        },
      ],
      ['Delete /0/0', { method: 'DELETE', path: '/0/0' }],
    ];
    for (const [what, req] of ops) {
      const res = await server.request(req);
      t.is(res.code, '4.01', what);
      t.false(res.payload.includes(Buffer.from(device.endpoint)), `${what}: no Security data in the answer`);
    }
    // The root Discover does not list object 0 to a DM server; the other objects stay reachable.
    const root = await server.request({ method: 'GET', path: '/', accept: ContentFormat.LINK });
    t.is(root.code, '2.05');
    t.false(root.payload.toString().includes('</0'), root.payload.toString());
    t.is((await server.request({ method: 'GET', path: '/3/0/0', accept: ContentFormat.TEXT })).code, '2.05');

    await device.stop();
    const since = server.requests.length;
    device = new DeviceProcess({ server: server.uri, stateDir: device.stateDir });
    await server.waitForRegister(30_000, since);
    t.is(evil.requests.length, 0, 'the device never contacted the URI the DM server tried to write');
  } finally {
    await device.stop();
    await server.close();
    await evil.close();
  }
});
