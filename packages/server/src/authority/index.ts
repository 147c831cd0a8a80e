/**
 * The card authority (J-LIS role): CA, certificate issuance, CRLs, chip personalisation, and the verification the
 * OQS service performs. Pure cryptography; persistence is the caller's.
 */
export * from './errors.js';
export * from './profiles.js';
export * from './ca.js';
export * from './verify.js';
