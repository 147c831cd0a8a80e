import { describe, expect, it } from 'vitest';
import { timeOrderedId } from './record.js';

describe('confirmation ids (RFC 9562 §5.7 UUID version 7; decision 0133)', () => {
  it('carry the check’s millisecond in the first 48 bits, version 7 and the RFC variant', () => {
    const at = new Date('2026-04-01T09:30:00.123Z');
    const id = timeOrderedId(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at.getTime());
  });

  it('sort by the time of the check, and two ids of the same millisecond differ', () => {
    const earlier = timeOrderedId(new Date('2026-04-01T09:30:00.000Z'));
    const later = timeOrderedId(new Date('2026-04-01T09:30:00.001Z'));
    expect(earlier < later).toBe(true);
    const at = new Date('2026-04-01T09:30:00.000Z');
    expect(timeOrderedId(at)).not.toBe(timeOrderedId(at));
  });
});
