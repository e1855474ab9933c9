// valve-object.test.ts: the valve plugin's object on a simulated GPIO chip with a manual clock: fail-safe, On/Off
// drives the line, on time, feedback fault, leak rule offline.
import test from 'ava';
import { simulatedChip } from '../../src/plugin-api.js';
import { startValve, type ValveRig } from './support/valve-harness.js';

const write = (rig: ValveRig, rid: number, value: boolean | number) =>
  rig.host.handle({
    op: 'write-records',
    path: [3306, 0, rid],
    records: [{ path: [3306, 0, rid], value }],
    remote: true,
    serverId: 1,
  });
const read = async (rig: ValveRig, rid: number) =>
  (await rig.host.handle({ op: 'read-records', path: [3306, 0, rid], paths: [[3306, 0, rid]], serverId: 1 }))
    .records?.[0]?.value;

test('fail-safe closed at start; server On/Off drives the relay line; on time counts while open', async (t) => {
  const rig = await startValve({
    gpio: { kind: 'simulated', chip: 'v-basic', line: 17 },
    leakRule: { enabled: false },
  });
  const chip = simulatedChip('v-basic');
  t.is(chip.level(17), false, 'fail-safe: closed (line low)');
  t.is(await read(rig, 5850), false);
  t.is(await read(rig, 5750), 'valve');
  t.is((await write(rig, 5850, true)).code, '2.04');
  t.is(chip.level(17), true, 'relay energised = open');
  await rig.clock.advance(90_000);
  t.is(await read(rig, 5852), 90);
  t.is((await write(rig, 5850, false)).code, '2.04');
  t.is(chip.level(17), false);
  await rig.clock.advance(30_000);
  t.is(await read(rig, 5852), 90, 'on time stops while closed');
  t.deepEqual(
    chip.history.map((c) => c.value),
    [false, true, false],
  );
});

test('active-low relay and fail-safe open are honoured', async (t) => {
  await startValve({
    gpio: { kind: 'simulated', chip: 'v-al', line: 4, activeLow: true },
    failSafe: 'open',
    leakRule: { enabled: false },
  });
  t.is(simulatedChip('v-al').level(4), false, 'open + active low = line low');
});

test('feedback disagreeing after settleMs → /3/0/11 error code 8 and a Send of /3/0/11 and /3306/0/5850', async (t) => {
  const rig = await startValve({
    gpio: { kind: 'simulated', chip: 'v-fb', line: 17 },
    feedback: { kind: 'simulated', chip: 'v-fb', line: 18 },
    settleMs: 2000,
    leakRule: { enabled: false },
  });
  rig.answer = (to) => (to === 'client' ? { code: '2.04' } : undefined);
  await rig.clock.advance(2500);
  t.false(
    rig.emitted.some((e) => e.msg.type === 'device.error'),
    'a healthy valve follows its relay: no fault',
  );
  // the valve sticks closed
  t.deepEqual(await rig.spec.receive?.({ type: 'valve.simulate-feedback', value: false }, rig.host.runtime), {
    ok: true,
  });
  t.is((await write(rig, 5850, true)).code, '2.04');
  await rig.clock.advance(1999);
  t.false(
    rig.emitted.some((e) => e.msg.type === 'device.error'),
    'not before settleMs',
  );
  await rig.clock.advance(1);
  t.deepEqual(
    rig.emitted.find((e) => e.msg.type === 'device.error'),
    { to: 'object:3', msg: { type: 'device.error', code: 8 } },
  );
  const sent = rig.requests.find((r) => r.to === 'client');
  t.deepEqual(sent?.msg, {
    type: 'lwm2m.send',
    paths: [
      [3, 0, 11],
      [3306, 0, 5850],
    ],
  });
  t.true(
    rig.logs.some(
      (l) =>
        l.level === 'error' && /valve fault: commanded open but feedback says closed after 2000 ms/.test(l.msg ?? ''),
    ),
  );
});

test('leak rule: meter reports a leak while offline → valve closed locally; the report waits until the client can Send', async (t) => {
  const rig = await startValve({
    gpio: { kind: 'simulated', chip: 'v-leak', line: 17 },
    leakRule: { enabled: true, on: 'detected', pollMs: 1000 },
  });
  let leak = false;
  let online = false;
  rig.answer = (to) => {
    if (to === 'meter') return { snapshot: { flags: { leakSuspected: leak, leakDetected: leak } } };
    if (to === 'client' && !online) throw Object.assign(new Error('not registered'), { code: 'NOT_REGISTERED' });
    return { code: '2.04' };
  };
  await write(rig, 5850, true);
  await rig.clock.advance(1000);
  t.is(simulatedChip('v-leak').level(17), true);
  leak = true;
  await rig.clock.advance(1000);
  t.is(simulatedChip('v-leak').level(17), false, 'closed with no server');
  t.is(await read(rig, 5850), false);
  t.true(
    rig.logs.some((l) => l.level === 'warn' && /leak detected by the meter: valve closed locally/.test(l.msg ?? '')),
  );
  const tries = () => rig.requests.filter((r) => r.to === 'client').length;
  t.true(tries() >= 1, 'tried to report');
  await rig.clock.advance(3000);
  const before = tries();
  t.true(before >= 2, 'retried while offline');
  online = true;
  await rig.clock.advance(1000);
  const last = rig.requests.filter((r) => r.to === 'client').pop();
  t.deepEqual(last?.msg, {
    type: 'lwm2m.send',
    paths: [
      [3306, 0, 5850],
      [3424, 0, 10],
    ],
  });
  const after = tries();
  await rig.clock.advance(5000);
  t.is(tries(), after, 'reported once, then no more');
  // the server may open it again while the leak persists: the rule does not fight the server
  await write(rig, 5850, true);
  await rig.clock.advance(3000);
  t.is(simulatedChip('v-leak').level(17), true);
});

test('leak rule online: the close is reported by one Send, also while the client is still answering it', async (t) => {
  const rig = await startValve({
    gpio: { kind: 'simulated', chip: 'v-once', line: 17 },
    leakRule: { enabled: true, on: 'detected', pollMs: 1000 },
  });
  let leak = false;
  const replies: (() => void)[] = [];
  rig.answer = (to) => {
    if (to === 'meter') return { snapshot: { flags: { leakSuspected: leak, leakDetected: leak } } };
    return new Promise((resolve) => replies.push(() => resolve({ code: '2.04' })));
  };
  await write(rig, 5850, true);
  await rig.clock.advance(1000);
  leak = true;
  await rig.clock.advance(1000);
  t.is(simulatedChip('v-once').level(17), false, 'closed');
  const sends = () => rig.requests.filter((r) => r.to === 'client');
  t.is(sends().length, 1, 'one Send for the close, not a second one for the same report');
  await rig.clock.advance(3000);
  t.is(sends().length, 1, 'polls while the Send is in flight do not send it again');
  for (const r of replies.splice(0)) r();
  await rig.clock.advance(3000);
  t.is(sends().length, 1, 'acknowledged: nothing left to send');
  t.deepEqual(sends()[0].msg, {
    type: 'lwm2m.send',
    paths: [
      [3306, 0, 5850],
      [3424, 0, 10],
    ],
  });
});

test('a crash restarts the actor, whose start applies the fail-safe position again', async (t) => {
  const cfg = { gpio: { kind: 'simulated', chip: 'v-crash', line: 17 }, leakRule: { enabled: false } };
  const first = await startValve(cfg);
  await write(first, 5850, true);
  t.is(simulatedChip('v-crash').level(17), true);
  // the supervisor's restart = a fresh spec started on the same (still energised) hardware
  const second = await startValve(cfg);
  t.is(simulatedChip('v-crash').level(17), false, 'closed again after the restart');
  t.is(await read(second, 5850), false);
});

test('bad valve config fails start with a clear message (the supervisor then gives the object up)', async (t) => {
  const err = await t.throwsAsync(startValve({ gpio: { kind: 'sysfs', chip: 'x', line: 1 } }));
  t.regex(err?.message ?? '', /gpio\.kind must be "simulated" or "gpiod"/);
});

test('a Write with a valid On/Off and a refused On time answers 4.00 and the relay does not move', async (t) => {
  const rig = await startValve({ gpio: { kind: 'simulated', chip: 'v-tx', line: 17 }, leakRule: { enabled: false } });
  const chip = simulatedChip('v-tx');
  const before = chip.history.length;
  const payload = new Uint8Array(
    Buffer.from(
      JSON.stringify([
        { bn: '/3306/0/', n: '5850', vb: true },
        { n: '5852', v: -5 },
      ]),
      'utf8',
    ),
  );
  const r = await rig.host.handle({
    op: 'write-update',
    path: [3306, 0],
    format: 110,
    payload,
    remote: true,
    serverId: 1,
  });
  t.is(r.code, '4.00');
  t.is(chip.level(17), false, 'still closed');
  t.is(chip.history.length, before, 'the relay line was not driven at all');
  t.is(await read(rig, 5850), false, 'the stored On/Off is unchanged');
  // the same Write without the bad resource goes through and drives the relay once
  const ok = new Uint8Array(
    Buffer.from(
      JSON.stringify([
        { bn: '/3306/0/', n: '5850', vb: true },
        { n: '5852', v: 0 },
      ]),
      'utf8',
    ),
  );
  t.is(
    (
      await rig.host.handle({
        op: 'write-update',
        path: [3306, 0],
        format: 110,
        payload: ok,
        remote: true,
        serverId: 1,
      })
    ).code,
    '2.04',
  );
  t.is(chip.level(17), true);
  t.is(chip.history.length, before + 1);
});
