// cell-from-cereg.test.ts: object 4 Cell ID (res 8) and TAC (res 12) come from the +CEREG URC when the cell query
// reports none.
import test from 'ava';
import { createActor, SimulatedClock } from 'xstate';
import { parseModemConfig } from '../../src/modem/config-schema.js';
import type { DataInfo, DriverEvent, ModemDriver, PowerOnInfo, RadioSnapshot } from '../../src/modem/driver.js';
import { type ModemOutput } from '../../src/modem/machine.js';
import { modemMachineFor, modemInput } from '../../src/actors/modem.actor.js';
import type { Registration } from '../../src/modem/parse.js';

const flush = async (): Promise<void> => {
  for (let i = 0; i < 50; i++) await Promise.resolve();
};

/** Searching at first; attaches by URC; its cell query has no cell id. */
class UrcModem implements ModemDriver {
  readonly kind = 'serial' as const;
  readonly canHardReset = false;
  listener: (ev: DriverEvent) => void = () => undefined;
  powerOn(): Promise<PowerOnInfo> {
    return Promise.resolve({ model: 'nRF9160-SICA', profile: 'nrf91' });
  }
  simReady(): Promise<void> {
    return Promise.resolve();
  }
  configureRadio(): Promise<void> {
    return Promise.resolve();
  }
  registration(): Promise<Registration> {
    return Promise.resolve({ stat: 2 });
  }
  activateData(): Promise<DataInfo> {
    return Promise.resolve({ ips: ['10.0.0.5'], apn: 'iot' });
  }
  readRadio(): Promise<RadioSnapshot> {
    return Promise.resolve({ mode: 'lte-m', dbm: -90 });
  }
  recover(): Promise<void> {
    return Promise.resolve();
  }
  onEvent(l: (ev: DriverEvent) => void): void {
    this.listener = l;
  }
  close(): void {
    /* nothing */
  }
}

test('+CEREG: 1,"002F","0012BEEF",7 → object 4 res 8 = 0x12BEEF, res 12 = 0x2F; a later cell change updates them', async (t) => {
  const clock = new SimulatedClock();
  const driver = new UrcModem();
  const out: ModemOutput[] = [];
  const actor = createActor(modemMachineFor(driver), {
    input: modemInput(driver, parseModemConfig({ kind: 'serial' })),
    clock,
  });
  actor.on('*', (m) => {
    if (m.type !== 'modem.poll-failed') out.push(m);
  });
  driver.onEvent((ev) => actor.send(ev));
  actor.start();
  await flush();
  t.deepEqual(actor.getSnapshot().value, 'attaching');
  driver.listener({ type: 'modem.reg', reg: { stat: 1, tac: '002F', ci: '0012BEEF', act: 7 } });
  await flush();
  const upd = out.find((m) => m.type === 'connectivity.update');
  if (upd?.type !== 'connectivity.update')
    return t.fail(`no connectivity.update: ${JSON.stringify(actor.getSnapshot().value)} ${JSON.stringify(out)}`);
  t.is(upd.values[8], 0x12beef);
  t.is(upd.values[12], 0x2f);
  driver.listener({ type: 'modem.reg', reg: { stat: 1, tac: '0030', ci: '0012BEF0', act: 7 } });
  await flush();
  const last = out.filter((m) => m.type === 'connectivity.update').at(-1);
  if (last?.type !== 'connectivity.update') return t.fail();
  t.is(last.values[8], 0x12bef0);
  t.is(last.values[12], 0x30);
  actor.stop();
});
