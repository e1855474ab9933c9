// device-management.test.ts: the ETS Device Management & Service Enablement cases (int-201…281) against the real
// device, one device shared by the serial cases, checked by the strict server.
import test from 'ava';
import { encode as cborEncode, decode as cborDecode } from 'cbor-x';
import { StrictServer, CF } from './support/strict-server.js';
import {
  startDevice,
  dmServer,
  startRegisteredDevice,
  stopRegisteredDevice,
  CONFIG3,
  DEVICE_INFO,
} from './support/device.js';
import { ets } from './support/ets.js';
import { tlv, tlvBool, tlvInt } from './support/tlv.js';
import { encodeSenmlCbor, encodeSenmlJson, type SenmlOut } from './support/senml.js';
import { linkMap } from './support/link-format.js';
import { instanceTable, names, tlvIntOf, tlvStr, tlvTable, valueOf } from './support/values.js';
import { PROBE } from './support/conformance-plugin.js';
import type { DeviceProcess } from '../support/device-process.js';

let s: StrictServer;
let device: DeviceProcess;
const servers = (): StrictServer[] => [s];

test.before(async () => {
  ({ s, device } = await startRegisteredDevice());
});

test.after.always(() => stopRegisteredDevice({ s, device }));

const text = (v: string | number): Buffer => Buffer.from(String(v));

async function readText(path: string): Promise<string | undefined> {
  const r = await s.call({ method: 'GET', path, accept: CF.text });
  return r.code === '2.05' ? r.text : undefined;
}

/** Writes the Server object back to Configuration 3 (cases that change it restore it). */
async function restoreConfig3(): Promise<void> {
  const r = await s.call({
    method: 'POST',
    path: '/1/0',
    contentFormat: CF.tlv,
    payload: Buffer.concat([
      tlv('resource', 1, CONFIG3.lifetime),
      tlv('resource', 2, CONFIG3.pmin),
      tlv('resource', 3, CONFIG3.pmax),
      tlv('resource', 5, CONFIG3.disableTimeout),
      tlv('resource', 6, CONFIG3.storing),
      tlv('resource', 7, CONFIG3.binding),
    ]),
  });
  if (r.code !== '2.04') throw new Error(`restoring Configuration 3: ${r.code}`);
}

ets(servers, 201, 'Querying basic information in Plain Text format', async (t) => {
  t.is(await readText('/3/0/0'), DEVICE_INFO.manufacturer);
  t.is(await readText('/3/0/1'), DEVICE_INFO.model);
  t.is(await readText('/3/0/2'), DEVICE_INFO.serial);
});

ets(servers, 203, 'Querying basic information in TLV format', async (t) => {
  const r = await s.call({ method: 'GET', path: '/3/0', accept: CF.tlv });
  t.is(r.code, '2.05');
  const dev = tlvTable(r.tlv ?? []);
  t.is(tlvStr(dev[0]), DEVICE_INFO.manufacturer);
  t.is(tlvStr(dev[1]), DEVICE_INFO.model);
  t.is(tlvStr(dev[2]), DEVICE_INFO.serial);
  t.truthy(dev[3], 'firmware version');
  const errors = dev[11] as Record<number, Buffer>;
  t.is(tlvInt(errors[0]), 0, 'error code 0 = no error');
  t.is(tlvStr(dev[16]).startsWith('U'), true, 'supported binding');
});

ets(servers, 204, 'Querying basic information in JSON format', async (t) => {
  const r = await s.call({ method: 'GET', path: '/3/0', accept: CF.json });
  t.is(r.code, '2.05');
  const doc = JSON.parse(r.payload.toString()) as { bn?: string; e: { n: string; sv?: string; v?: number }[] };
  t.is(doc.e.find((e) => `${doc.bn ?? ''}${e.n}` === '/3/0/0')?.sv, DEVICE_INFO.manufacturer);
});

ets(servers, 205, 'Setting basic information in Plain Text format', async (t) => {
  for (const [path, v] of [
    ['/1/0/2', 101],
    ['/1/0/3', 1010],
    ['/1/0/5', 2000],
  ] as const) {
    t.is((await s.call({ method: 'PUT', path, contentFormat: CF.text, payload: text(v) })).code, '2.04', path);
    t.is(await readText(path), String(v), path);
  }
  await restoreConfig3();
  t.is(await readText('/1/0/2'), String(CONFIG3.pmin));
});

ets(servers, 211, 'Querying basic information in CBOR format', async (t) => {
  const read = async (path: string): Promise<unknown> => {
    const r = await s.call({ method: 'GET', path, accept: CF.cbor });
    t.is(r.code, '2.05', path);
    return cborDecode(r.payload) as unknown;
  };
  t.is(await read('/1/0/0'), CONFIG3.ssid);
  t.is(await read('/1/0/6'), false);
  t.is(await read('/1/0/7'), 'U');
});

ets(servers, 212, 'Setting basic information in CBOR format', async (t) => {
  for (const [path, v] of [
    ['/1/0/2', 101],
    ['/1/0/3', 1010],
    ['/1/0/6', true],
  ] as const) {
    t.is(
      (await s.call({ method: 'PUT', path, contentFormat: CF.cbor, payload: Buffer.from(cborEncode(v)) })).code,
      '2.04',
      path,
    );
  }
  t.is(await readText('/1/0/2'), '101');
  t.is(await readText('/1/0/6'), '1');
  await restoreConfig3();
});

ets(servers, 215, 'Setting basic information in TLV format', async (t) => {
  const before = await s.call({ method: 'GET', path: '/1/0', accept: CF.tlv });
  t.is(before.code, '2.05');
  const orig = instanceTable(before.tlv);
  t.is(tlvIntOf(orig[0]), CONFIG3.ssid);
  t.is(tlvIntOf(orig[1]), CONFIG3.lifetime);
  const upd = await s.call({
    method: 'POST',
    path: '/1/0',
    contentFormat: CF.tlv,
    payload: Buffer.concat([
      tlv('resource', 2, 101),
      tlv('resource', 3, 1010),
      tlv('resource', 5, 2000),
      tlv('resource', 6, true),
      tlv('resource', 7, 'U'),
    ]),
  });
  t.is(upd.code, '2.04');
  const after = instanceTable((await s.call({ method: 'GET', path: '/1/0', accept: CF.tlv })).tlv);
  t.is(tlvIntOf(after[2]), 101);
  t.is(tlvIntOf(after[3]), 1010);
  t.is(tlvIntOf(after[5]), 2000);
  t.true(tlvBool(after[6] as Buffer));
  t.is(tlvStr(after[7]), 'U');
  // Write (replace) the instance with its original writable values
  const replace = Buffer.concat(
    [1, 2, 3, 5, 6, 7].filter((id) => Buffer.isBuffer(orig[id])).map((id) => tlv('resource', id, orig[id] as Buffer)),
  );
  t.is((await s.call({ method: 'PUT', path: '/1/0', contentFormat: CF.tlv, payload: replace })).code, '2.04');
  const back = instanceTable((await s.call({ method: 'GET', path: '/1/0', accept: CF.tlv })).tlv);
  t.is(tlvIntOf(back[2]), CONFIG3.pmin);
  t.false(tlvBool(back[6] as Buffer));
});

ets(servers, 220, 'Setting basic information in JSON format', async (t) => {
  const doc = {
    bn: '/1/0/',
    e: [
      { n: '2', v: 101 },
      { n: '3', v: 1010 },
      { n: '6', bv: true },
    ],
  };
  t.is(
    (await s.call({ method: 'POST', path: '/1/0', contentFormat: CF.json, payload: Buffer.from(JSON.stringify(doc)) }))
      .code,
    '2.04',
  );
  t.is(await readText('/1/0/2'), '101');
  await restoreConfig3();
});

ets(servers, 221, 'Attempt to perform operations on Security', async (t) => {
  t.is((await s.call({ method: 'GET', path: '/0/0', accept: CF.tlv })).code, '4.01', 'Read');
  t.is((await s.call({ method: 'GET', path: '/0', accept: CF.tlv })).code, '4.01', 'Read object');
  const write = await s.call({
    method: 'PUT',
    path: '/0/0/0',
    contentFormat: CF.text,
    payload: text('coap://localhost'),
  });
  // a device that took the write would leave this server: put the URI back so the cases after this one still run
  if (write.code === '2.04')
    await s.call({ method: 'PUT', path: '/0/0/0', contentFormat: CF.text, payload: text(s.uri) });
  t.is(write.code, '4.01', 'Write');
  t.is((await s.call({ method: 'PUT', path: '/0', query: ['pmin=10'] })).code, '4.01', 'Write-Attributes');
  t.is((await s.call({ method: 'GET', path: '/0', accept: CF.linkFormat })).code, '4.01', 'Discover');
  t.is((await s.call({ method: 'DELETE', path: '/0/0' })).code, '4.01', 'Delete');
  t.is(
    (
      await s.call({
        method: 'POST',
        path: '/0',
        contentFormat: CF.tlv,
        payload: tlv('instance', 5, [tlv('resource', 0, 'coap://x')]),
      })
    ).code,
    '4.01',
    'Create',
  );
  t.is((await s.call({ method: 'GET', path: '/0/0/0', observe: 0, accept: CF.text })).code, '4.01', 'Observe');
  // the account is intact: the device still answers
  t.is(await readText('/3/0/0'), DEVICE_INFO.manufacturer);
});

ets(servers, 222, 'Read on Object', async (t) => {
  const srv = await s.call({ method: 'GET', path: '/1', accept: CF.tlv });
  t.is(srv.code, '2.05');
  t.deepEqual(
    srv.tlv?.map((i) => [i.kind, i.id]),
    [['instance', 0]],
  );
  const dev = await s.call({ method: 'GET', path: '/3', accept: CF.tlv });
  t.deepEqual(
    dev.tlv?.map((i) => [i.kind, i.id]),
    [['instance', 0]],
  );
  t.is(tlvStr(tlvTable(dev.tlv?.[0]?.children ?? [])[0]), DEVICE_INFO.manufacturer);
});

ets(servers, 223, 'Read on Object Instance', async (t) => {
  const srv = await s.call({ method: 'GET', path: '/1/0', accept: CF.tlv });
  t.is(srv.code, '2.05');
  const res = instanceTable(srv.tlv);
  for (const id of [0, 1, 6, 7]) t.truthy(res[id], `/1/0/${id}`);
  t.falsy(res[4], 'no executable resource in a Read');
  t.falsy(res[8], 'no executable resource in a Read');
});

ets(servers, 224, 'Read on Resource', async (t) => {
  t.is(await readText('/1/0/0'), String(CONFIG3.ssid));
  t.is(await readText('/1/0/1'), String(CONFIG3.lifetime));
  t.is(await readText('/1/0/6'), '0');
  t.is(await readText('/1/0/7'), 'U');
  const r = await s.call({ method: 'GET', path: '/1/0/1', accept: CF.tlv });
  t.deepEqual(
    r.tlv?.map((x) => [x.kind, x.id, tlvInt(x.value)]),
    [['resource', 1, CONFIG3.lifetime]],
  );
});

ets(servers, 225, 'Read on Resource Instance', async (t) => {
  t.is(await readText('/3/0/11/0'), '0');
  const r = await s.call({ method: 'GET', path: '/3/0/11/0', accept: CF.tlv });
  t.deepEqual(
    r.tlv?.map((x) => [x.kind, x.id, tlvInt(x.value)]),
    [['resourceInstance', 0, 0]],
  );
});

ets(servers, 226, 'Write (Partial Update) on Object Instance', async (t) => {
  const since = s.raw.requests.length;
  const r = await s.call({
    method: 'POST',
    path: '/1/0',
    contentFormat: CF.tlv,
    payload: Buffer.concat([tlv('resource', 1, 60), tlv('resource', 6, true)]),
  });
  t.is(r.code, '2.04');
  t.is(await readText('/1/0/1'), '60');
  t.is(await readText('/1/0/6'), '1');
  t.is(await readText('/1/0/7'), 'U', 'resources not in the payload are kept');
  const upd = await s.waitForRequest(
    (q) => s.updates().includes(q) && q.query.includes('lt=60'),
    10_000,
    'the Update with lt=60',
    since,
  );
  t.deepEqual(upd.query, ['lt=60']);
  await restoreConfig3();
});

ets(servers, 227, 'Write (replace) on Resource', async (t) => {
  const since = s.raw.requests.length;
  t.is(
    (await s.call({ method: 'PUT', path: '/1/0/1', contentFormat: CF.tlv, payload: tlv('resource', 1, 63) })).code,
    '2.04',
  );
  await s.waitForRequest(
    (q) => s.updates().includes(q) && q.query.includes('lt=63'),
    10_000,
    'the Update with lt=63',
    since,
  );
  t.is(await readText('/1/0/1'), '63');
  await restoreConfig3();
});

ets(servers, 228, 'Write on Resource Instance', async (t) => {
  const since = s.raw.requests.length;
  const create = await s.call({
    method: 'POST',
    path: '/16',
    contentFormat: CF.tlv,
    payload: tlv('instance', 0, [
      tlv('multipleResource', 0, [tlv('resourceInstance', 0, 'a'), tlv('resourceInstance', 1, 'b')]),
    ]),
  });
  t.is(create.code, '2.01');
  // the new instance is announced by an Update carrying the object links
  await s.waitForRequest(
    (q) => s.updates().includes(q) && q.packet.payload.toString().includes('</16/0>'),
    10_000,
    'the Update listing </16/0>',
    since,
  );
  t.is(
    (await s.call({ method: 'PUT', path: '/16/0/0/0', contentFormat: CF.text, payload: text('test') })).code,
    '2.04',
  );
  t.is(await readText('/16/0/0/0'), 'test');
  t.is(await readText('/16/0/0/1'), 'b', 'the other instance is kept');
});

async function composite(fmt: number, paths: string[]): Promise<Awaited<ReturnType<StrictServer['call']>>> {
  const recs = paths.map((n) => ({ name: n }));
  return s.call({
    method: 'FETCH',
    path: '/',
    contentFormat: fmt,
    accept: fmt,
    payload: fmt === CF.senmlJson ? encodeSenmlJson(recs) : encodeSenmlCbor(recs),
  });
}

ets(servers, 229, 'Read-Composite Operation', async (t) => {
  for (const fmt of [CF.senmlJson, CF.senmlCbor]) {
    const r = await composite(fmt, ['/3', '/1/0']);
    t.is(r.code, '2.05');
    const n = names(r.senml);
    t.true(n.includes('/3/0/0') && n.includes('/1/0/1'), n.join(','));
    t.true(
      n.every((x) => x.startsWith('/3/0/') || x.startsWith('/1/0/')),
      n.join(','),
    );
    const two = await composite(fmt, ['/1/0/1', '/3/0/11/0']);
    t.deepEqual(names(two.senml), ['/1/0/1', '/3/0/11/0']);
    t.is(valueOf(two.senml, '/3/0/11/0'), 0);
  }
});

async function writeComposite(fmt: number, records: SenmlOut[]): Promise<string> {
  return (
    await s.call({
      method: 'iPATCH',
      path: '/',
      contentFormat: fmt,
      payload: fmt === CF.senmlJson ? encodeSenmlJson(records) : encodeSenmlCbor(records),
    })
  ).code;
}

ets(servers, 230, 'Write-Composite Operation', async (t) => {
  for (const fmt of [CF.senmlJson, CF.senmlCbor]) {
    const code = await writeComposite(fmt, [
      { name: '/1/0/1', value: 60 },
      { name: '/1/0/6', value: true },
      { name: '/16/0/0/0', value: 'aa' },
      { name: '/16/0/0/1', value: 'bb' },
      { name: '/16/0/0/2', value: 'cc' },
      { name: '/16/0/0/3', value: 'dd' },
    ]);
    t.is(code, '2.04');
    const srv = await s.call({ method: 'GET', path: '/1/0', accept: fmt });
    t.is(valueOf(srv.senml, '/1/0/1'), 60);
    t.is(valueOf(srv.senml, '/1/0/6'), true);
    const pf = await s.call({ method: 'GET', path: '/16/0/0', accept: fmt });
    t.deepEqual(
      pf.senml?.map((r) => [r.name, r.value]),
      [
        ['/16/0/0/0', 'aa'],
        ['/16/0/0/1', 'bb'],
        ['/16/0/0/2', 'cc'],
        ['/16/0/0/3', 'dd'],
      ],
    );
    await restoreConfig3();
  }
});

for (const [id, fmt, label] of [
  [231, CF.senmlJson, 'SenML JSON'],
  [232, CF.senmlCbor, 'SenML CBOR'],
] as const) {
  ets(servers, id, `Querying basic information in ${label} format`, async (t) => {
    const srv = await s.call({ method: 'GET', path: '/1', accept: fmt });
    t.is(srv.code, '2.05');
    t.is(valueOf(srv.senml, '/1/0/0'), CONFIG3.ssid);
    t.is(valueOf(srv.senml, '/1/0/1'), CONFIG3.lifetime);
    t.is(valueOf(srv.senml, '/1/0/2'), CONFIG3.pmin);
    t.is(valueOf(srv.senml, '/1/0/3'), CONFIG3.pmax);
    t.is(valueOf(srv.senml, '/1/0/5'), CONFIG3.disableTimeout);
    t.is(valueOf(srv.senml, '/1/0/6'), CONFIG3.storing);
    t.is(valueOf(srv.senml, '/1/0/7'), CONFIG3.binding);
    const dev = await s.call({ method: 'GET', path: '/3/0', accept: fmt });
    t.is(valueOf(dev.senml, '/3/0/0'), DEVICE_INFO.manufacturer);
    t.is(valueOf(dev.senml, '/3/0/11/0'), 0);
    t.is(
      valueOf((await s.call({ method: 'GET', path: '/3/0/16', accept: fmt })).senml, '/3/0/16'),
      valueOf(dev.senml, '/3/0/16'),
    );
    t.deepEqual(
      (await s.call({ method: 'GET', path: '/3/0/11/0', accept: fmt })).senml?.map((r) => [r.name, r.value]),
      [['/3/0/11/0', 0]],
    );
  });
}

for (const [id, fmt, label] of [
  [233, CF.senmlCbor, 'SenML CBOR'],
  [234, CF.senmlJson, 'SenML JSON'],
] as const) {
  ets(servers, id, `Setting basic information in ${label} format`, async (t) => {
    const enc = fmt === CF.senmlJson ? encodeSenmlJson : encodeSenmlCbor;
    t.is(
      (
        await s.call({
          method: 'POST',
          path: '/1/0',
          contentFormat: fmt,
          payload: enc([
            { name: '/1/0/1', value: 61 },
            { name: '/1/0/6', value: true },
          ]),
        })
      ).code,
      '2.04',
    );
    const srv = await s.call({ method: 'GET', path: '/1/0', accept: fmt });
    t.is(valueOf(srv.senml, '/1/0/1'), 61);
    t.is(valueOf(srv.senml, '/1/0/6'), true);
    t.is(
      (
        await s.call({
          method: 'PUT',
          path: '/16/0/0/0',
          contentFormat: fmt,
          payload: enc([{ name: '/16/0/0/0', value: 'test_value' }]),
        })
      ).code,
      '2.04',
    );
    t.is(valueOf((await s.call({ method: 'GET', path: '/16', accept: fmt })).senml, '/16/0/0/0'), 'test_value');
    t.is(
      (
        await s.call({
          method: 'PUT',
          path: '/1/0/1',
          contentFormat: fmt,
          payload: enc([{ name: '/1/0/1', value: 63 }]),
        })
      ).code,
      '2.04',
    );
    t.is(await readText('/1/0/1'), '63');
    await restoreConfig3();
  });
}

ets(servers, 235, 'Read-Composite Operation on root path', async (t) => {
  const r = await composite(CF.senmlCbor, ['/']);
  t.is(r.code, '2.05');
  const n = names(r.senml);
  t.true(n.includes('/1/0/1') && n.includes('/3/0/0') && n.includes('/16/0/0/0'), n.join(','));
  t.false(
    n.some((x) => x.startsWith('/0/')),
    'no Security object',
  );
});

ets(servers, 236, 'Read-Composite - Partial Presence', async (t) => {
  const r = await composite(CF.senmlJson, ['/1/0', '/3/0/11/0', '/3339/0/5522', '/3353/0/6030']);
  t.is(r.code, '2.05');
  const n = names(r.senml);
  t.true(n.includes('/1/0/1') && n.includes('/3/0/11/0'), n.join(','));
  t.false(
    n.some((x) => x.startsWith('/3339') || x.startsWith('/3353')),
    n.join(','),
  );
});

ets(servers, 237, 'Read on Object without specifying Content-Type', async (t) => {
  for (const path of ['/1', '/3']) {
    const r = await s.call({ method: 'GET', path });
    t.is(r.code, '2.05', path);
    t.true(
      ([CF.tlv, CF.senmlJson, CF.senmlCbor, CF.lwm2mCbor] as number[]).includes(r.contentFormat ?? -1),
      `a multi-value format, got ${r.contentFormat}`,
    );
  }
  const dev = await s.call({ method: 'GET', path: '/3' });
  if (dev.senml) t.is(valueOf(dev.senml, '/3/0/0'), DEVICE_INFO.manufacturer);
});

ets(servers, 256, 'Write Operation Failure', async (t) => {
  t.is((await s.call({ method: 'PUT', path: '/1/0/0', contentFormat: CF.text, payload: text(123) })).code, '4.05');
  t.is(await readText('/1/0/0'), String(CONFIG3.ssid));
});

ets(servers, 257, 'Write-Composite Operation', async (t) => {
  for (const fmt of [CF.senmlJson, CF.senmlCbor]) {
    t.is(
      await writeComposite(fmt, [
        { name: '/1/0/2', value: 102 },
        { name: '/1/0/6', value: true },
        { name: '/3/0/13', value: 0 },
      ]),
      '2.04',
    );
    t.is(await readText('/1/0/2'), '102');
    t.is(await readText('/1/0/6'), '1');
    await restoreConfig3();
  }
});

ets(servers, 260, 'Discover Command', async (t) => {
  const d3 = await s.call({ method: 'GET', path: '/3', accept: CF.linkFormat });
  t.is(d3.code, '2.05');
  const l3 = linkMap(d3.payload.toString());
  for (const k of ['/3', '/3/0', '/3/0/0', '/3/0/1', '/3/0/2', '/3/0/3', '/3/0/4', '/3/0/6', '/3/0/11', '/3/0/16'])
    t.truthy(l3[k], k);
  t.is((await s.call({ method: 'PUT', path: '/3', query: ['pmin=10'] })).code, '2.04');
  t.is((await s.call({ method: 'PUT', path: '/3', query: ['pmax=200'] })).code, '2.04');
  const l30 = linkMap((await s.call({ method: 'GET', path: '/3/0', accept: CF.linkFormat })).payload.toString());
  t.is(l30['/3/0/6']?.dim, '1');
  t.is(l30['/3/0/11']?.dim, '1');
  // lt/gt/st on a numeric resource (the probe's Value stands in for /3/0/7, which this device has not)
  const v = `/${PROBE.id}/0/${PROBE.value}`;
  for (const q of ['lt=1', 'gt=6', 'st=1'])
    t.is((await s.call({ method: 'PUT', path: v, query: [q] })).code, '2.04', q);
  const lp = linkMap(
    (await s.call({ method: 'GET', path: `/${PROBE.id}/0`, accept: CF.linkFormat })).payload.toString(),
  );
  t.is(Number(lp[v]?.lt), 1);
  t.is(Number(lp[v]?.gt), 6);
  t.is(Number(lp[v]?.st), 1);
  const l11 = linkMap((await s.call({ method: 'GET', path: '/3/0/11', accept: CF.linkFormat })).payload.toString());
  t.deepEqual(Object.keys(l11).sort(), ['/3/0/11', '/3/0/11/0']);
  for (const q of ['pmin', 'pmax'])
    t.is((await s.call({ method: 'PUT', path: '/3', query: [q] })).code, '2.04', `remove ${q}`);
  for (const q of ['lt', 'gt', 'st'])
    t.is((await s.call({ method: 'PUT', path: v, query: [q] })).code, '2.04', `remove ${q}`);
});

ets(servers, 261, 'Write-Attribute Operation on a multiple resource', async (t) => {
  const l = linkMap((await s.call({ method: 'GET', path: '/3/0/11', accept: CF.linkFormat })).payload.toString());
  t.deepEqual(Object.keys(l).sort(), ['/3/0/11', '/3/0/11/0']);
  t.is(l['/3/0/11']?.dim, '1');
  for (const [path, q] of [
    ['/3', 'pmin=10'],
    ['/3', 'pmax=200'],
    ['/3/0', 'pmax=320'],
    ['/3/0/11/0', 'pmax=100'],
    ['/3/0/11/0', 'epmin=1'],
    ['/3/0/11/0', 'epmax=20'],
  ] as const) {
    t.is((await s.call({ method: 'PUT', path, query: [q] })).code, '2.04', `${path}?${q}`);
  }
  const d = linkMap((await s.call({ method: 'GET', path: '/3/0/11', accept: CF.linkFormat })).payload.toString());
  t.is(d['/3/0/11']?.pmin, '10', 'inherited from the object');
  t.is(d['/3/0/11']?.pmax, '320', 'inherited from the instance');
  t.is(d['/3/0/11/0']?.pmax, '100');
  t.is(d['/3/0/11/0']?.epmin, '1');
  t.is(d['/3/0/11/0']?.epmax, '20');
});

ets(servers, 280, 'Successful Read-Composite Operation', async (t) => {
  const r = await composite(CF.senmlCbor, ['/3/0/16', '/3/0/11/0', '/1/0']);
  t.is(r.code, '2.05');
  const n = names(r.senml);
  t.deepEqual(
    n.filter((x) => x.startsWith('/3/')),
    ['/3/0/11/0', '/3/0/16'],
  );
  t.is(valueOf(r.senml, '/3/0/11/0'), 0);
  t.is(valueOf(r.senml, '/1/0/0'), CONFIG3.ssid);
  t.is(valueOf(r.senml, '/1/0/1'), CONFIG3.lifetime);
  t.is(valueOf(r.senml, '/1/0/6'), false);
  t.is(valueOf(r.senml, '/1/0/7'), 'U');
});

ets(servers, 281, 'Partially Successful Read-Composite Operation', async (t) => {
  const r = await composite(CF.senmlJson, ['/1/0/1', '/1/0/7', '/1/0/8']);
  t.is(r.code, '2.05');
  t.deepEqual(
    r.senml?.map((x) => [x.name, x.value]),
    [
      ['/1/0/1', CONFIG3.lifetime],
      ['/1/0/7', 'U'],
    ],
  );
});

// last: the device reboots
ets(servers, 241, 'Executable Resource: Rebooting the device', async (t) => {
  const since = s.raw.requests.length;
  t.is((await s.call({ method: 'POST', path: '/3/0/4' })).code, '2.04');
  await s.waitForRequest(
    (q) => q.method === 'DELETE' && q.path.startsWith('/rd/'),
    10_000,
    'the De-register before the reboot',
    since,
  );
  const exit = await device.exited;
  t.is(exit.code, 75, 'exit status 75: the service manager restarts it');
  device = startDevice({ servers: [dmServer(s.uri)], stateDir: device.stateDir, endpoint: device.endpoint });
  const reg = await s.waitForRegister();
  t.is(reg.params.ep, device.endpoint);
  t.is(await readText('/3/0/0'), DEVICE_INFO.manufacturer);
});
