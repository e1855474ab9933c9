// security.test.ts: the ETS cases over DTLS-PSK against the real device: int-1 (Client Initiated Bootstrap Full, PSK)
// and int-401 (UDP Channel Security, PSK), the strict servers running on the suite's own DTLS-PSK server.
import test from 'ava';
import { randomBytes } from 'node:crypto';
import { StrictServer, CF } from './support/strict-server.js';
import { startDevice, dmServer, CONFIG3, DEVICE_INFO } from './support/device.js';
import { ets } from './support/ets.js';
import { tlv } from './support/tlv.js';
import { instanceTable, tlvStr } from './support/values.js';
import { PROBE } from './support/conformance-plugin.js';
import { DtlsPskServer } from '../support/dtls-psk-server.js';
import { pollUntil } from '../support/poll.js';
import type { DeviceProcess } from '../support/device-process.js';
import type { DeviceRequest } from '../support/hostile-server.js';

const BS = { identity: 'ets-bootstrap', key: randomBytes(16) };
const DM = { identity: 'ets-client', key: randomBytes(16) };

let bsDtls: DtlsPskServer;
let dmDtls: DtlsPskServer;
let bs: StrictServer;
let dm: StrictServer;
const devices: DeviceProcess[] = [];
const servers = (): StrictServer[] => [bs, dm];

/** A DTLS-PSK server knowing one identity, and a strict LwM2M server on it. */
async function pskServer(account: { identity: string; key: Buffer }): Promise<[DtlsPskServer, StrictServer]> {
  const dtls = await DtlsPskServer.start({ psk: (id) => (id === account.identity ? account.key : undefined) });
  return [dtls, await StrictServer.start({ transport: dtls })];
}

test.before(async () => {
  [[bsDtls, bs], [dmDtls, dm]] = await Promise.all([pskServer(BS), pskServer(DM)]);
});

test.after.always(async () => {
  await Promise.all(devices.map((d) => d.stop()));
  await Promise.all([bs?.close(), dm?.close()]);
});

function device(servers: Record<string, unknown>[]): DeviceProcess {
  const d = startDevice({ servers, client: { maxRegisterFailures: 1 } });
  devices.push(d);
  return d;
}

const psk = (a: { identity: string; key: Buffer }): Record<string, unknown> => ({
  security: 'psk',
  pskIdentity: a.identity,
  pskKey: a.key.toString('base64'),
});
const isRegister = (r: DeviceRequest): boolean => r.method === 'POST' && r.path === '/rd';
const peerOf = (r: DeviceRequest): string => `${r.from.address}:${r.from.port}`;

/**
 * The DM server's account as the bootstrap server writes it: Security in PSK mode (0) with identity and key, coaps URI.
 */
function pskSecurityInstance(iid: number): Buffer {
  return tlv('instance', iid, [
    tlv('resource', 0, dm.uri),
    tlv('resource', 1, false),
    tlv('resource', 2, 0),
    tlv('resource', 3, Buffer.from(DM.identity)),
    tlv('resource', 4, Buffer.alloc(0)),
    tlv('resource', 5, DM.key),
    tlv('resource', 10, CONFIG3.ssid),
  ]);
}

function serverInstance(iid: number): Buffer {
  return tlv('instance', iid, [
    tlv('resource', 0, CONFIG3.ssid),
    tlv('resource', 1, CONFIG3.lifetime),
    tlv('resource', 6, CONFIG3.storing),
    tlv('resource', 7, CONFIG3.binding),
  ]);
}

ets(servers, 1, 'Client Initiated Bootstrap Full (PSK)', async (t) => {
  t.true(bs.uri.startsWith('coaps://') && dm.uri.startsWith('coaps://'));
  const d = device([{ uri: bs.uri, bootstrap: true, ...psk(BS) }]);
  // 1. the Bootstrap-Request comes over a DTLS session opened with the bootstrap PSK
  const req = await bs.waitForRequest(
    (r) => r.method === 'POST' && r.path === '/bs',
    20_000,
    'the Bootstrap-Request',
    0,
  );
  t.true(req.query.includes(`ep=${d.endpoint}`));
  t.deepEqual(
    bsDtls.established.filter((e) => e.peer === peerOf(req)).map((e) => e.identity),
    [BS.identity],
  );
  // 2. the bootstrap server writes the LwM2M server account in PSK mode, then Bootstrap-Finish
  t.is(
    (await bs.call({ method: 'PUT', path: '/0/1', contentFormat: CF.tlv, payload: pskSecurityInstance(1) })).code,
    '2.04',
  );
  t.is(
    (await bs.call({ method: 'PUT', path: '/1/0', contentFormat: CF.tlv, payload: serverInstance(0) })).code,
    '2.04',
  );
  t.is((await bs.call({ method: 'POST', path: '/bs' })).code, '2.04');
  // 3. the device registers with the LwM2M server over DTLS with the PSK the bootstrap server gave it
  const reg = await dm.waitForRequest(isRegister, 15_000, 'the Register over DTLS', 0);
  t.true(reg.query.includes(`ep=${d.endpoint}`));
  t.deepEqual(
    dmDtls.established.filter((e) => e.peer === peerOf(reg)).map((e) => e.identity),
    [DM.identity],
  );
  t.is((await dm.call({ method: 'GET', path: '/1/0/0', accept: CF.text })).text, String(CONFIG3.ssid));
  await d.stop();
  t.true(
    dm.raw.requests.some((r) => r.method === 'DELETE' && r.path.startsWith('/rd/')),
    'De-register over DTLS',
  );
});

ets(servers, 401, 'UDP Channel Security - Pre-shared Key Mode', async (t) => {
  const since = dm.raw.requests.length;
  const d = device([dmServer(dm.uri, psk(DM))]);
  // 1. Register over a DTLS session with the configured identity
  const reg = await dm.waitForRegister();
  t.is(reg.params.ep, d.endpoint);
  t.true(dm.raw.requests.indexOf(reg.request) >= since);
  t.deepEqual(
    dmDtls.established.filter((e) => e.peer === peerOf(reg.request)).map((e) => e.identity),
    [DM.identity],
  );
  // 2. Read the Device object (TLV) through the session
  const dev = await dm.call({ method: 'GET', path: '/3/0', accept: CF.tlv });
  t.is(dev.code, '2.05');
  const table = instanceTable(dev.tlv);
  t.is(tlvStr(table[0]), DEVICE_INFO.manufacturer);
  t.is(tlvStr(table[1]), DEVICE_INFO.model);
  // 3. Write, read back
  const value = `/${PROBE.id}/0/${PROBE.value}`;
  t.is(
    (await dm.call({ method: 'PUT', path: value, contentFormat: CF.text, payload: Buffer.from('41') })).code,
    '2.04',
  );
  t.is((await dm.call({ method: 'GET', path: value, accept: CF.text })).text, '41');
  // 4. Observe and a notification when the device changes the value
  const token = randomBytes(4);
  const first = await dm.call({ method: 'GET', path: value, observe: 0, accept: CF.text, token });
  t.is(first.text, '41');
  t.not(first.observe, undefined);
  const nSince = dm.raw.responses.length;
  t.is((await dm.call({ method: 'POST', path: `/${PROBE.id}/0/${PROBE.bump}` })).code, '2.04');
  t.is((await dm.notification(token, nSince)).text, '42');
  t.is((await dm.call({ method: 'GET', path: value, observe: 1, accept: CF.text, token })).code, '2.05');
  // 5. a client with the wrong key gets no session, and so no registration
  const failed = dmDtls.failures.length;
  const registers = dm.raw.requests.filter(isRegister).length;
  const wrong = device([dmServer(dm.uri, psk({ identity: DM.identity, key: randomBytes(16) }))]);
  const failures = await pollUntil(
    async () => dmDtls.failures.slice(failed),
    (f) => f.length > 0,
    15_000,
  );
  t.regex(failures[0]?.reason ?? 'none', /wrong PSK/);
  await wrong.waitForLog((l) => l.code === 'DTLS_HANDSHAKE_FAILED' && /bad_record_mac/.test(String(l.msg)), 10_000);
  t.is(dm.raw.requests.filter(isRegister).length, registers, 'no Register from the client with the wrong key');
  t.false(dm.raw.requests.some((r) => r.query.includes(`ep=${wrong.endpoint}`)));
});
