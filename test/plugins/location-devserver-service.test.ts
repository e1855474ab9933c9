// location-devserver-service.test.ts: the dev server's location service, pure parts: request parsing from Send records,
// deterministic locations, GNSS requests, CLI switch.
import test from 'ava';
import {
  fakeAssistanceData,
  gnssRequest,
  groundFixRequest,
  locateCells,
} from '../../src/devserver/location-service.js';
import { parseDevServerArgs } from '../../src/devserver/cli.js';
import type { LwRecord } from '../../src/lwm2m/types.js';

const rec = (p: string, value: LwRecord['value']): LwRecord => ({ path: p.split('/').map(Number), value });

test('ground fix request: serving cell from /4/0, neighbours from /10256 (zeroed slots skipped); other Sends ignored', (t) => {
  const records = [
    rec('33626/0/0', true),
    rec('4/0/8', 1234),
    rec('4/0/9', 1),
    rec('4/0/10', 242),
    rec('4/0/2', -90),
    rec('4/0/12', 77),
    rec('10256/0/0', 5),
    rec('10256/0/2', 6300),
    rec('10256/0/3', -100),
    rec('10256/0/4', -11),
    rec('10256/1/0', 0),
    rec('10256/1/2', 0),
    rec('10256/1/3', 0),
  ];
  t.deepEqual(groundFixRequest(records), {
    serving: { ci: 1234, mnc: 1, mcc: 242, rsrp: -90, lac: 77 },
    neighbours: [{ pci: 5, earfcn: 6300, rsrp: -100, rsrq: -11 }],
    reportBack: true,
  });
  t.is(groundFixRequest([rec('3424/0/1', 5)]), undefined);
  t.false(groundFixRequest([rec('33626/0/0', false)])?.reportBack);
});

test('locations: table entry for the simulated cell, else a deterministic hash point; accuracy shrinks with neighbours', (t) => {
  const sim = { serving: { mcc: 1, mnc: 1, lac: 0x1a2d, ci: 0x01a2d001 }, neighbours: [], reportBack: true };
  t.deepEqual(locateCells(sim), { lat: 63.4215, lon: 10.4381, accuracy: 400 });
  const other = { serving: { mcc: 242, mnc: 1, lac: 77, ci: 1234 }, neighbours: [], reportBack: true };
  const a = locateCells(other);
  t.deepEqual(locateCells(other), a, 'same cells, same answer');
  t.true(a.lat >= -60 && a.lat <= 70 && a.lon >= -180 && a.lon <= 180);
  t.is(a.accuracy, 3000);
  t.is(locateCells({ ...other, neighbours: [{}, {}] }).accuracy, 1000);
  t.notDeepEqual(locateCells({ ...other, serving: { ...other.serving, ci: 1235 } }), a);
  t.deepEqual(locateCells(other, { '242-1-77-1234': { lat: 1, lon: 2, accuracy: 3 } }), {
    lat: 1,
    lon: 2,
    accuracy: 3,
  });
});

test('GNSS request parsing and stand-in data; the CLI switch', (t) => {
  t.deepEqual(gnssRequest([rec('33625/0/0', 0), rec('33625/0/1', 63), rec('4/0/8', 1)]), { kind: 'agps', mask: 63 });
  t.deepEqual(gnssRequest([rec('33625/0/0', 1), rec('33625/0/2', 42), rec('33625/0/3', 240), rec('33625/0/5', 0)]), {
    kind: 'pgps',
    predictionCount: 42,
    predictionIntervalMin: 240,
    startTimeOfDayS: 0,
  });
  t.is(gnssRequest([rec('33626/0/0', true)]), undefined);
  const d = fakeAssistanceData({ kind: 'agps', mask: 63 });
  t.is(d.length, 1500);
  t.is(Buffer.from(d.subarray(0, 20)).toString('ascii'), 'LWM2M-METER-DEV-AGPS');
  t.is(parseDevServerArgs([]).locationService, undefined);
  t.false(parseDevServerArgs(['--location-service', 'off']).locationService);
  t.throws(() => parseDevServerArgs(['--location-service', 'maybe']), { message: /on or off/ });
});
