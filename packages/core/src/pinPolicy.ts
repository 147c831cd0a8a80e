/**
 * How each secret on a My Number Card is checked: what a valid PIN looks like and how many consecutive wrong
 * entries lock it. The chip (@onshi/card) enforces these counters; the reader and the portal validate a PIN's
 * form before sending it. Source: rules.md §4 (PIN, face auth at reader) [S22][S23].
 */

/** The secrets a card holder can be asked for. */
export type PinCredential = 'authentication' | 'signing' | 'cardInfo' | 'smartphoneAuthentication';

/** The form and the retry limit of one PIN. */
export interface PinRule {
  /** Fewest characters. */
  minLength: number;
  /** Most characters. */
  maxLength: number;
  /** `digits`: 0–9 only; `alphanumeric`: upper-case A–Z and 0–9 (the 署名用 password's character set). */
  alphabet: 'digits' | 'alphanumeric';
  /** Consecutive wrong entries that lock the PIN; a correct entry resets the count. */
  maxTries: number;
  /** Where the rule comes from. */
  basis: string;
}

/**
 * The PIN table (rules.md §4 "PIN"): 利用者証明用 4 digits, locked after 3 consecutive wrong entries; 署名用 6–16
 * alphanumerics, locked after 5; 券面事項入力補助用 4 digits, locked after 3. The スマホ用利用者証明用 PIN of an
 * Android スマホ用電子証明書 follows the card's 利用者証明用 rule (rules.md §4 "Smartphone": "4-digit スマホ用 PIN").
 */
export const PIN_POLICY: Readonly<Record<PinCredential, PinRule>> = {
  authentication: { minLength: 4, maxLength: 4, alphabet: 'digits', maxTries: 3, basis: 'rules.md §4 PIN [S22]' },
  signing: { minLength: 6, maxLength: 16, alphabet: 'alphanumeric', maxTries: 5, basis: 'rules.md §4 PIN [S22]' },
  cardInfo: { minLength: 4, maxLength: 4, alphabet: 'digits', maxTries: 3, basis: 'rules.md §4 PIN [S22]' },
  smartphoneAuthentication: {
    minLength: 4,
    maxLength: 4,
    alphabet: 'digits',
    maxTries: 3,
    basis: 'rules.md §4 Smartphone [S26] (4-digit スマホ用 PIN); tries as the card PIN [S22]',
  },
};

/** Consecutive failed face matches at a reader that lock face authentication (rules.md §4 "Face auth at reader" [S23]). */
export const FACE_AUTH_MAX_CONSECUTIVE_FAILURES = 10;

/** Whether `pin` has the form the credential requires (length and character set), before any try is spent. */
export function isWellFormedPin(credential: PinCredential, pin: string): boolean {
  const rule = PIN_POLICY[credential];
  if (pin.length < rule.minLength || pin.length > rule.maxLength) {
    return false;
  }
  return rule.alphabet === 'digits' ? /^[0-9]+$/.test(pin) : /^[A-Z0-9]+$/.test(pin);
}
