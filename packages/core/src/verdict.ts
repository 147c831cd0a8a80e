/** A message in both languages the system speaks: Japanese first, English second. */
export interface Bilingual {
  ja: string;
  en: string;
}

/**
 * The answer of every rule that can refuse. `code` is stable and machine-readable; `basis` names the rule's
 * source (a section of rules.md, a law or a notice) so a reviewer can check the rule against it.
 */
export interface Verdict {
  ok: boolean;
  code: string;
  message: Bilingual;
  basis: string;
}

/** Builds a verdict; keeps call sites one line long. */
export function verdict(ok: boolean, code: string, ja: string, en: string, basis: string): Verdict {
  return { ok, code, message: { ja, en }, basis };
}
