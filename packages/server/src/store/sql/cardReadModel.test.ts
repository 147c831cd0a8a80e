import { describe, expect, it } from 'vitest';
import { decodeCardPayload } from './cardReadModel.js';
import { sampleCard, sampleCertificate, samplePerson } from '../store.contract.js';
import { RowShapeError } from './rows.js';

// The certificate's status: everything but its DER, in the columns' order.
const { der: _der, ...certificate } = sampleCertificate('0a1b2c', 'c1');
const card = sampleCard('c1', 'p1');
const person = samplePerson('p1');
const registration = (id: string, registeredOn: string, unregisteredOn: string | null) => ({
  id,
  personId: 'p1',
  cardId: 'c1',
  registeredOn,
  channel: 'reader',
  unregisteredOn,
});

/** A row as the read model stores it: each object's values in its columns' order (migration 0110). */
const row = (k: typeof card | null, p: typeof person | null, r: ReturnType<typeof registration>[]) => [
  'p1',
  Object.values(certificate),
  k === null ? null : Object.values(k),
  p === null ? null : Object.values(p),
  r.map((x) => Object.values(x)),
  ['01130012:1234:5678:01'],
];

// decision 0171: a serial's row holds what a card check reads, as arrays of columns read back as the domain types;
// the 利用登録 in force is picked for the day asked about, as cards.registrationOn picks it.
describe('the card read model payload', () => {
  const payload = JSON.stringify(
    row(card, person, [registration('r1', '2024-02-01', '2024-11-01'), registration('r2', '2025-01-10', null)]),
  );

  it('gives the card path as stored, with the registration in force on the day', () => {
    expect(decodeCardPayload(payload, '2024-01-31')).toStrictEqual({
      certificate,
      personId: 'p1',
      person,
      card,
      registration: null,
      memberKeys: ['01130012:1234:5678:01'],
    });
    // Registered on the day; the day of 解除 is no longer in force; a later registration takes over.
    expect(decodeCardPayload(payload, '2024-02-01').registration).toStrictEqual(
      registration('r1', '2024-02-01', '2024-11-01'),
    );
    expect(decodeCardPayload(payload, '2024-11-01').registration).toBeNull();
    expect(decodeCardPayload(payload, '2025-01-10').registration?.id).toBe('r2');
  });

  it('keeps a missing card or person as null (the check refuses it)', () => {
    const path = decodeCardPayload(JSON.stringify(row(null, null, [])), '2025-01-10');
    expect(path).toMatchObject({ card: null, person: null, registration: null, personId: 'p1' });
  });

  it('refuses a row of another shape or with a value outside its type, rather than answer wrongly', () => {
    const objects = { l: 'p1', c: certificate, k: card, p: person, r: [] };
    expect(() => decodeCardPayload(JSON.stringify(objects), '2025-01-10')).toThrow(RowShapeError);
    const badStatus = row(card, person, []);
    badStatus[2] = Object.values({ ...card, status: 'x' });
    expect(() => decodeCardPayload(JSON.stringify(badStatus), '2025-01-10')).toThrow(RowShapeError);
    const shortRegistration = row(card, person, []);
    shortRegistration[4] = [['r1']];
    expect(() => decodeCardPayload(JSON.stringify(shortRegistration), '2025-01-10')).toThrow(RowShapeError);
  });
});
