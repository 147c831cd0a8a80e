import { describe, expect, it } from 'vitest';
import { attributeLabel, documentProblemLabel, memberKeyText } from './format.js';
import { insurerOfToken } from './session.js';

describe('insurer console wording', () => {
  it('prints 記号・番号（枝番） as on the card, leaving out an absent 記号 or 枝番 (rules.md §1.2)', () => {
    expect(memberKeyText({ symbol: '5001', number: '101', branch: '00' })).toBe('5001・101（00）');
    expect(memberKeyText({ symbol: null, number: '12345678', branch: null })).toBe('12345678');
    expect(memberKeyText({ symbol: '', number: '7', branch: '' })).toBe('7');
  });

  it('names a co-payment rate in 割 and in percent (rules.md §2)', () => {
    const rate = { id: 'a', validFrom: '2026-04-01', validTo: null, recordedAt: 'x', supersededAt: null };
    expect(attributeLabel({ ...rate, kind: 'copayRate', rate: 0.3 })).toEqual({
      ja: '負担割合 3割',
      en: 'Co-payment 30%',
    });
    expect(attributeLabel({ ...rate, kind: 'elderlyRecipient', rate: 0.2 }).ja).toBe('高齢受給者 2割');
  });

  it('explains a batch problem by its code, and shows an unknown code as it is', () => {
    expect(documentProblemLabel('ONSHI-E-INSURER-INDIVIDUAL-NUMBER-NOT-LINKED').ja).toContain('マイナンバー未登録');
    expect(documentProblemLabel('ONSHI-E-SOMETHING')).toEqual({ ja: 'ONSHI-E-SOMETHING', en: 'ONSHI-E-SOMETHING' });
  });

  it('accepts only an insurer credential token (insurer:<8 digits>.<secret>) at the console login', () => {
    expect(insurerOfToken('insurer:01130012.abc_DEF-123')).toBe('01130012');
    expect(insurerOfToken('  insurer:01130012.abc  ')).toBe('01130012');
    expect(insurerOfToken('institution:1311000011.abc')).toBeNull();
    expect(insurerOfToken('insurer:0113001.abc')).toBeNull();
    expect(insurerOfToken('insurer:01130012.')).toBeNull();
  });
});
