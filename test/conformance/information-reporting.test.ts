// information-reporting.test.ts: the ETS Information Reporting cases (int-301…311): Observe, cancel by RST and by
// Observe=1, Observe-Composite, Send and Mute Send, against the real device (ETS periods scaled down to seconds).
import test from 'ava';
import { randomBytes } from 'node:crypto';
import { StrictServer, CF, type Answer } from './support/strict-server.js';
import { startRegisteredDevice, stopRegisteredDevice, CONFIG3, DEVICE_INFO } from './support/device.js';
import { ets } from './support/ets.js';
import { tlv } from './support/tlv.js';
import { decodeSenmlCbor, decodeSenmlJson, encodeSenmlJson, type SenmlRecord } from './support/senml.js';
import { names, quietFor, valueOf } from './support/values.js';
import { PROBE } from './support/conformance-plugin.js';
import { pollUntil } from '../support/poll.js';
import type { DeviceProcess } from '../support/device-process.js';

let s: StrictServer;
let device: DeviceProcess;
const servers = (): StrictServer[] => [s];
const VALUE = `/${PROBE.id}/0/${PROBE.value}`;

test.before(async () => {
  ({ s, device } = await startRegisteredDevice());
});

test.after.always(() => stopRegisteredDevice({ s, device }));

const text = (v: string | number): Buffer => Buffer.from(String(v));

async function put(path: string, value: string | number): Promise<void> {
  const r = await s.call({ method: 'PUT', path, contentFormat: CF.text, payload: text(value) });
  if (r.code !== '2.04') throw new Error(`PUT ${path}: ${r.code}`);
}

async function attrs(path: string, ...query: string[]): Promise<string> {
  return (await s.call({ method: 'PUT', path, query })).code;
}

async function bump(): Promise<void> {
  const r = await s.call({ method: 'POST', path: `/${PROBE.id}/0/${PROBE.bump}` });
  if (r.code !== '2.04') throw new Error(`bump: ${r.code}`);
}

async function observe(path: string): Promise<{ token: Buffer; first: Answer }> {
  const token = randomBytes(4);
  const first = await s.call({ method: 'GET', path, observe: 0, accept: CF.text, token });
  return { token, first };
}

async function observeComposite(
  paths: string[],
  observeFlag: 0 | 1 = 0,
  token: Buffer = randomBytes(4),
): Promise<{ token: Buffer; first: Answer }> {
  const first = await s.call({
    method: 'FETCH',
    path: '/',
    observe: observeFlag,
    contentFormat: CF.senmlJson,
    accept: CF.senmlJson,
    token,
    payload: encodeSenmlJson(paths.map((name) => ({ name }))),
  });
  return { token, first };
}

/** ETS Configuration 1: no default periods (the cases set their own attributes). */
async function config1(): Promise<void> {
  await put('/1/0/2', 0);
  await put('/1/0/3', 0);
}

async function config3(): Promise<void> {
  await put('/1/0/2', CONFIG3.pmin);
  await put('/1/0/3', CONFIG3.pmax);
}

ets(servers, 301, 'Observation and Notification of parameter values', async (t) => {
  t.is(await attrs(VALUE, 'pmin=1', 'pmax=3'), '2.04');
  const { token, first } = await observe(VALUE);
  t.is(first.code, '2.05');
  t.not(first.observe, undefined, 'the 2.05 carries Observe');
  const start = Number(first.text);
  const firstAt = Date.now();
  const since = s.raw.responses.length;
  await bump();
  const n1 = await s.notification(token, since);
  t.is(Number(n1.text), start + 1);
  t.true(n1.at - firstAt >= 900, `not before pmin: ${n1.at - firstAt} ms`);
  const n2 = await s.notification(token, n1.index + 1, 6000);
  t.is(Number(n2.text), start + 1, 'pmax: the same value again');
  t.true(n2.at - n1.at >= 2000, `at pmax: ${n2.at - n1.at} ms`);
  t.true((n2.observe ?? 0) > (n1.observe ?? 0), 'Observe sequence grows');
  t.is((await s.call({ method: 'GET', path: VALUE, observe: 1, accept: CF.text, token })).code, '2.05');
  t.is(await attrs(VALUE, 'pmin', 'pmax'), '2.04');
});

ets(servers, 302, 'Cancel Observations using Reset Operation', async (t) => {
  const a = await observe(VALUE);
  const b = await observe('/1/0/1');
  t.is(a.first.code, '2.05');
  t.is(b.first.code, '2.05');
  let since = s.raw.responses.length;
  await bump();
  await s.notification(a.token, since);
  s.raw.rejectToken(a.token);
  since = s.raw.responses.length;
  await bump();
  await s.notification(a.token, since); // answered with RST
  await bump();
  t.true(
    await quietFor(s, (kind, tok) => kind === 'response' && tok !== undefined && tok.equals(a.token), 1500),
    'no notification after RST',
  );
  // the other observation is alive
  since = s.raw.responses.length;
  await put('/1/0/1', CONFIG3.lifetime + 1);
  t.is(Number((await s.notification(b.token, since)).text), CONFIG3.lifetime + 1);
  await put('/1/0/1', CONFIG3.lifetime);
  s.raw.rejectToken(b.token);
});

ets(servers, 303, 'Cancel observations using Observe with Cancel parameter', async (t) => {
  const { token } = await observe(VALUE);
  const since = s.raw.responses.length;
  await bump();
  await s.notification(token, since);
  const cancel = await s.call({ method: 'GET', path: VALUE, observe: 1, accept: CF.text, token });
  t.is(cancel.code, '2.05');
  await bump();
  t.true(
    await quietFor(s, (kind, tok) => kind === 'response' && tok !== undefined && tok.equals(token), 1500),
    'no notification after cancel',
  );
});

const COMPOSITE = ['/1/0/1', '/3/0/11/0', '/3/0/16'];

ets(servers, 304, 'Observe-Composite Operation', async (t) => {
  await config1();
  t.is(await attrs('/1/0/1', 'pmin=1', 'pmax=2'), '2.04');
  const { token, first } = await observeComposite(COMPOSITE);
  t.is(first.code, '2.05');
  t.not(first.observe, undefined);
  t.deepEqual(names(first.senml), [...COMPOSITE].sort());
  const at = Date.now();
  const n = await s.notification(token, s.raw.responses.length, 6000);
  t.deepEqual(names(n.senml), [...COMPOSITE].sort());
  t.is(valueOf(n.senml, '/1/0/1'), CONFIG3.lifetime);
  t.true(n.at - at >= 900, `not before pmin: ${n.at - at} ms`);
  t.is((await observeComposite(COMPOSITE, 1, token)).first.code, '2.05', 'cancel');
  t.is(await attrs('/1/0/1', 'pmin', 'pmax'), '2.04');
  await config3();
});

ets(servers, 305, 'Cancel Observation-Composite Operation', async (t) => {
  await config1();
  t.is(await attrs('/1/0/1', 'pmax=1'), '2.04');
  const { token } = await observeComposite(COMPOSITE);
  await s.notification(token, s.raw.responses.length, 4000);
  const cancel = await observeComposite(COMPOSITE, 1, token);
  t.is(cancel.first.code, '2.05');
  t.true(
    await quietFor(s, (kind, tok) => kind === 'response' && tok !== undefined && tok.equals(token), 1500),
    'no notification after cancel',
  );
  t.is(await attrs('/1/0/1', 'pmax'), '2.04');
  await config3();
});

/** Makes the device Send the given paths (the probe's Send resource); resolves with the POST /dp it made. */
async function deviceSend(paths: string): Promise<SenmlRecord[]> {
  await put(`/${PROBE.id}/0/${PROBE.sendPaths}`, paths);
  const since = s.raw.requests.length;
  const r = await s.call({ method: 'POST', path: `/${PROBE.id}/0/${PROBE.send}` });
  if (r.code !== '2.04') throw new Error(`Send trigger: ${r.code}`);
  const dp = await s.waitForRequest((r) => r.method === 'POST' && r.path === '/dp', 10_000, 'a Send (POST /dp)', since);
  const cf = dp.packet.options.find((o) => o.name === 'Content-Format');
  const fmt = cf ? cf.value.readUIntBE(0, cf.value.length || 1) : -1;
  if (!dp.packet.confirmable) throw new Error('Send must be a CON');
  if (fmt === CF.senmlCbor) return decodeSenmlCbor(dp.packet.payload);
  if (fmt === CF.senmlJson) return decodeSenmlJson(dp.packet.payload);
  throw new Error(`Send in Content-Format ${fmt}`);
}

async function sendResult(): Promise<string> {
  return (await s.call({ method: 'GET', path: `/${PROBE.id}/0/${PROBE.sendResult}`, accept: CF.text })).text ?? '';
}

ets(servers, 306, 'Send Operation', async (t) => {
  const recs = await deviceSend('/1 /3');
  t.is(valueOf(recs, '/1/0/0'), CONFIG3.ssid);
  t.is(valueOf(recs, '/1/0/1'), CONFIG3.lifetime);
  t.is(valueOf(recs, '/1/0/7'), CONFIG3.binding);
  t.is(valueOf(recs, '/3/0/0'), DEVICE_INFO.manufacturer);
  t.is(valueOf(recs, '/3/0/11/0'), 0);
  t.is(await pollUntil(sendResult, (r) => r !== 'pending', 5000), '2.04');
});

ets(servers, 307, 'Muting Send', async (t) => {
  await put('/1/0/23', 1);
  await put(`/${PROBE.id}/0/${PROBE.sendPaths}`, '/3/0');
  t.is((await s.call({ method: 'POST', path: `/${PROBE.id}/0/${PROBE.send}` })).code, '2.04');
  t.true(
    await quietFor(s, (kind, _tok, req) => kind === 'request' && req?.path === '/dp', 1000),
    'no Send while muted',
  );
  t.is(await pollUntil(sendResult, (r) => r !== 'pending', 5000), 'SEND_MUTED');
  await put('/1/0/23', 0);
  const recs = await deviceSend('/3/0');
  t.is(valueOf(recs, '/3/0/0'), DEVICE_INFO.manufacturer);
});

const A = ['aa', 'bb', 'cc', 'dd'];
const B = ['11', '22', '33', '44'];
const portfolio = (iid: number, ids: string[]): Buffer =>
  tlv('instance', iid, [
    tlv(
      'multipleResource',
      0,
      ids.map((v, i) => tlv('resourceInstance', i, v)),
    ),
  ]);
const pfNames = (iid: number): string[] => [0, 1, 2, 3].map((i) => `/16/${iid}/0/${i}`);

ets(servers, 308, 'Observe-Composite and Creating Object Instance', async (t) => {
  await config1();
  t.is((await s.call({ method: 'POST', path: '/16', contentFormat: CF.tlv, payload: portfolio(0, A) })).code, '2.01');
  t.is(await attrs('/16/0', 'pmin=1', 'pmax=2'), '2.04');
  const { token, first } = await observeComposite(['/16/0', '/16/1']);
  t.is(first.code, '2.05');
  t.deepEqual(names(first.senml), pfNames(0));
  t.is((await s.call({ method: 'POST', path: '/16', contentFormat: CF.tlv, payload: portfolio(1, B) })).code, '2.01');
  const n = await s.notification(token, s.raw.responses.length, 6000);
  t.deepEqual(names(n.senml), [...pfNames(0), ...pfNames(1)]);
  t.is(valueOf(n.senml, '/16/1/0/3'), '44');
  await observeComposite(['/16/0', '/16/1'], 1, token);
  await config3();
});

ets(servers, 309, 'Observe-Composite and Deleting Object Instance', async (t) => {
  await config1();
  const { token, first } = await observeComposite(['/16/0', '/16/1']);
  t.deepEqual(names(first.senml), [...pfNames(0), ...pfNames(1)]);
  t.is((await s.call({ method: 'DELETE', path: '/16/1' })).code, '2.02');
  const n = await s.notification(token, s.raw.responses.length, 6000);
  t.is(n.code, '2.05');
  t.deepEqual(names(n.senml), pfNames(0));
  await observeComposite(['/16/0', '/16/1'], 1, token);
  t.is(await attrs('/16/0', 'pmin', 'pmax'), '2.04');
  await config3();
});

ets(servers, 310, 'Observe-Composite and modification of parameter values', async (t) => {
  await config1();
  const { token, first } = await observeComposite(['/1/0/1', '/3/0']);
  t.is(first.code, '2.05');
  t.is(await attrs('/3', 'pmax=1'), '2.04');
  const n1 = await s.notification(token, s.raw.responses.length, 4000);
  t.is(valueOf(n1.senml, '/3/0/0'), DEVICE_INFO.manufacturer);
  t.is(valueOf(n1.senml, '/1/0/1'), CONFIG3.lifetime);
  const n2 = await s.notification(token, n1.index + 1, 4000);
  t.true(n2.at - n1.at < 4000, `every pmax: ${n2.at - n1.at} ms`);
  await observeComposite(['/1/0/1', '/3/0'], 1, token);
  t.is(await attrs('/3', 'pmax'), '2.04');
  await config3();
});

ets(servers, 311, 'Send command', async (t) => {
  const recs = await deviceSend('/1/0/1 /3/0/11');
  t.deepEqual(recs.map((r) => [r.name, r.value]).sort(), [
    ['/1/0/1', CONFIG3.lifetime],
    ['/3/0/11/0', 0],
  ]);
});
