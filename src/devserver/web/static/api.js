// api.js: the page's calls to the dev server's JSON API (relative URLs, so the page works behind an SSH tunnel or a
// path prefix).

/** Error carrying the API's { code, message } (or the HTTP status when the body was not JSON). */
export class ApiError extends Error {
  constructor(code, message, status) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

async function parse(res) {
  let body;
  try {
    body = await res.json();
  } catch {
    throw new ApiError(`HTTP_${res.status}`, `HTTP ${res.status} ${res.statusText}`, res.status);
  }
  if (!res.ok)
    throw new ApiError(body?.error?.code ?? `HTTP_${res.status}`, body?.error?.message ?? res.statusText, res.status);
  return body;
}

export async function getJson(url) {
  return parse(await fetch(url, { headers: { accept: 'application/json' } }));
}

/** Runs an operation on a client: op is read, write, execute, observe, cancel, discover, create, delete, attributes. */
export async function operate(endpoint, op, body) {
  const res = await fetch(`api/clients/${encodeURIComponent(endpoint)}/${op}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return parse(res);
}

/** Pushes a file to a resource block-wise; progress arrives on the event feed. */
export async function pushFirmware(endpoint, path, file) {
  const res = await fetch(`api/clients/${encodeURIComponent(endpoint)}/firmware?path=${encodeURIComponent(path)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: file,
  });
  return parse(res);
}

/** Uploads a file for the device to pull (served over CoAP or HTTP, URI to /5/0/1); resolves when done or failed. */
export async function pullFirmware(endpoint, file, via) {
  const q = `name=${encodeURIComponent(file.name)}${via ? `&via=${encodeURIComponent(via)}` : ''}`;
  const res = await fetch(`api/clients/${encodeURIComponent(endpoint)}/firmware-pull?${q}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: file,
  });
  return parse(res);
}

/** A value as text: opaque as hex, object links as 3:0. */
export function showValue(v) {
  if (v !== null && typeof v === 'object') {
    if ('hex' in v) return `0x${v.hex}${v.bytes > v.hex.length / 2 ? `… (${v.bytes} bytes)` : ''}`;
    if ('objlnk' in v) return v.objlnk;
  }
  return String(v);
}
