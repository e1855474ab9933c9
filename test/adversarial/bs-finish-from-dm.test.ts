// bs-finish-from-dm.test.ts: only the bootstrap server's session finishes a bootstrap or gets
// Bootstrap-Write/Delete/Discover semantics: a DM server's POST /bs and a stranger's bootstrap writes get 4.01.
import test from 'ava';
import { HostileServer } from '../support/hostile-server.js';
import { DeviceProcess } from '../support/device-process.js';
import { encode, untypedContext } from '../../src/lwm2m/formats/index.js';
import { ContentFormat, type LwRecord } from '../../src/lwm2m/types.js';

const senml = (recs: LwRecord[]): Buffer => Buffer.from(encode(ContentFormat.SENML_JSON, recs, untypedContext([])));
const account = (uri: string, ssid: number): { sec: Buffer; srv: Buffer } => ({
  sec: senml([
    { path: [0, 1, 0], value: uri },
    { path: [0, 1, 1], value: false },
    { path: [0, 1, 2], value: 3 },
    { path: [0, 1, 10], value: ssid },
  ]),
  srv: senml([
    { path: [1, 0, 0], value: ssid },
    { path: [1, 0, 1], value: 300 },
    { path: [1, 0, 6], value: true },
    { path: [1, 0, 7], value: 'U' },
  ]),
});

test('Bootstrap-Finish and bootstrap writes are honoured from the bootstrap server only', async (t) => {
  const bs = await HostileServer.start();
  const dm = await HostileServer.start();
  const stranger = await HostileServer.start();
  const device = new DeviceProcess({
    server: bs.uri,
    config: { client: { servers: [{ uri: bs.uri, bootstrap: true }] } },
  });
  try {
    await bs.waitForRequest((r) => r.method === 'POST' && r.path === '/bs', 30_000, 'a Bootstrap-Request');
    // Another host writes to the device while it bootstraps: none of it has bootstrap semantics.
    stranger.device = bs.device;
    const evil = account(stranger.uri, 66);
    t.is(
      (
        await stranger.request({
          method: 'PUT',
          path: '/0/1',
          contentFormat: ContentFormat.SENML_JSON,
          payload: evil.sec,
        })
      ).code,
      '4.01',
      'Bootstrap-Write from a stranger',
    );
    t.is((await stranger.request({ method: 'DELETE', path: '/' })).code, '4.01', 'Bootstrap-Delete from a stranger');
    t.is(
      (await stranger.request({ method: 'GET', path: '/', accept: ContentFormat.LINK })).code,
      '4.01',
      'Bootstrap-Discover from a stranger',
    );
    t.is((await stranger.request({ method: 'POST', path: '/bs' })).code, '4.01', 'Bootstrap-Finish from a stranger');

    // The bootstrap server provisions the DM server and finishes.
    const good = account(dm.uri, 7);
    t.is(
      (await bs.request({ method: 'PUT', path: '/0/1', contentFormat: ContentFormat.SENML_JSON, payload: good.sec }))
        .code,
      '2.04',
    );
    t.is(
      (await bs.request({ method: 'PUT', path: '/1/0', contentFormat: ContentFormat.SENML_JSON, payload: good.srv }))
        .code,
      '2.04',
    );
    t.is((await bs.request({ method: 'POST', path: '/bs' })).code, '2.04');
    await dm.waitForRegister(30_000);

    // The DM server cannot finish a bootstrap (or start the bootstrap interface) on its session.
    const before = dm.requests.length;
    t.is((await dm.request({ method: 'POST', path: '/bs' })).code, '4.01', 'Bootstrap-Finish from the DM server');
    t.is((await dm.request({ method: 'DELETE', path: '/' })).code, '4.05', 'Bootstrap-Delete from the DM server');
    t.is(
      (await dm.request({ method: 'GET', path: '/3/0/0', accept: ContentFormat.TEXT })).code,
      '2.05',
      'still served',
    );
    t.false(
      dm.requests.slice(before).some((r) => r.path === '/rd'),
      'no new Register after the refused finish',
    );
    t.is(stranger.requests.length, 0, 'the stranger was never contacted');
  } finally {
    await device.stop();
    await bs.close();
    await dm.close();
    await stranger.close();
  }
});
