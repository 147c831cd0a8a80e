/**
 * Card image files for `onshi card`: a file holds one physical card (`onshi-card-image/1`) or one phone
 * (`onshi-smartphone-image/1`, whose chip is the card). They hold private keys, so they are written with mode 0600.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { CardImage, SmartphoneImage } from '@onshi/card';

/** A card file as read: the chip to present, and how to write an updated chip back in the same shape. */
export interface CardFile {
  chip: unknown;
  wrap(chip: CardImage): CardImage | SmartphoneImage;
}

function isPhoneFile(value: unknown): value is SmartphoneImage {
  return typeof value === 'object' && value !== null && Reflect.get(value, 'format') === 'onshi-smartphone-image/1';
}

/** Reads a card or phone file. Throws `Error` with the path when it is not JSON. */
export async function readCardFile(path: string): Promise<CardFile> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    throw new Error(`${path}: not a readable card file (JSON)`);
  }
  if (isPhoneFile(parsed)) {
    const phone = parsed;
    return { chip: phone.chip, wrap: (chip) => ({ ...phone, chip }) };
  }
  return { chip: parsed, wrap: (chip) => chip };
}

/** Writes a card, phone, wallet or reader file (mode 0600: it holds private keys). */
export async function writeSecretJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}
