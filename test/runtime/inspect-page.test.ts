// inspect-page.test.ts: the real device with --inspect serves a local statechart page; in headless Chromium the
// client's highlighted state follows the registration, object and plugin actors appear, nothing is fetched from
// elsewhere.
import test from 'ava';
import { HostileServer } from '../support/hostile-server.js';
import { DeviceProcess } from '../support/device-process.js';
import { UdpRelay } from '../support/udp-relay.js';
import { launchBrowser } from '../support/browser.js';

const active = (actor: string, state: string): string =>
  `details[data-actor="${actor}"] svg g.active[id="state:${state}"]`;

test('the page draws every actor and marks the client registering, then registered', async (t) => {
  const server = await HostileServer.start();
  // the Register's answer is held back until the page has shown the client registering
  let hold = true;
  const relay = await UdpRelay.start(server.port, { toClient: (d) => (hold ? [] : [d]) });
  const device = new DeviceProcess({
    server: `coap://127.0.0.1:${relay.port}`,
    config: { inspect: { enabled: true, host: '127.0.0.1', port: 0 }, plugins: { enabled: ['location-assistance'] } },
  });
  const browser = await launchBrowser();
  try {
    const line = await device.waitForLine((l) => l.startsWith('statecharts: open '), 20_000);
    const pageUrl = /open (http:\/\/\S+)/.exec(line)![1];
    const origin = new URL(pageUrl).origin;
    const elsewhere: string[] = [];
    browser.page.on('request', (r) => {
      if (!r.url().startsWith(origin)) elsewhere.push(r.url());
    });
    await browser.page.goto(pageUrl);

    await browser.page.waitForSelector(active('client', 'client.connected.online.registering'), {
      state: 'attached',
      timeout: 20_000,
    });
    t.is(
      await browser.page.locator(active('client', 'client.connected.online')).count(),
      1,
      'the enclosing cluster is marked too',
    );
    t.is(await browser.page.locator(active('client', 'client.connected.registered')).count(), 0);

    hold = false;
    await server.waitForRegister(30_000);
    await browser.page.waitForSelector(active('client', 'client.connected.registered'), {
      state: 'attached',
      timeout: 20_000,
    });
    t.is(
      await browser.page.locator(active('client', 'client.connected.online.registering')).count(),
      0,
      'the old state is no longer marked',
    );
    t.regex(await browser.page.locator('details[data-actor="client"] .state').innerText(), /(^|\.)registered(\.|$)/);

    // every runtime actor with a machine has its chart: built-in objects, a plugin object, the plugin's actor
    for (const actor of [
      'modem',
      'socket',
      'meter',
      'object:3',
      'object:5',
      'object:33626',
      'plugin:location-assistance:controller',
    ]) {
      await browser.page.waitForSelector(`details[data-actor="${actor}"] svg g.node.active`, {
        state: 'attached',
        timeout: 20_000,
      });
    }
    t.is(
      await browser.page.locator('details.chart').first().getAttribute('data-actor'),
      'client',
      'the client comes first',
    );
    // the event log shows what the client received
    await browser.page.waitForFunction(
      "[...document.querySelectorAll('#log li')].some((li) => li.textContent.includes('client '))",
      undefined,
      { timeout: 10_000 },
    );
    t.deepEqual(elsewhere, [], 'the page loads nothing from anywhere else');
  } finally {
    await browser.close();
    await device.stop();
    relay.close();
    await server.close();
  }
});
