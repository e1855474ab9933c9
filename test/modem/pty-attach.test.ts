// pty-attach.test.ts: each profile's dialect over a real pty: detection, attach via +CEREG URCs, network.up with IP,
// object 4 values.
import test from 'ava';
import { rig, until } from './pty-helpers.js';

const cases = [
  { profile: 'generic', ip: '10.0.0.5', cmds: ['AT+CGDCONT=1,"IP","iot.test"'] },
  {
    profile: 'nrf91',
    ip: '10.0.0.5',
    cmds: ['AT%XSYSTEMMODE=1,0,1,0', 'AT+CGDCONT=0,"IP","iot.test"', 'AT%NCELLMEAS'],
  },
  {
    profile: 'bg95',
    ip: '10.0.0.6',
    cmds: [
      'AT+QCFG="iotopmode",0,1',
      'AT+QCFG="nwscanseq",02,1',
      'AT+QICSGP=1,1,"iot.test","","",0',
      'AT+QIACT=1',
      'AT+QENG="servingcell"',
    ],
  },
  {
    profile: 'sim7080',
    ip: '10.0.0.7',
    cmds: ['AT+CNMP=38', 'AT+CMNB=1', 'AT+CNCFG=0,1,"iot.test"', 'AT+CNACT=0,1', 'AT+CPSI?'],
  },
] as const;

for (const c of cases) {
  test(`${c.profile}: auto-detected, attaches, network.up and connectivity`, async (t) => {
    const r = await rig(c.profile, { profile: 'auto' });
    try {
      await until(() => r.out.some((m) => m.type === 'connectivity.update'), 8000, 'connectivity.update');
      t.deepEqual(
        r.out.find((m) => m.type === 'network.up'),
        { type: 'network.up', bearer: 'host', ip: c.ip },
      );
      t.is(r.svc.driver()?.kind, 'serial');
      for (const cmd of c.cmds) t.true(r.emu.received.includes(cmd), `sent ${cmd}`);
      t.true(r.emu.received.indexOf('AT+CFUN=0') < r.emu.received.indexOf('AT+CFUN=1'));
      const upd = r.out.find((m) => m.type === 'connectivity.update');
      if (upd?.type !== 'connectivity.update') return t.fail();
      t.is(upd.values[0], 6);
      t.deepEqual(upd.values[4], [c.ip]);
      t.deepEqual(upd.values[7], ['iot.test']);
      t.is(upd.values[10], 262);
      t.is(upd.values[9], 1);
      t.is(typeof upd.values[2], 'number');
      if (c.profile !== 'generic') {
        t.is(upd.values[12], 0x1a2d);
        t.truthy(upd.values[8]);
      }
    } finally {
      await r.close();
    }
  });
}
