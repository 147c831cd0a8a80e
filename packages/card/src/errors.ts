import type { Bilingual } from '@onshi/core';

/** A refusal caused by outside input (a malformed card image, a bad argument): coded, in both languages. */
export class CardError extends Error {
  constructor(
    readonly code: string,
    readonly messages: Bilingual,
  ) {
    super(`${code}: ${messages.en}`);
    this.name = 'CardError';
  }
}
