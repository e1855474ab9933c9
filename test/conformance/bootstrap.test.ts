// bootstrap.test.ts: the ETS Bootstrap Interface cases (int-0, 4, 5, 6, 7, 9) against the real device: a strict
// bootstrap server provisions a strict LwM2M server; int-2 / int-3 listed as not supported (int-1, over DTLS-PSK, is in
// security.test.ts).
import test from 'ava';
import { StrictServer, CF } from './support/strict-server.js';
import { startDevice, CONFIG3 } from './support/device.js';
import { ets, etsUnsupported } from './support/ets.js';
import { tlv } from './support/tlv.js';
import { linkMap } from './support/link-format.js';
import type { DeviceProcess } from '../support/device-process.js';
import type { DeviceRequest } from '../support/hostile-server.js';

let bs: StrictServer;
let dm: StrictServer;
let device: DeviceProcess;
const servers = (): StrictServer[] => [bs, dm];

test.before(async () => {
  [bs, dm] = await Promise.all([StrictServer.start(), StrictServer.start()]);
});

test.after.always(async () => {
  await device?.stop();
  await Promise.all([bs?.close(), dm?.close()]);
});

const isBootstrapRequest = (r: DeviceRequest): boolean => r.method === 'POST' && r.path === '/bs';

function securityInstance(iid: number, uri: string, ssid: number): Buffer {
  return tlv('instance', iid, [
    tlv('resource', 0, uri),
    tlv('resource', 1, false),
    tlv('resource', 2, 3),
    tlv('resource', 3, Buffer.alloc(0)),
    tlv('resource', 4, Buffer.alloc(0)),
    tlv('resource', 5, Buffer.alloc(0)),
    tlv('resource', 10, ssid),
  ]);
}

function serverInstance(iid: number, ssid: number): Buffer {
  return tlv('instance', iid, [
    tlv('resource', 0, ssid),
    tlv('resource', 1, CONFIG3.lifetime),
    tlv('resource', 6, CONFIG3.storing),
    tlv('resource', 7, CONFIG3.binding),
  ]);
}

/**
 * Writes the LwM2M server account (Security /0/1 + Server /1/0) the way a bootstrap server does; answers must be 2.04.
 */
async function writeAccount(ssidInServer: number = CONFIG3.ssid): Promise<string[]> {
  const a = await bs.call({
    method: 'PUT',
    path: '/0/1',
    contentFormat: CF.tlv,
    payload: securityInstance(1, dm.uri, CONFIG3.ssid),
  });
  const b = await bs.call({
    method: 'PUT',
    path: '/1/0',
    contentFormat: CF.tlv,
    payload: serverInstance(0, ssidInServer),
  });
  return [a.code, b.code];
}

async function finish(): Promise<string> {
  return (await bs.call({ method: 'POST', path: '/bs' })).code;
}

/**
 * Triggers a Server Initiated Bootstrap from the LwM2M server (Execute /1/0/9); resolves with its answer ('none' if it
 * never came) and the Bootstrap-Request.
 */
async function serverInitiated(): Promise<{ code: string; request: DeviceRequest }> {
  const since = bs.raw.requests.length;
  const answer = dm.call({ method: 'POST', path: '/1/0/9', timeoutMs: 5000 }).then(
    (r) => r.code,
    () => 'none',
  );
  const request = await bs.waitForRequest(isBootstrapRequest, 10_000, 'the Bootstrap-Request', since);
  return { code: await answer, request };
}

ets(servers, 0, 'Client Initiated Bootstrap', async (t) => {
  device = startDevice({ servers: [{ uri: bs.uri, bootstrap: true }], client: { maxRegisterFailures: 1 } });
  const req = await bs.waitForRequest(isBootstrapRequest, 20_000, 'the Bootstrap-Request', 0);
  t.true(req.packet.confirmable);
  const q = new URLSearchParams(req.query.join('&'));
  t.is(q.get('ep'), device.endpoint);
  t.deepEqual(await writeAccount(), ['2.04', '2.04']);
  const since = dm.raw.requests.length;
  t.is(await finish(), '2.04');
  const reg = await dm.waitForRequest(
    (r) => r.method === 'POST' && r.path === '/rd',
    10_000,
    'the Register with the provisioned server',
    since,
  );
  t.true(reg.query.includes(`ep=${device.endpoint}`));
  t.true(reg.query.includes(`lt=${CONFIG3.lifetime}`));
  t.is((await dm.call({ method: 'GET', path: '/1/0/0', accept: CF.text })).text, String(CONFIG3.ssid));
});

ets(servers, 4, 'Bootstrap Delete', async (t) => {
  await serverInitiated();
  t.is((await bs.call({ method: 'DELETE', path: '/' })).code, '2.02');
  const d = await bs.call({ method: 'GET', path: '/', accept: CF.linkFormat });
  t.is(d.code, '2.05');
  const links = linkMap(d.payload.toString());
  const security = Object.keys(links).filter((k) => /^\/0\/\d+$/.test(k));
  t.is(security.length, 1, `only the bootstrap account is left: ${Object.keys(links).join(',')}`);
  t.false(
    Object.keys(links).some((k) => /^\/1\/\d+$/.test(k)),
    'no Server instance left',
  );
  t.deepEqual(await writeAccount(), ['2.04', '2.04']);
  const since = dm.raw.requests.length;
  t.is(await finish(), '2.04');
  await dm.waitForRequest((r) => r.method === 'POST' && r.path === '/rd', 10_000, 'the Register', since);
});

ets(servers, 5, 'Server Initiated Bootstrap', async (t) => {
  const { code, request } = await serverInitiated();
  t.true(request.query.includes(`ep=${device.endpoint}`));
  t.deepEqual(await writeAccount(), ['2.04', '2.04']);
  const since = dm.raw.requests.length;
  t.is(await finish(), '2.04');
  await dm.waitForRequest((r) => r.method === 'POST' && r.path === '/rd', 10_000, 'the Register', since);
  t.is(code, '2.04', 'Execute /1/0/9 answered');
});

ets(servers, 9, 'Bootstrap and Configuration Consistency', async (t) => {
  await serverInitiated();
  t.is((await bs.call({ method: 'DELETE', path: '/1' })).code, '2.02');
  // a Server instance whose Short Server ID matches no Security instance: the client refuses the Finish
  t.deepEqual(await writeAccount(CONFIG3.ssid + 1), ['2.04', '2.04']);
  t.is(await finish(), '4.06');
  t.deepEqual(await writeAccount(), ['2.04', '2.04']);
  const since = dm.raw.requests.length;
  t.is(await finish(), '2.04');
  await dm.waitForRequest((r) => r.method === 'POST' && r.path === '/rd', 10_000, 'the Register', since);
});

ets(servers, 7, 'Fallback to bootstrap', async (t) => {
  const since = bs.raw.requests.length;
  // the LwM2M server forgets the device (4.04 on Update) and refuses its new Register (4.03)
  dm.raw.onRequest((r) =>
    r.method === 'POST' && r.path === '/rd'
      ? { code: '4.03' }
      : r.method === 'POST' && r.path.startsWith('/rd/')
        ? { code: '4.04' }
        : undefined,
  );
  try {
    t.is((await dm.call({ method: 'POST', path: '/1/0/8' })).code, '2.04');
    await bs.waitForRequest(isBootstrapRequest, 15_000, 'the fallback Bootstrap-Request', since);
  } finally {
    dm.raw.onRequest(undefined);
  }
  t.deepEqual(await writeAccount(), ['2.04', '2.04']);
  const regSince = dm.raw.requests.length;
  t.is(await finish(), '2.04');
  await dm.waitForRequest((r) => r.method === 'POST' && r.path === '/rd', 10_000, 'the Register', regSince);
});

ets(servers, 6, 'Bootstrap Sequence', async (t) => {
  // a device that holds an LwM2M server account registers with it at start, without bootstrapping
  const { stateDir, endpoint } = device;
  await device.stop();
  const bsSince = bs.raw.requests.length;
  const since = dm.raw.requests.length;
  device = startDevice({ servers: [{ uri: bs.uri, bootstrap: true }], stateDir, endpoint });
  await dm.waitForRequest(
    (r) => r.method === 'POST' && r.path.startsWith('/rd'),
    20_000,
    'a Register (or Update)',
    since,
  );
  t.is(bs.raw.requests.slice(bsSince).filter(isBootstrapRequest).length, 0, 'no Bootstrap-Request');
});

etsUnsupported(
  2,
  'Client Initiated Bootstrap Full (Cert)',
  'certificate mode (Security Mode 2) is not implemented: servers are NoSec or PSK',
);
etsUnsupported(3, 'Simple Bootstrap from Smartcard', 'the board has no smartcard: no Smartcard bootstrap');
