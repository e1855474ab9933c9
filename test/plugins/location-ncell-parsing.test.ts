// location-ncell-parsing.test.ts: neighbour cell AT parsing per profile (nRF91 %NCELLMEAS, BG95 +QENG "neighbourcell"),
// the simulated set, and 'modem.cell-measurements'.
import test from 'ava';
import { ncellmeasNeighbours, ncellRsrpDbm, ncellRsrqDb, parseNcellmeas } from '../../src/modem/profiles/nrf91.js';
import { bg95Profile, parseQeng, parseQengNeighbours } from '../../src/modem/profiles/bg95.js';
import { SIMULATED_NEIGHBOURS } from '../../src/modem/simulated.js';
import { paramsOf } from '../../src/modem/parse.js';
import modemActor from '../../src/actors/modem.actor.js';
import type { ActorContext } from '../../src/runtime/actor-api.js';
import { log } from '../../src/runtime/log.js';
import { fakeMessaging } from '../support/fake-messaging.js';
import { waitFor } from '../support/poll.js';

test('nRF91 %NCELLMEAS: serving cell pci/earfcn and neighbour groups with SDK index conversions', (t) => {
  const line =
    '%NCELLMEAS: 0,"01A2D001","26201","1A2D",64,6300,331,45,20,12345,6400,200,40,15,0,6300,201,38,12,-4,12400';
  const info = parseNcellmeas([line]);
  t.like(info, { ci: 0x01a2d001, mcc: 262, mnc: 1, lac: 0x1a2d, pci: 331, earfcn: 6300, neighbours: 2 });
  // RSRP index 40 → 40 - 141 = -101 dBm; RSRQ index 15 → round(7.5 - 19.5) = -12 dB (neighbour_cell_info.c RSRP_ADJ /
  // RSRQ_ADJ)
  t.deepEqual(info.neighbourCells, [
    { pci: 200, earfcn: 6400, rsrpDbm: -101, rsrqDb: -12, timeDiff: 0 },
    { pci: 201, earfcn: 6300, rsrpDbm: -103, rsrqDb: -13, timeDiff: -4 },
  ]);
  // No trailing timing-advance-measurement-time (older modem firmware): same groups.
  const noTrail =
    paramsOf('%NCELLMEAS: 0,"01A2D001","26201","1A2D",64,6300,331,45,20,12345,6400,200,40,15,0', '%NCELLMEAS') ?? [];
  t.deepEqual(ncellmeasNeighbours(noTrail), [{ pci: 200, earfcn: 6400, rsrpDbm: -101, rsrqDb: -12, timeDiff: 0 }]);
  // No neighbours at all.
  t.deepEqual(
    parseNcellmeas(['%NCELLMEAS: 0,"01A2D001","26201","1A2D",64,6300,331,45,20,12345,12400']).neighbourCells,
    [],
  );
  // Failed measurement → nothing.
  t.deepEqual(parseNcellmeas(['%NCELLMEAS: 1']), {});
  // 255 = not known; index 0 → -140.
  t.is(ncellRsrpDbm(255), undefined);
  t.is(ncellRsrpDbm(0), -140);
  t.is(ncellRsrqDb(255), undefined);
  // Garbage groups are skipped, never thrown on.
  t.deepEqual(
    ncellmeasNeighbours(paramsOf('%NCELLMEAS: 0,"1","26201","1",0,1,2,3,4,5,x,y,z,w,v', '%NCELLMEAS') ?? []),
    [],
  );
});

test('BG95 AT+QENG="neighbourcell": intra/inter LTE rows, "-" placeholders, other RATs ignored', (t) => {
  const lines = [
    '+QENG: "neighbourcell intra","LTE",6300,332,-12,-101,-70,5,20,4,12,10,62',
    '+QENG: "neighbourcell inter","eMTC",1350,412,-17,-112,-80,-,-,-,-,-',
    '+QENG: "neighbourcell inter","LTE",1501,-,-,-,-,-,-,0,10,7',
    '+QENG: "neighbourcell","GSM",3062,3,16,2,-,-,-,-',
    '+QENG: "neighbourcell intra","LTE",6300,97,-,-,-,-,-,-,-,-,-',
    'garbage',
  ];
  t.deepEqual(parseQengNeighbours(lines), [
    { pci: 332, earfcn: 6300, rsrpDbm: -101, rsrqDb: -12 },
    { pci: 412, earfcn: 1350, rsrpDbm: -112, rsrqDb: -17 },
    { pci: 97, earfcn: 6300 },
  ]);
  t.deepEqual(parseQengNeighbours([]), []);
  t.is(bg95Profile.ncell?.cmd, 'AT+QENG="neighbourcell"');
  // The serving cell query now also reports PCI and EARFCN.
  t.like(
    parseQeng(['+QENG: "servingcell","NOCONN","eMTC","FDD",262,01,1A2D001,331,6300,20,3,3,1A2D,-95,-10,-68,15,40']),
    { pci: 331, earfcn: 6300, ci: 0x1a2d001 },
  );
});

test('modem actor answers modem.cell-measurements with the simulated serving + neighbour cells; status carries the cell', async (t) => {
  const ctx: ActorContext = {
    name: 'modem',
    config: { kind: 'simulated', simulated: { attachDelayMs: 20 } },
    fullConfig: {},
    log,
    store: { read: () => Promise.resolve(undefined), write: () => Promise.resolve(), remove: () => Promise.resolve() },
    ...fakeMessaging({ request: () => Promise.reject(new Error('no')) }),
  };
  const inst = await modemActor.create(ctx);
  t.teardown(() => inst.stop());
  await t.throwsAsync(
    async () => {
      await inst.receive({ type: 'modem.cell-measurements' });
    },
    { message: /not attached/ },
  );
  await waitFor(() => (inst.receive({ type: 'modem.status' }) as { up: boolean }).up, {
    timeoutMs: 1000,
    what: 'the simulated modem attached',
  });
  const m = await (inst.receive({ type: 'modem.cell-measurements' }) as Promise<{
    serving: Record<string, unknown>;
    neighbours: unknown[];
  }>);
  t.like(m.serving, { ci: 0x01a2d001, lac: 0x1a2d, mcc: 1, mnc: 1, pci: 331, earfcn: 6300 });
  t.deepEqual(
    m.neighbours,
    SIMULATED_NEIGHBOURS.map((c) => ({ ...c })),
  );
  t.like(inst.receive({ type: 'modem.status' }), { up: true, cell: { ci: 0x01a2d001, lac: 0x1a2d } });
});
