// device-types.ts: a codec context typed like the Device object (3), for codec tests.
import type { CodecContext } from '../../src/lwm2m/formats/index.js';
import type { Path, ResourceType } from '../../src/lwm2m/types.js';

const DEVICE: Record<number, [ResourceType, boolean]> = {
  0: ['string', false],
  1: ['string', false],
  2: ['string', false],
  3: ['string', false],
  6: ['integer', true],
  7: ['integer', true],
  8: ['integer', true],
  9: ['integer', false],
  10: ['integer', false],
  11: ['integer', true],
  13: ['time', false],
  14: ['string', false],
  15: ['string', false],
  16: ['string', false],
  21: ['float', false],
  22: ['opaque', false],
  23: ['objlnk', false],
  24: ['boolean', false],
};

export function deviceContext(basePath: Path): CodecContext {
  return {
    basePath,
    typeOf: (_o, r) => DEVICE[r]?.[0],
    isMultiple: (_o, r) => DEVICE[r]?.[1] ?? false,
  };
}
