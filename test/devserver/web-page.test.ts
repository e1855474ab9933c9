// web-page.test.ts: the dev server's web page in a real browser (system Chromium) against the real device process: the
// client listed, a read, a write read back, a notification and a device error shown in the page, Write-Attributes /
// Execute with arguments / Create, firmware push and pull.
import test from 'ava';
import { runDevServer } from '../../src/devserver/cli.js';
import type { DevServer } from '../../src/devserver/server.js';
import { launchBrowser } from '../support/browser.js';
import { DeviceProcess } from '../support/device-process.js';

test("the page lists the device, reads, writes (read back), shows notifications, the chart and the device's errors", async (t) => {
  const lines: string[] = [];
  const ac = new AbortController();
  const server = await new Promise<DevServer>((resolve, reject) => {
    runDevServer(['--host', '127.0.0.1', '--port', '0', '--web', '127.0.0.1:0'], {
      out: (l) => lines.push(l),
      signal: ac.signal,
      onReady: resolve,
    }).catch(reject);
  });
  const url = /web\s+(http:\/\/127\.0\.0\.1:\d+\/)/.exec(lines.join('\n'))?.[1];
  t.truthy(url, `the web URL is printed: ${lines.join('\n')}`);
  // a steady leak gives the meter a pulse a second: /3424/0/1 changes, so its observation notifies
  const device = new DeviceProcess({
    server: server.uri,
    config: { meter: { source: { kind: 'simulated', dailyM3: 0, leakLph: 3600, tickMs: 250 }, readingIntervalS: 1 } },
  });
  const browser = await launchBrowser();
  t.teardown(async () => {
    await browser.close();
    await device.stop();
    ac.abort();
  });
  const ep = device.endpoint;
  await server.waitFor('register', (r) => r.endpoint === ep, 30_000);
  const page = browser.page;
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(url!);

  // listed, and selected (the only client): its tree is named from the object model
  const row = page.locator(`#clients tr[data-endpoint="${ep}"]`);
  await row.waitFor();
  t.regex(await row.innerText(), /127\.0\.0\.1:\d+\s+\d+ s\s+U/);
  await page.locator('#client-name', { hasText: ep }).waitFor();
  t.is(await page.locator('.object[data-path="/3424"] h3').innerText(), 'Water meter /3424');
  t.is(await page.locator('tr.resource[data-path="/3424/0/1"] td.rname').innerText(), 'Cumulated water volume m3');
  t.regex(
    await page.locator('.object[data-path="/3306"] h3').innerText(),
    /^Actuation \/3306$/,
    'named from the valve plugin',
  );

  // read: the page shows what the device answers
  const manufacturer = (await server.read(ep, '/3/0/0')).records?.[0]?.value;
  if (typeof manufacturer !== 'string') {
    t.fail(`manufacturer is ${typeof manufacturer}`);
    return;
  }
  await page.click('tr.resource[data-path="/3/0/0"] button[data-op="read"]');
  await page.locator('tr.resource[data-path="/3/0/0"] td.value', { hasText: manufacturer }).waitFor();

  // write the lifetime, read it back in the page and through the library
  const before = (await server.read(ep, '/1/0/1')).records?.[0]?.value;
  const lifetime = before === 4321 ? 4322 : 4321;
  await page.fill('input.wvalue[data-path="/1/0/1"]', String(lifetime));
  await page.click('tr.resource[data-path="/1/0/1"] button[data-op="write"]');
  await page.locator('#log li[data-kind="op"]', { hasText: 'write /1/0/1 → 2.04 Changed' }).waitFor();
  await page.click('tr.resource[data-path="/1/0/1"] button[data-op="read"]');
  await page.locator('tr.resource[data-path="/1/0/1"] td.value', { hasText: new RegExp(`^${lifetime}$`) }).waitFor();
  t.is((await server.read(ep, '/1/0/1')).records?.[0]?.value, lifetime);

  // observe the volume: notifications land in the log, the value cell and the chart
  await page.click('tr.resource[data-path="/3424/0/1"] button[data-op="observe"]');
  await page.locator('tr.resource.observing[data-path="/3424/0/1"]').waitFor();
  await page.locator('#log li[data-kind="notify"]', { hasText: '/3424/0/1' }).first().waitFor({ timeout: 15_000 });
  const samples = (n: number): Promise<unknown> =>
    page.waitForFunction(`Number(document.querySelector('#chart')?.dataset.samples) >= ${n}`, undefined, {
      timeout: 20_000,
    });
  await samples(3);
  t.true((await page.locator('#chart svg.volume polyline').count()) === 1, 'the volume line is drawn');
  // cancel: the observation ends on the server too
  await page.click('tr.resource[data-path="/3424/0/1"] button[data-op="cancel"]');
  await page.locator('tr.resource[data-path="/3424/0/1"]:not(.observing)').waitFor();
  t.deepEqual(((await (await fetch(`${url!}api/clients/${ep}`)).json()) as { observing: string[] }).observing, []);

  // an error of the device is shown, not swallowed: the object model lists 6050, the device does not serve it
  await page.click('tr.resource[data-path="/3424/0/6050"] button[data-op="read"]');
  await page.locator('tr.resource[data-path="/3424/0/6050"] td.value.error', { hasText: /^4\.0\d / }).waitFor();
  t.regex(await page.locator('#message').innerText(), /read \/3424\/0\/6050: 4\.0\d/);

  // more operations: Write-Attributes on the volume (read back with the library's Discover), Execute with arguments,
  // Create with values (the device's answer shown whatever it is)
  await page.fill('#more-path', '/3424/0/1');
  await page.fill('#more-attrs', 'pmin=2&pmax=40');
  await page.click('#more-form button[data-more="attributes"]');
  await page.locator('#log li[data-kind="op"]', { hasText: 'attributes /3424/0/1 → 2.04 Changed' }).waitFor();
  const attrs = (await server.discover(ep, '/3424/0/1')).links?.find((l) => l.target === '/3424/0/1')?.params;
  t.like(attrs, { pmin: 2, pmax: 40 }, 'the attributes the page wrote are on the device');
  await page.fill('#more-path', '/1/0/8');
  await page.fill('#more-args', "0='now'");
  await page.click('#more-form button[data-more="execute"]');
  await page.locator('#log li', { hasText: /execute \/1\/0\/8 → [245]\.\d\d/ }).waitFor();
  await page.fill('#more-path', '/3424');
  await page.fill('#more-values', '/3424/7/1=0.5');
  await page.click('#more-form button[data-more="create"]');
  await page.locator('#log li', { hasText: /create \/3424 → [245]\.\d\d/ }).waitFor();
  t.regex(await page.locator('#message').innerText(), /^create \/3424 → /);

  // firmware push from a file picked in the page: Block1 to /5/0/0, the bar follows the blocks
  const pkg = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 31) & 0xff));
  await page.setInputFiles('#fw-file', { name: 'package.bin', mimeType: 'application/octet-stream', buffer: pkg });
  await page.click('#fw-form button[type="submit"]');
  await page.locator('#fw-status', { hasText: '5000 bytes → 2.04 Changed' }).waitFor();
  t.is(
    await page.locator('#fw-progress').evaluate((p: { value: number; max: number }) => [p.value, p.max].join('/')),
    '5000/5000',
  );
  t.is((await server.read(ep, '/5/0/3')).records?.[0]?.value, 2, 'the device holds the package: state Downloaded');

  // firmware pull of the same file: served by the dev server (CoAP: the device lists it in /5/0/8), URI to /5/0/1,
  // the device reset from Downloaded first, then followed to Downloaded again
  await page.click('#fw-pull');
  await page.locator('#fw-status', { hasText: '5000 bytes pulled: Downloaded' }).waitFor();
  t.regex(
    await page.locator('#log').innerText(),
    /firmware pull coap:\/\/127\.0\.0\.1:\d+\/fw\/package\.bin: downloaded: 5000 bytes/,
  );
  const pulled = (await server.read(ep, '/5/0/1')).records?.[0]?.value;
  t.regex(typeof pulled === 'string' ? pulled : '', /^coap:\/\/.*\/fw\/package\.bin$/, 'the URI the device was given');
  t.is((await server.read(ep, '/5/0/3')).records?.[0]?.value, 2, 'Downloaded after the pull');

  if (process.env.DEVSERVER_WEB_SCREENSHOT) {
    await page.click('tr.resource[data-path="/3424/0/1"] button[data-op="observe"]');
    await page.click('.instance[data-path="/3/0"] .inst-head button[data-op="read"]');
    await page.locator('tr.resource[data-path="/3/0/0"] td.value', { hasText: manufacturer }).waitFor();
    await samples(12);
    await page.setViewportSize({ width: 1200, height: 800 });
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: process.env.DEVSERVER_WEB_SCREENSHOT, fullPage: false });
  }
  t.deepEqual(pageErrors, [], 'no script errors in the page');
});
