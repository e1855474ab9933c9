// values.ts: console words → LwM2M values typed by the object model (42 → integer, "on" → string, 0xcafe → opaque, 3:0
// → objlnk).
import { CodedError } from '../../errors.js';
import { parsePath } from '../../lwm2m/path.js';
import type { LwRecord, LwValue, Path, ResourceType } from '../../lwm2m/types.js';
import type { TypeRegistry } from '../model.js';
import { unquote } from './parser.js';

function bad(word: string, type: string): CodedError {
  return new CodedError('CONSOLE_VALUE', `'${word}' is not a valid ${type}`);
}

/** One value for a resource of the given type; without a type, by its look (number, true/false, 0x…, else string). */
export function parseValue(word: string, type: ResourceType | undefined): LwValue {
  const quoted = /^(["']).*\1$/s.test(word);
  const w = unquote(word);
  switch (type) {
    case 'string':
      return w;
    case 'integer':
    case 'unsigned':
    case 'time': {
      if (!/^-?\d+$/.test(w)) throw bad(w, type);
      return Number(w);
    }
    case 'float': {
      const n = Number(w);
      if (w === '' || !Number.isFinite(n)) throw bad(w, type);
      return n;
    }
    case 'boolean': {
      if (w === 'true' || w === '1') return true;
      if (w === 'false' || w === '0') return false;
      throw bad(w, type);
    }
    case 'opaque': {
      const hex = w.replace(/^0x/i, '');
      if (!/^([0-9a-f]{2})*$/i.test(hex)) throw bad(w, 'opaque (hex)');
      return Buffer.from(hex, 'hex');
    }
    case 'objlnk': {
      const m = /^(\d+):(\d+)$/.exec(w);
      if (!m) throw bad(w, 'objlnk (OBJ:INST)');
      return { objectId: Number(m[1]), instanceId: Number(m[2]) };
    }
    default:
      if (quoted) return w;
      if (/^-?\d+(\.\d+)?$/.test(w)) return Number(w);
      if (w === 'true' || w === 'false') return w === 'true';
      if (/^0x([0-9a-f]{2})+$/i.test(w)) return Buffer.from(w.slice(2), 'hex');
      return w;
  }
}

/** `PATH=VALUE` words → records typed by the model (write-composite). */
export function parseAssignments(words: readonly string[], types: TypeRegistry): LwRecord[] {
  return words.map((w) => {
    const i = w.indexOf('=');
    if (i <= 0) throw new CodedError('CONSOLE_SYNTAX', `'${w}' is not PATH=VALUE`);
    const path = parsePath(w.slice(0, i));
    return { path, value: parseValue(w.slice(i + 1), typeAt(types, path)) };
  });
}

export function typeAt(types: TypeRegistry, p: Path): ResourceType | undefined {
  return p.length >= 3 ? types.info(p[0], p[2])?.[0] : undefined;
}

/** Create's body: a JSON object { "resourceId": value, … } under OBJ/INST → records. */
export function parseCreateBody(json: string, base: Path, types: TypeRegistry): LwRecord[] {
  let o: unknown;
  try {
    o = JSON.parse(json);
  } catch (err) {
    throw new CodedError('CONSOLE_SYNTAX', `create: ${(err as Error).message}`);
  }
  if (o === null || typeof o !== 'object' || Array.isArray(o))
    throw new CodedError('CONSOLE_SYNTAX', 'create wants a JSON object {"RES": value, …}');
  return Object.entries(o as Record<string, unknown>).map(([k, v]) => {
    if (!/^\d+$/.test(k)) throw new CodedError('CONSOLE_SYNTAX', `create: '${k}' is not a resource id`);
    const path = [...base, Number(k)];
    const word = typeof v === 'string' ? JSON.stringify(v) : String(v);
    return { path, value: parseValue(word, typeAt(types, path)) };
  });
}
