/**
 * The wire formats of the OQS service: OQS XML (real tag names, UTF-8 and Shift_JIS), one JSON schema per
 * message, the coded error catalogue, FHIR JP Core, and the file-interface names (issue 6).
 */
export * from './errors.js';
export * from './wire.js';
export * from './schemas.js';
export * from './oqs-xml/index.js';
export * from './fhir.js';
export * from './fileNames.js';
