// accounts-selection.test.ts: server accounts from objects 0/1: joining by short server ID, PSK/NoSec checks, socket
// targets, consistency.
import test from 'ava';
import {
  accountsFromRecords,
  bootstrapConsistency,
  describeAccount,
  selectBootstrapAccount,
  selectServerAccount,
  targetOf,
} from '../../src/client/accounts.js';
import { bootstrapAccount, nosecAccount, pskAccount } from '../support/client-fakes.js';

test('joins Security and Server instances by short server ID and picks the first usable one', (t) => {
  const recs = [
    ...bootstrapAccount(0, 'coap://bs.example:5683'),
    ...pskAccount(1, 'coaps://dm.example', 5, 'id-5', new Uint8Array([1, 2])),
    ...nosecAccount(2, 'coap://[::1]:5690', 6),
  ];
  const accs = accountsFromRecords(recs);
  t.is(accs.length, 3);
  t.like(selectBootstrapAccount(accs), { ssid: 0, bootstrap: true });
  const dm = selectServerAccount(accs)!;
  t.like(dm, { ssid: 5, serverInstance: 1, lifetime: 300, binding: 'U' });
  t.deepEqual(targetOf(dm), {
    ssid: 5,
    uri: 'coaps://dm.example',
    host: 'dm.example',
    port: 5684,
    security: 'psk',
    pskIdentity: 'id-5',
    pskKey: 'AQI=',
  });
  t.deepEqual(targetOf(accs[2]), { ssid: 6, uri: 'coap://[::1]:5690', host: '::1', port: 5690, security: 'nosec' });
  t.false(JSON.stringify(describeAccount(dm)).includes('AQI='), 'the loggable view has no key');
});

test('unusable accounts are skipped and explained', (t) => {
  const noKey = accountsFromRecords([
    { path: [0, 0, 0], value: 'coaps://x' },
    { path: [0, 0, 2], value: 0 },
    { path: [0, 0, 10], value: 1 },
    { path: [1, 0, 0], value: 1 },
  ]);
  t.is(selectServerAccount(noKey), undefined);
  t.regex(bootstrapConsistency(noKey)[0], /identity/);
  const noServer = accountsFromRecords([
    { path: [0, 0, 0], value: 'coap://x' },
    { path: [0, 0, 2], value: 3 },
    { path: [0, 0, 10], value: 9 },
  ]);
  t.regex(bootstrapConsistency(noServer)[0], /no Server instance with short server ID 9/);
  const wrongScheme = accountsFromRecords(nosecAccount(0, 'coaps://x', 1));
  t.regex(bootstrapConsistency(wrongScheme)[0], /NoSec mode needs a coap:\/\//);
  t.deepEqual(bootstrapConsistency(accountsFromRecords(bootstrapAccount(0, 'coap://bs'))), [
    'no LwM2M server account (non-bootstrap Security instance)',
  ]);
  t.deepEqual(bootstrapConsistency(accountsFromRecords(nosecAccount(0, 'coap://dm', 1))), []);
  t.is(selectServerAccount(accountsFromRecords([{ path: [0, 0, 0], value: 'not a uri' }])), undefined);
});
