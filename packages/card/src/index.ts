/**
 * @onshi/card — the My Number Card as an ISO 7816-4 chip (JPKI application, 券面事項入力補助AP, PIN and face
 * counters, keys that never leave the chip), the smartphone card, and the reader that drives them.
 */
export * from './apdu.js';
export * from './ids.js';
export * from './tlv.js';
export * from './errors.js';
export * from './random.js';
export * from './face.js';
export * from './chip.js';
export * from './admin.js';
export * from './attestation.js';
export * from './reader.js';
export * from './phone.js';
