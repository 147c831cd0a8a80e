import type { CardImage } from '@onshi/card';
import { isWellFormedPin } from '@onshi/core';
import type { PinCredential } from '@onshi/core';
import { AppError } from '../../http/errors.js';
import type { StoreTx } from '../../store/types.js';
import {
  type AuthorityDeps,
  type CardView,
  audited,
  authorityOf,
  cardView,
  presentedImage,
  requireActive,
  requireCard,
} from './deps.js';
import { AUTHORITY_ERRORS, translated } from './errors.js';

/** Which PIN to reset: 利用者証明用 (`authentication`, on Android the スマホ用 PIN), 署名用, 券面事項入力補助用. */
export type ResettablePin = Exclude<PinCredential, 'smartphoneAuthentication'>;

/** A PIN reset at the municipal office: the holder presents the card and chooses the new PIN. */
export interface ResetPinInput {
  cardId: string;
  image: unknown;
  credential: ResettablePin;
  /** Never stored or logged. */
  newPin: string;
}

/**
 * 暗証番号の初期化 at the municipal office (rules.md §4 "Reset" [S22]): an authorised RESET RETRY COUNTER on the chip
 * unlocks the counter and sets the new PIN. A face-only card and an iPhone have no PIN (rules.md §4 [S24]).
 */
export async function resetPin(
  deps: AuthorityDeps,
  tx: StoreTx,
  input: ResetPinInput,
): Promise<{ card: CardView; image: CardImage }> {
  const card = await requireCard(tx, input.cardId);
  requireActive(card);
  const presented = presentedImage(card, input.image);
  if (card.kind === 'faceOnly' || card.platform === 'iphone') {
    throw new AppError(AUTHORITY_ERRORS.noPin);
  }
  const credential: PinCredential = card.kind === 'smartphone' ? 'smartphoneAuthentication' : input.credential;
  if (card.kind === 'smartphone' && input.credential !== 'authentication') {
    throw new AppError(AUTHORITY_ERRORS.noPin, 'a phone has only its 4-digit スマホ用 PIN');
  }
  if (!isWellFormedPin(credential, input.newPin)) {
    throw new AppError(AUTHORITY_ERRORS.badPin);
  }
  const authority = await authorityOf(deps);
  const image = await translated(() => Promise.resolve(authority.ca.resetPin(presented, credential, input.newPin)));
  await audited(deps, tx, 'card.pinReset', card.personId, card.id, { credential: input.credential });
  return { card: await cardView(tx, card), image };
}
