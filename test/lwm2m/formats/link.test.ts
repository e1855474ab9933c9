// link.test.ts: CoRE link format for registration and Discover payloads.
import test from 'ava';
import { formatLinks, parseLinks } from '../../../src/lwm2m/formats/link.js';

test('formats a registration payload with quoted rt and versions', (t) => {
  const s = formatLinks([
    { target: '/', params: { rt: 'oma.lwm2m', ct: 110 } },
    { target: '/1', params: { ver: '1.1' } },
    { target: '/1/0', params: {} },
    { target: '/3/0', params: {} },
  ]);
  t.is(s, '</>;rt="oma.lwm2m";ct=110,</1>;ver=1.1,</1/0>,</3/0>');
});

test('parses quoted, bare, numeric and flag parameters', (t) => {
  t.deepEqual(parseLinks('</3/0/7>;dim=2;pmin=10, </>;rt="oma.lwm2m";obs'), [
    { target: '/3/0/7', params: { dim: 2, pmin: 10 } },
    { target: '/', params: { rt: 'oma.lwm2m', obs: true } },
  ]);
});

test('rejects a link without angle brackets', (t) => {
  const err = t.throws(() => parseLinks('/3/0'));
  t.is((err as { code?: string }).code, 'FORMAT_DECODE');
});
