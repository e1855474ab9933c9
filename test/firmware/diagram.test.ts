// diagram.test.ts: the firmware statechart is drawable by the diagram function (Mermaid, DOT) with every object 5
// transition.
import test from 'ava';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import firmwareActor from '../../src/actors/firmware.actor.js';
import { renderDiagram } from '../../src/runtime/diagram.js';

test('the firmware actor exposes its machine and the Mermaid diagram shows the object 5 transitions', async (t) => {
  const m = firmwareActor.machine;
  if (m === undefined) {
    t.fail('no machine');
    return;
  }
  const mermaid = await renderDiagram(m, 'mermaid');
  for (const edge of [
    'idle --> pull : firmware.uri [nonEmptyUri]',
    'idle --> push : firmware.push',
    'pull --> downloaded : done download',
    'pull --> idle : error download',
    'push --> downloaded : firmware.push-done',
    'downloaded --> updating : firmware.update',
    'updating --> idle : done apply',
    'updating --> downloaded : error apply',
    'boot --> pull : firmware.restore [restorePull]',
    'downloading --> idle : firmware.cancel',
  ])
    t.true(mermaid.includes(edge), edge);
  const dot = await renderDiagram(m, 'dot');
  t.regex(dot, /digraph/);
});

test('`lwm2m-meter diagram <firmware actor module>` prints the chart', async (t) => {
  const { stdout } = await promisify(execFile)(process.execPath, [
    'dist/src/cli/main.js',
    'diagram',
    'dist/src/actors/firmware.actor.js',
    '--format',
    'mermaid',
  ]);
  t.regex(stdout, /downloaded --> updating : firmware\.update/);
});
