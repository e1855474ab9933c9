// mute-send.test.ts: Mute Send (/1/x/23, seeded false) written true by the server → Send refused with SEND_MUTED and
// nothing posted (the caller keeps its data); false again → Send goes out.
import type { CodedError } from '../../src/errors.js';
import { deviceTest } from '../support/device-test.js';

deviceTest(
  'Send honours Mute Send (/1/x/23), read live from object 1',
  { modem: 'stub' },
  async ({ t, device, server }) => {
    await device.registered;
    await device.untilRegistered();
    const posted = (): number => server.count('send', device.endpoint);
    const srv = device.get('object:1');

    const read = (await srv.receive({ type: 'object.request', op: 'read', path: [1, 0, 23], accept: 0 })) as {
      code: string;
      payload?: Uint8Array;
    };
    t.is(read.code, '2.05');
    t.is(Buffer.from(read.payload ?? []).toString(), '0', 'seeded present and false: Send active');

    const send = (): Promise<{ code: string }> =>
      device.client.receive({ type: 'lwm2m.send', records: [{ path: [3, 0, 9], value: 87 }] }) as Promise<{
        code: string;
      }>;
    t.like(await send(), { code: '2.04' });
    t.is(posted(), 1);

    const mute = async (v: boolean): Promise<void> => {
      const w = (await srv.receive({
        type: 'object.request',
        op: 'write',
        path: [1, 0, 23],
        format: 0,
        payload: new Uint8Array(Buffer.from(v ? '1' : '0')),
      })) as { code: string };
      t.is(w.code, '2.04');
    };
    await mute(true);
    const err = await t.throwsAsync(send());
    t.is((err as CodedError | undefined)?.code, 'SEND_MUTED');
    t.is(posted(), 1, 'nothing posted while muted');

    await mute(false);
    t.like(await send(), { code: '2.04' });
    t.is(posted(), 2);
  },
);
