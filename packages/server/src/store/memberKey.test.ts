import { describe, expect, it } from 'vitest';
import { memberKey } from './memberKey.js';

describe('member key folding (rules.md §1.2)', () => {
  it('folds full-width 記号・番号 to the same key as half-width', () => {
    expect(memberKey({ insurerNumber: '01130012', symbol: '１２３４', number: '５６７', branch: '01' })).toBe(
      memberKey({ insurerNumber: '01130012', symbol: '1234', number: '567', branch: '01' }),
    );
  });
  it('keeps kana 記号 and pads a 6-digit 国保 insurer number with zeros (JP Core identifier)', () => {
    expect(memberKey({ insurerNumber: '138057', symbol: 'あいう', number: '１８７', branch: null })).toBe(
      '00138057:あいう:187:',
    );
  });
  it('treats an OQS space-padded insurer number like the bare one (oqs-interface.md §3)', () => {
    expect(memberKey({ insurerNumber: '  138057', symbol: null, number: '1', branch: null })).toBe('00138057::1:');
  });
  it('distinguishes a missing 枝番 from 00', () => {
    expect(memberKey({ insurerNumber: '01130012', symbol: '1', number: '2', branch: '00' })).not.toBe(
      memberKey({ insurerNumber: '01130012', symbol: '1', number: '2', branch: null }),
    );
  });
});
