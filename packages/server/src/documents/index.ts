/**
 * The documents an insurer sends, as PDF (issue 4, "Documents as PDF"): 資格情報のお知らせ and 資格確認書, singly
 * or in batches. Pure rendering: plain data in, PDF bytes out; no database, no clock.
 */
export * from './types.js';
export { DocumentDataError, validateEligibilityCertificate, validateQualificationNotice } from './validate.js';
export type { DocumentDataIssue } from './validate.js';
export { renderQualificationNotice, NOT_VALID_ALONE, QUALIFICATION_NOTICE_TITLE } from './qualificationNotice.js';
export {
  renderEligibilityCertificate,
  copayText,
  DEFAULT_CERTIFICATE_COLORS,
  ELIGIBILITY_CERTIFICATE_TITLE,
  NOT_APPLIED,
  STATUTORY_RATE_TEXT,
} from './eligibilityCertificate.js';
export { renderBatch, renderEach, writeEachToDirectory, fileNameFor } from './batch.js';
export type { BatchOptions, RenderEachOptions, RenderedDocument, WriteSummary } from './batch.js';
