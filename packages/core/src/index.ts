/**
 * @onshi/core — the rules of the マイナ保険証 system as pure functions. No I/O and no clock: every rule takes
 * the date it is asked about. Each module names its sources (../shared/domain/rules.md sections, laws, notices).
 */
export * from './verdict.js';
export * from './dates.js';
export * from './clock.js';
export * from './pinPolicy.js';
export * from './identifiers.js';
export * from './wareki.js';
export * from './codes.js';
export * from './fees.js';
export * from './consent.js';
export * from './copay.js';
export * from './highCost.js';
export * from './cardExpiry.js';
export * from './acceptance.js';
export * from './documentsDue.js';
