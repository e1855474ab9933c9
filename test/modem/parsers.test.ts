// parsers.test.ts: 27.007 and vendor response parsers, PSM timer encodings, band masks, profile detection.
import test from 'ava';
import { parseCereg, parseCesq, parseCops, parseCsq, splitParams } from '../../src/modem/parse.js';
import { parseQeng } from '../../src/modem/profiles/bg95.js';
import { parseCpsi } from '../../src/modem/profiles/sim7080.js';
import { parseNcellmeas, parseRecvfrom } from '../../src/modem/profiles/nrf91.js';
import { encodeT3324, encodeT3412 } from '../../src/modem/profiles/timers-3gpp.js';
import { bandBits, bandHex } from '../../src/modem/profiles/bands.js';
import { detectProfile } from '../../src/modem/profiles/index.js';
import { connectivityValues } from '../../src/modem/driver.js';
import { cmeText } from '../../src/modem/cme-errors.js';

test('splitParams honours quotes', (t) => {
  t.deepEqual(splitParams('1,"a,b",,7'), ['1', 'a,b', '', '7']);
});

test('+CEREG URC and read forms', (t) => {
  t.deepEqual(parseCereg('+CEREG: 5,"1A2D","01A2D001",9', false), { stat: 5, tac: '1A2D', ci: '01A2D001', act: 9 });
  t.deepEqual(parseCereg('+CEREG: 2,1,"1A2D","01A2D001",7', true), { stat: 1, tac: '1A2D', ci: '01A2D001', act: 7 });
  t.deepEqual(parseCereg('+CEREG: 0', false), { stat: 0 });
  t.is(parseCereg('+CEREG: x', false), undefined);
  t.is(parseCereg('+CSCON: 1', false), undefined);
});

test('+CESQ / +CSQ / +COPS', (t) => {
  t.deepEqual(parseCesq('+CESQ: 99,99,255,255,20,45'), { dbm: -96, rsrqDb: -10 });
  t.deepEqual(parseCesq('+CESQ: 99,99,255,255,255,255'), {});
  t.deepEqual(parseCsq('+CSQ: 20,99'), { dbm: -73 });
  t.deepEqual(parseCsq('+CSQ: 99,99'), {});
  t.deepEqual(parseCops('+COPS: 0,2,"310260",7'), { mcc: 310, mnc: 260, act: 7 });
});

test('vendor cell queries', (t) => {
  t.like(
    parseQeng(['+QENG: "servingcell","NOCONN","eMTC","FDD",262,01,1A2D001,331,6300,20,3,3,1A2D,-95,-10,-68,15,40']),
    { mcc: 262, mnc: 1, ci: 0x1a2d001, band: 20, lac: 0x1a2d, dbm: -95, rsrqDb: -10 },
  );
  t.like(
    parseQeng(['+QENG: "servingcell","CONNECT","NBIoT","FDD",262,03,8A2B01C,120,6290,20,2B3C,-110,-12,-80,3,20']),
    { mcc: 262, mnc: 3, lac: 0x2b3c, dbm: -110 },
  );
  t.like(parseCpsi(['+CPSI: LTE CAT-M1,Online,262-01,0x1A2D,27447297,331,EUTRAN-BAND20,6300,3,3,-10,-95,-68,15']), {
    mcc: 262,
    mnc: 1,
    lac: 0x1a2d,
    ci: 27447297,
    band: 20,
    dbm: -95,
  });
  t.deepEqual(parseCpsi(['+CPSI: NO SERVICE,Online']), {});
  t.like(
    parseNcellmeas([
      '%NCELLMEAS: 0,"01A2D001","26201","1A2D",64,6300,331,45,20,12345,6400,200,40,15,0,6300,201,38,12,0,12400',
    ]),
    { ci: 0x01a2d001, mcc: 262, mnc: 1, lac: 0x1a2d, dbm: -95, neighbours: 2 },
  );
  t.deepEqual(parseNcellmeas(['%NCELLMEAS: 1']), {});
});

test('PSM timers (TS 24.008 GPRS Timer 3 / 2), band masks, detection, CME text', (t) => {
  // The finest unit that holds the value (≤ 31 steps), rounding up.
  t.is(encodeT3412(3600), '00000110'); // 6 × 10 min
  t.is(encodeT3412(60), '01111110'); // 30 × 2 s
  t.is(encodeT3412(86_400), '00111000'); // 24 × 1 h
  t.is(encodeT3412(100), '10000100'); // 4 × 30 s (rounded up from 3.3)
  t.is(encodeT3324(60), '00011110'); // 30 × 2 s
  t.is(encodeT3324(120), '00100010'); // 2 × 1 min
  t.is(bandHex([3, 8, 20]), '80084');
  t.is(bandBits([1, 3]), '101');
  t.is(detectProfile('BG95-M3').name, 'bg95');
  t.is(detectProfile('SIMCOM_SIM7080G').name, 'sim7080');
  t.is(detectProfile('nRF9160-SICA').name, 'nrf91');
  t.is(detectProfile('EC25').name, 'generic');
  t.is(cmeText(10), 'SIM not inserted');
  t.is(cmeText(9999), 'CME error 9999');
});

test('object 4 values', (t) => {
  const v = connectivityValues(
    { mode: 'nb-iot', dbm: -92, ci: 7, mcc: 262, mnc: 1, lac: 10 },
    { ips: ['10.0.0.1'], apn: 'iot' },
  );
  t.deepEqual(v, { 0: 7, 1: [6, 7], 2: -92, 3: 50, 4: ['10.0.0.1'], 7: ['iot'], 8: 7, 9: 1, 10: 262, 12: 10 });
});

test('nrf91 #XRECVFROM hex answer: bytes, peer, and a header that disagrees with its hex line is dropped', (t) => {
  const d = parseRecvfrom('#XRECVFROM: 0,1,4,"192.0.2.1",5683', '000d0aff');
  t.deepEqual(d && Buffer.from(d.data), Buffer.from([0x00, 0x0d, 0x0a, 0xff]));
  t.deepEqual(d?.from, { address: '192.0.2.1', port: 5683 });
  t.is(parseRecvfrom('#XRECVFROM: 0,1,5,"192.0.2.1",5683', '000d0aff'), undefined);
  t.is(parseRecvfrom('#XRECVFROM: 0,0,4,"192.0.2.1",5683', '000d0aff'), undefined);
  t.is(parseRecvfrom('#XRECVFROM: 0,1,1,"192.0.2.1",5683', 'zz'), undefined);
});
