// libcoap-client.test.ts: libcoap's coap-client-notls against our endpoint: GET, PUT, POST, Observe + cancel, Block1
// upload, Block2 download.
import test from 'ava';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoapIncomingRequest, ObserveRelation } from '../../src/coap/api.js';
import { runClient } from '../support/libcoap.js';
import { bytes, closeNode, str, text, udpNode } from './support/pair.js';

const CLIENT = 'coap-client-notls';

test('GET (CON and NON), PUT and POST from coap-client', async (t) => {
  const n = await udpNode();
  const seen: CoapIncomingRequest[] = [];
  n.endpoint.handle((req) => {
    seen.push(req);
    if (req.method === 'GET') return { code: '2.05', contentFormat: 0, payload: text('hello from us') };
    if (req.method === 'PUT') return { code: '2.04' };
    return { code: '2.01', locationPath: ['rd', 'abc'] };
  });
  const uri = `coap://127.0.0.1:${n.addr.port}`;
  const g = await runClient(CLIENT, ['-B', '5', `${uri}/3/0/0?x=1`]);
  t.is(g.code, 0, g.stderr);
  t.is(g.stdout.trim(), 'hello from us');
  const non = await runClient(CLIENT, ['-B', '5', '-N', `${uri}/3/0/0`]);
  t.is(non.code, 0, non.stderr);
  t.is(non.stdout.trim(), 'hello from us');
  const p = await runClient(CLIENT, ['-B', '5', '-m', 'put', '-t', '0', '-e', 'v=42', `${uri}/1/0/1`]);
  t.is(p.code, 0, p.stderr);
  const o = await runClient(CLIENT, ['-B', '5', '-m', 'post', '-e', '</1/0>', `${uri}/rd?ep=m1`]);
  t.is(o.code, 0, o.stderr);
  t.deepEqual(
    seen.map((r) => `${r.method}:${r.confirmable}`),
    ['GET:true', 'GET:false', 'PUT:true', 'POST:true'],
  );
  t.deepEqual(seen[0].path, ['3', '0', '0']);
  t.deepEqual(seen[0].query, ['x=1']);
  t.is(str(seen[2].payload), 'v=42');
  t.is(seen[2].contentFormat, 0);
  t.deepEqual(seen[3].query, ['ep=m1']);
  t.is(str(seen[3].payload), '</1/0>');
  await closeNode(n);
});

test('Observe: notifications reach coap-client; its cancel ends the relation and stops notifications', async (t) => {
  const n = await udpNode();
  let relation: ObserveRelation | undefined;
  let cancelReason: string | undefined;
  let value = 0;
  n.endpoint.handle((req, ctx) => {
    if (req.observe === 0) {
      relation = ctx.acceptObserve();
      relation.onCancel((r) => {
        cancelReason = r;
      });
    }
    return { code: '2.05', contentFormat: 0, payload: text(`v${value}`) };
  });
  const timer = setInterval(() => {
    value++;
    relation
      ?.notify({ code: '2.05', contentFormat: 0, payload: text(`v${value}`) }, { confirmable: value % 2 === 0 })
      .catch(() => undefined);
  }, 150);
  const r = await runClient(CLIENT, ['-s', '2', '-B', '4', '-w', `coap://127.0.0.1:${n.addr.port}/3/0/9`]);
  clearInterval(timer);
  t.is(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n').filter((l) => l.length > 0);
  t.true(lines.length >= 5, r.stdout);
  t.is(lines[0], 'v0');
  t.deepEqual(
    lines,
    [...lines].sort((x, y) => Number(x.slice(1)) - Number(y.slice(1))),
  );
  // coap-client cancels at the end of -s with a GET Observe=1 on the observation's token.
  t.is(cancelReason, 'deregister');
  t.is(n.endpoint.stats().relations, 0);
  await closeNode(n);
});

test('Block1 upload with -b 64 -f file (token changes per block) and Block2 download of a large resource', async (t) => {
  const n = await udpNode();
  const dir = await mkdtemp(join(tmpdir(), 'coap-b1-'));
  const up = bytes(3000, 7);
  const down = bytes(5000, 9);
  let received: Uint8Array | undefined;
  let calls = 0;
  n.endpoint.handle((req) => {
    calls++;
    if (req.method === 'PUT') {
      received = req.payload;
      return { code: '2.04' };
    }
    return { code: '2.05', contentFormat: 42, payload: down };
  });
  const file = join(dir, 'up.bin');
  await writeFile(file, up);
  const uri = `coap://127.0.0.1:${n.addr.port}/5/0/0`;
  const p = await runClient(CLIENT, ['-B', '10', '-m', 'put', '-b', '64', '-f', file, uri]);
  t.is(p.code, 0, p.stderr);
  t.is(calls, 1); // the handler sees one reassembled request
  t.deepEqual(Buffer.from(received ?? []), Buffer.from(up));

  const out = join(dir, 'down.bin');
  const g = await runClient(CLIENT, ['-B', '10', '-o', out, uri]);
  t.is(g.code, 0, g.stderr);
  t.deepEqual(await readFile(out), Buffer.from(down));
  const g64 = await runClient(CLIENT, ['-B', '10', '-b', '64', '-o', out, uri]);
  t.is(g64.code, 0, g64.stderr);
  t.deepEqual(await readFile(out), Buffer.from(down));
  await rm(dir, { recursive: true, force: true });
  await closeNode(n);
});
