import type { Bilingual } from '@onshi/core';

/** A refusal of the card authority caused by its input: coded, in both languages (CONTRIBUTING: errors). */
export class AuthorityError extends Error {
  constructor(
    readonly code: string,
    readonly messages: Bilingual,
  ) {
    super(`${code}: ${messages.en}`);
    this.name = 'AuthorityError';
  }
}
