/**
 * The width-folded member key: 記号・番号 may be printed half- or full-width (rules.md §1.2), and a clinic may
 * type either, so lookups go through one normalised key column. Folding is NFKC + trim (@onshi/core has no
 * `foldWidth` yet); an empty 記号/枝番 folds to ''. A 6-digit 国保 保険者番号 (or one space-padded to 8, as OQS
 * XML sends it) is zero-padded to 8 as in the JP Core identifier (rules.md §1.2).
 */
import { foldWidth } from '@onshi/core';

/** One 記号/番号/枝番 value folded for the key; absent folds to ''. */
export function foldMemberText(value: string | null | undefined): string {
  if (value === null || value === undefined) {
    return '';
  }
  return foldWidth(value);
}

/** 保険者番号 folded and zero-padded to 8 digits. */
export function foldInsurerNumber(insurerNumber: string): string {
  const folded = foldMemberText(insurerNumber);
  return folded.length < 8 && /^\d+$/.test(folded) ? folded.padStart(8, '0') : folded;
}

/** `保険者番号:記号:番号:枝番` after folding; the store keeps it in `qualifications.member_key`. */
export function memberKey(key: {
  insurerNumber: string;
  symbol: string | null;
  number: string;
  branch: string | null;
}): string {
  return [
    foldInsurerNumber(key.insurerNumber),
    foldMemberText(key.symbol),
    foldMemberText(key.number),
    foldMemberText(key.branch),
  ].join(':');
}
