// conformance-plugin.ts: writes the test plugin the ETS configurations need into a temp folder: Portfolio (16,
// multi-instance, multiple string resource) and a Probe object (32800) that lets the test server make the device Send
// or change a value.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The probe object: resources the device-side triggers of the ETS ("the client sends…", "the value changes…") hang on.
 */
export const PROBE = {
  id: 32800,
  /** RW string: space-separated paths for the next Send. */
  sendPaths: 0,
  /** E: Send the paths of resource 0 now (through the client, like the device's own reporting). */
  send: 1,
  /** R string: the outcome of the last Send: the server's code, or the error code. */
  sendResult: 2,
  /** RW integer: a value to observe. */
  value: 3,
  /** E: add 1 to resource 3 from the device side. */
  bump: 4,
} as const;

const PORTFOLIO = `// portfolio-object.js: OMA Portfolio (16) as the ETS configurations use it: multi-instance, Identity a multiple string resource.
import { defineObject, status } from 'lwm2m-meter/plugin';
export default defineObject({
  definition: { id: 16, name: 'Portfolio', version: '1.0', multiple: true, resources: [
    { id: 0, name: 'Identity', type: 'string', operations: 'RW', multiple: true, mandatory: true },
    { id: 1, name: 'GetAuthData', type: 'none', operations: 'E' },
    { id: 2, name: 'AuthData', type: 'opaque', operations: 'R', multiple: true },
    { id: 3, name: 'AuthStatus', type: 'integer', operations: 'R', multiple: true },
  ] },
  instances: {},
  execute(t) { return t.resourceId === 1 ? undefined : status('4.05'); },
});
`;

const PROBE_OBJECT = `// probe-object.js: conformance probe (${PROBE.id}): Send on demand, a value the device changes.
import { defineObject, status } from 'lwm2m-meter/plugin';
export default defineObject({
  definition: { id: ${PROBE.id}, name: 'Conformance Probe', multiple: false, resources: [
    { id: 0, name: 'Send Paths', type: 'string', operations: 'RW' },
    { id: 1, name: 'Send', type: 'none', operations: 'E' },
    { id: 2, name: 'Send Result', type: 'string', operations: 'R' },
    { id: 3, name: 'Value', type: 'integer', operations: 'RW' },
    { id: 4, name: 'Bump', type: 'none', operations: 'E' },
  ] },
  instances: { 0: { 0: '', 2: '', 3: 0 } },
  execute(t, _args, rt) {
    if (t.resourceId === 4) { rt.set(0, 3, Number(rt.get(0, 3) ?? 0) + 1); return undefined; }
    if (t.resourceId !== 1) return status('4.05');
    const paths = String(rt.get(0, 0) ?? '').split(' ').filter((p) => p !== '').map((p) => p.split('/').filter((s) => s !== '').map(Number));
    rt.set(0, 2, 'pending');
    rt.request('client', { type: 'lwm2m.send', paths }, { timeoutMs: 15000 }).then(
      (r) => rt.set(0, 2, String(r && r.code)),
      (e) => rt.set(0, 2, String((e && e.code) || e)),
    );
    return undefined;
  },
});
`;

/** Writes the plugin folder; returns the folder holding it (for plugins.dirs). */
export function writeConformancePlugin(): string {
  const root = mkdtempSync(join(tmpdir(), 'conformance-plugins-'));
  const dir = join(root, 'conformance');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'plugin.json'),
    JSON.stringify(
      {
        name: 'conformance',
        version: '1.0.0',
        description: 'ETS configuration objects: Portfolio (16) and a probe',
        objects: [
          { id: 16, module: './portfolio-object.js' },
          { id: PROBE.id, module: './probe-object.js' },
        ],
      },
      null,
      2,
    ),
  );
  writeFileSync(join(dir, 'portfolio-object.js'), PORTFOLIO);
  writeFileSync(join(dir, 'probe-object.js'), PROBE_OBJECT);
  return root;
}
