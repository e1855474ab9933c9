// tree.js: a client's object tree (objects and instances from its registration links, names from the object model) with
// per-resource and per-instance operation buttons.

function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('data-') || k === 'title' || k === 'type' || k === 'placeholder' || k === 'aria-label')
      e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const c of children) if (c !== undefined && c !== null) e.append(c);
  return e;
}

function button(op, path, label, title, cls = '') {
  return h('button', { type: 'button', class: `op ${cls}`.trim(), 'data-op': op, 'data-path': path, title }, label);
}

/** Objects and their instances from registration links: [{ id, instances: [ids] }], by object id. */
export function objectsOf(links) {
  const byId = new Map();
  for (const l of links) {
    const m = /^\/?(?:[^/]+\/)*?(\d+)(?:\/(\d+))?$/.exec(l.target);
    if (!m || l.target === '/' || l.params.rt !== undefined) continue;
    const id = Number(m[1]);
    if (!byId.has(id)) byId.set(id, new Set());
    if (m[2] !== undefined) byId.get(id).add(Number(m[2]));
  }
  return [...byId.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([id, s]) => ({ id, instances: [...s].sort((a, b) => a - b) }));
}

function resourceRow(oid, iid, rid, def) {
  const path = `/${oid}/${iid}/${rid}`;
  const ops = def?.operations ?? 'RW';
  const cells = h('td', { class: 'ops' });
  if (ops.includes('R')) {
    cells.append(
      button('read', path, 'R', `Read ${path}`),
      button('observe', path, 'O', `Observe ${path}`),
      button('cancel', path, '✕', `Cancel the observation of ${path}`, 'cancel'),
    );
  }
  if (ops.includes('W')) {
    const input = h('input', {
      type: 'text',
      class: 'wvalue',
      'data-path': path,
      placeholder: def ? def.type : 'value',
      'aria-label': `value for ${path}`,
    });
    cells.append(input, button('write', path, 'W', `Write ${path}`));
  }
  if (ops.includes('E')) cells.append(button('execute', path, 'E', `Execute ${path}`, 'exec'));
  return h(
    'tr',
    { class: 'resource', 'data-path': path },
    h('td', { class: 'rid' }, String(rid)),
    h(
      'td',
      { class: 'rname' },
      def ? def.name : 'resource',
      def?.units ? h('span', { class: 'units' }, ` ${def.units}`) : undefined,
    ),
    h('td', { class: 'value' }),
    cells,
  );
}

function instanceBlock(oid, iid, obj) {
  const path = `/${oid}/${iid}`;
  const rows = h('tbody');
  const ids = obj
    ? Object.keys(obj.resources)
        .map(Number)
        .sort((a, b) => a - b)
    : [];
  for (const rid of ids) rows.append(resourceRow(oid, iid, rid, obj.resources[rid]));
  return h(
    'div',
    { class: 'instance', 'data-path': path },
    h(
      'div',
      { class: 'inst-head' },
      h('span', { class: 'inst-name' }, `Instance ${iid}`),
      h(
        'span',
        { class: 'buttons' },
        button('read', path, 'Read', `Read ${path}`),
        button('observe', path, 'Observe', `Observe ${path}`),
        button('cancel', path, 'Cancel', `Cancel the observation of ${path}`, 'cancel'),
        button('discover', path, 'Discover', `Discover ${path}`),
        button('delete', path, 'Delete', `Delete ${path}`, 'danger'),
      ),
    ),
    ids.length
      ? h('table', { class: 'resources' }, rows)
      : h('p', { class: 'hint' }, 'Unknown object: use Read, or --ddf to name its resources.'),
  );
}

/** Builds the tree for a client's links; `catalog` is /api/model. */
export function renderTree(box, links, catalog) {
  const out = [];
  for (const { id, instances } of objectsOf(links)) {
    const obj = catalog[id];
    const path = `/${id}`;
    out.push(
      h(
        'div',
        { class: 'object', 'data-path': path },
        h(
          'div',
          { class: 'obj-head' },
          h('h3', {}, obj ? obj.name : `Object ${id}`, h('span', { class: 'oid' }, ` ${path}`)),
          h(
            'span',
            { class: 'buttons' },
            button('read', path, 'Read', `Read ${path}`),
            button('discover', path, 'Discover', `Discover ${path}`),
          ),
        ),
        ...instances.map((iid) => instanceBlock(id, iid, obj)),
      ),
    );
  }
  box.replaceChildren(...out);
}
