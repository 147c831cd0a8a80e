import { readFile, writeFile } from 'node:fs/promises';
import { isCardImage } from '@onshi/card';
import type { CardImage, SmartphoneImage } from '@onshi/card';
import type { Bilingual } from '@onshi/core';
import { AppError } from '../../http/errors.js';
import { READER_ERRORS } from './errors.js';

/**
 * One card of the kiosk's demo wallet (デモ用カード入れ): the physical card (its chip image, private keys inside),
 * a label the kiosk may show, and the seed of its holder's face so the camera stand-in can present "the right
 * face". `image: null` is a card that is not a My Number card (a point card), for the 「カードを認識できません」
 * screen (documents-and-screens.md §4.2, code 002).
 */
export interface WalletCard {
  id: string;
  label: Bilingual;
  /** Seed of the holder's simulated face (@onshi/card `faceFromSeed`; the authority uses the person id). */
  holderFaceSeed: string;
  image: CardImage | SmartphoneImage | null;
}

/** The wallet file: `{ format: 'onshi-demo-wallet/1', cards: WalletCard[] }` (decision 0106). */
export interface WalletFile {
  format: 'onshi-demo-wallet/1';
  cards: WalletCard[];
}

function isBilingual(value: unknown): value is Bilingual {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof Reflect.get(value, 'ja') === 'string' &&
    typeof Reflect.get(value, 'en') === 'string'
  );
}

/** A phone image: its chip image and the optional biometric template. */
export function isSmartphoneImage(value: unknown): value is SmartphoneImage {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const template: unknown = Reflect.get(value, 'biometricTemplate');
  return (
    Reflect.get(value, 'format') === 'onshi-smartphone-image/1' &&
    isCardImage(Reflect.get(value, 'chip')) &&
    (template === null || typeof template === 'string')
  );
}

function isWalletCard(value: unknown): value is WalletCard {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const id: unknown = Reflect.get(value, 'id');
  const image: unknown = Reflect.get(value, 'image');
  return (
    typeof id === 'string' &&
    /^[A-Za-z0-9._-]{1,64}$/.test(id) &&
    isBilingual(Reflect.get(value, 'label')) &&
    typeof Reflect.get(value, 'holderFaceSeed') === 'string' &&
    (image === null || isCardImage(image) || isSmartphoneImage(image))
  );
}

/** Checks a parsed wallet file; a coded error names what is wrong (never the card contents). */
export function parseWallet(value: unknown): WalletFile {
  if (typeof value !== 'object' || value === null || Reflect.get(value, 'format') !== 'onshi-demo-wallet/1') {
    throw new AppError(READER_ERRORS.walletInvalid, 'format is not onshi-demo-wallet/1');
  }
  const cards: unknown = Reflect.get(value, 'cards');
  if (!Array.isArray(cards)) {
    throw new AppError(READER_ERRORS.walletInvalid, 'cards is not an array');
  }
  const checked: WalletCard[] = [];
  const seen = new Set<string>();
  for (const [index, card] of cards.entries()) {
    if (!isWalletCard(card) || seen.has(card.id)) {
      throw new AppError(READER_ERRORS.walletInvalid, `cards[${index}]`);
    }
    seen.add(card.id);
    checked.push(card);
  }
  // Fields the bridge does not use (createdAt, asOf, a card's scenario…) are kept, so a write-back loses nothing.
  const kept: Record<string, unknown> = Object.fromEntries(Object.entries(value));
  return { ...kept, format: 'onshi-demo-wallet/1', cards: checked };
}

/** Reads a wallet file written by the card authority's demo wallet step. */
export async function readWalletFile(path: string): Promise<WalletFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new AppError(READER_ERRORS.walletInvalid, 'the wallet file cannot be read');
  }
  try {
    return parseWallet(JSON.parse(text));
  } catch (error) {
    if (error instanceof AppError) {
      throw error;
    }
    throw new AppError(READER_ERRORS.walletInvalid, 'the wallet file is not JSON');
  }
}

/** Writes a wallet back (chip counters change as cards are used: a locked PIN stays locked). */
export async function writeWalletFile(path: string, wallet: WalletFile): Promise<void> {
  await writeFile(path, JSON.stringify(wallet), { mode: 0o600 });
}
