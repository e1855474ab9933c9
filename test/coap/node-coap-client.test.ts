// node-coap-client.test.ts: node-coap (an independent stack, the dev LwM2M server's) as client of our endpoint: GET,
// Observe with notifications, cancel by closing the stream.
import test from 'ava';
import { Agent, request, type IncomingMessage } from 'coap';
import type { ObserveRelation } from '../../src/coap/api.js';
import { closeNode, text, udpNode } from './support/pair.js';
import { waitFor } from '../support/poll.js';

test('node-coap observes our resource: registration, ordered notifications; after its close the relation ends', async (t) => {
  const n = await udpNode({ params: { ackTimeoutMs: 50, maxRetransmit: 2 } });
  let rel: ObserveRelation | undefined;
  const reasons: string[] = [];
  n.endpoint.handle((req, ctx) => {
    if (req.observe === 0) {
      rel = ctx.acceptObserve();
      rel.onCancel((r) => reasons.push(r));
    }
    return { code: '2.05', contentFormat: 0, payload: text('0') };
  });
  const agent = new Agent({ type: 'udp4' });
  const values: string[] = [];
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request({ hostname: '127.0.0.1', port: n.addr.port, pathname: '/3/0/1', observe: true, agent });
    req.on('response', resolve);
    req.on('error', reject);
    req.end();
  });
  res.on('data', (d: Buffer) => values.push(d.toString()));
  for (let i = 1; i <= 4; i++) {
    await rel?.notify({ code: '2.05', contentFormat: 0, payload: text(String(i)) }, { confirmable: i % 2 === 0 });
    await waitFor(() => values.length > i, { timeoutMs: 2000, what: `notification ${i}` });
  }
  t.deepEqual(values, ['0', '1', '2', '3', '4']);
  // node-coap 1.5's close() neither deregisters nor answers later notifications: the next CON notification times out.
  (res as unknown as { close(): void }).close();
  // a deregistration would end the relation at once; otherwise the next CON notification must time out
  await waitFor(() => reasons.length > 0, { timeoutMs: 100 }).catch(() => undefined);
  if (reasons.length === 0) {
    await rel?.notify({ code: '2.05', payload: text('5') }, { confirmable: true }).catch(() => undefined);
    await waitFor(() => reasons.length > 0, { timeoutMs: 2000, what: 'the relation ended' });
  }
  t.true(['deregister', 'reset', 'timeout'].includes(reasons[0]), JSON.stringify(reasons));
  t.is(reasons.length, 1);
  t.log(`cancel reason: ${reasons[0]}`);
  t.is(n.endpoint.stats().relations, 0);
  agent.close();
  await closeNode(n);
});
