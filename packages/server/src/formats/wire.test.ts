import { describe, expect, it } from 'vitest';
import { foldWidth, fromWireDateTime, toWireDateTime, trimWide } from './wire.js';

/** The definition: yyyyMMddHHmmss of the instant moved nine hours ahead (oqs-interface.md, ProcessExecutionTime). */
function byDefinition(at: Date): string {
  const s = new Date(at.getTime() + 9 * 3_600_000).toISOString();
  return s.slice(0, 4) + s.slice(5, 7) + s.slice(8, 10) + s.slice(11, 13) + s.slice(14, 16) + s.slice(17, 19);
}

describe('toWireDateTime (yyyyMMddHHmmss in Japan time)', () => {
  it('writes Japan time, the day changing at 15:00 UTC', () => {
    expect(toWireDateTime(new Date('2026-03-31T14:59:59.999Z'))).toBe('20260331235959');
    expect(toWireDateTime(new Date('2026-03-31T15:00:00.000Z'))).toBe('20260401000000');
  });

  it('answers as the definition for instants in any order, within and across seconds (the last second is kept)', () => {
    let t = Date.parse('2026-11-23T14:59:58.000Z');
    for (let i = 0; i < 3000; i += 1) {
      t += ((i * 7919) % 2003) - 1000;
      expect(toWireDateTime(new Date(t))).toBe(byDefinition(new Date(t)));
    }
    for (const ms of [0, -1, -999, -1000, -1001, 999, 1000]) {
      expect(toWireDateTime(new Date(ms))).toBe(byDefinition(new Date(ms)));
    }
  });

  it('round-trips through fromWireDateTime to the second', () => {
    const at = new Date('2026-11-24T01:02:03.456Z');
    expect(fromWireDateTime(toWireDateTime(at)).toISOString()).toBe('2026-11-24T01:02:03.000Z');
  });

  it('refuses an invalid instant as the definition does', () => {
    expect(() => toWireDateTime(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('width folding and trimming (oqs-interface.md §3: clinics type full-width digits and pad with spaces)', () => {
  it('folds full-width ASCII and the full-width space, and trims both kinds of space at both ends', () => {
    expect(foldWidth('０６１３９９９９')).toBe('06139999');
    expect(foldWidth('ＡＢ－１２')).toBe('AB-12');
    expect(foldWidth('1\u30002')).toBe('1 2');
    expect(trimWide('\u3000 138057 \u3000')).toBe('138057');
    expect(trimWide(' 12 34 ')).toBe('12 34');
  });

  it('leaves printable ASCII without spaces as it is (the common case, answered without a replace)', () => {
    for (const plain of ['06139999', '20000102', 'AB-12', '', '~!@#']) {
      expect(foldWidth(plain)).toBe(plain);
      expect(trimWide(plain)).toBe(plain);
    }
  });
});
