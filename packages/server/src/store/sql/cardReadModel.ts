/**
 * The SQLite card read model (decision 0171): one row per linked certificate serial holding, as JSON, what a card
 * check reads about it — the certificate's status, the linked person, the certificate's card and the person's
 * 健康保険証利用登録 rows — so the card path is one primary-key read instead of five joined lookups (36 µs of the
 * event loop per card check under load, decision 0146's query). Built like the member read model (decision 0166):
 * filled on first use and by the server's walk at start, deleted by triggers (migration 0109) whenever a row it
 * draws from changes. PostgreSQL has no read model: it answers `cardPathBySerial` from the tables.
 */
import { compareDates } from '@onshi/core';
import { Type, type TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';
import type { Card, CardPath, CertificateStatus, InsuranceUseRegistration } from '../types.js';
import {
  arrayOf,
  columns,
  literals,
  personOf,
  personSchema,
  type FillRange,
  type PersonArray,
} from './memberReadModel.js';
import { RowShapeError } from './rows.js';
import {
  CARD_COLS,
  CARD_KINDS,
  CARD_STATUSES,
  CERT_COLS,
  CERT_KINDS,
  CHANNELS,
  PERSON_COLS,
  PLATFORMS,
  REGISTRATION_COLS,
} from './sqlStore.js';

/**
 * The payload of the serial of link `l` joined to its certificate `c`: a JSON array — [the linked person's id, the
 * certificate's status (no DER), its card or null, the person or null, every 利用登録 row of the person (the one in
 * force depends on the day asked about), the person's member keys (migration 0111)] — each row an array of its
 * columns, as the member read model writes them.
 */
function cardPayloadSql(): string {
  const c = arrayOf(
    columns(
      'c',
      CERT_COLS.filter((col) => col !== 'der'),
    ),
  );
  const k = arrayOf(columns('k', CARD_COLS));
  const p = arrayOf(columns('p', PERSON_COLS));
  const r = arrayOf(columns('r', REGISTRATION_COLS));
  return (
    `json_array(l.person_id, ${c}, ` +
    `json((SELECT ${k} FROM cards k WHERE k.id = c.card_id)), ` +
    `json((SELECT ${p} FROM persons p WHERE p.id = l.person_id)), ` +
    `json((SELECT json_group_array(${r}) FROM insurance_use_registrations r WHERE r.person_id = l.person_id)), ` +
    'json((SELECT json_group_array(member_key) FROM ' +
    '(SELECT DISTINCT member_key FROM qualifications WHERE person_id = l.person_id ORDER BY member_key))))'
  );
}

const FROM_LINKS = 'FROM certificate_links l JOIN certificates c ON c.serial = l.serial';

/** The stored row of a serial. */
export const CARD_SNAPSHOT_SQL = 'SELECT payload FROM card_snapshots WHERE serial = ?';

/**
 * Statements that (re)build one serial's row inside a write transaction, so it reflects every change committed
 * before it; the serial is bound as the one `?` of each. A serial without a link or certificate gets no row. The
 * person and card the row shows are listed for the triggers on persons, 利用登録 and cards.
 */
export function refreshCardSql(): string[] {
  return [
    `INSERT OR REPLACE INTO card_snapshots (serial, payload) SELECT l.serial, ${cardPayloadSql()} ${FROM_LINKS} ` +
      'WHERE l.serial = ?',
    'INSERT OR IGNORE INTO card_snapshot_persons (person_id, serial) ' +
      'SELECT person_id, serial FROM certificate_links WHERE serial = ?',
    'INSERT OR IGNORE INTO card_snapshot_cards (card_id, serial) SELECT card_id, serial FROM certificates WHERE serial = ?',
  ];
}

/** The card read model's walk: linked serials, and the person and card each serial's row shows. */
export function cardFillRange(): FillRange {
  return {
    next:
      'SELECT max(serial) AS last_key FROM ' +
      '(SELECT serial FROM certificate_links WHERE serial > ? ORDER BY serial LIMIT ?)',
    rows:
      `INSERT INTO card_snapshots (serial, payload) SELECT l.serial, ${cardPayloadSql()} ${FROM_LINKS} ` +
      'WHERE l.serial > ? AND l.serial <= ? ' +
      'AND NOT EXISTS (SELECT 1 FROM card_snapshots s WHERE s.serial = l.serial)',
    lists: [
      {
        sql:
          'INSERT OR IGNORE INTO card_snapshot_persons (person_id, serial) ' +
          'SELECT person_id, serial FROM certificate_links WHERE serial > ? AND serial <= ?',
        ranges: 1,
      },
      {
        sql:
          'INSERT OR IGNORE INTO card_snapshot_cards (card_id, serial) ' +
          `SELECT c.card_id, c.serial ${FROM_LINKS} WHERE l.serial > ? AND l.serial <= ?`,
        ranges: 1,
      },
    ],
  };
}

/** The payload's schema: each row's array, each field of its domain type. */
function payloadSchema(): TSchema {
  const text = Type.String();
  const optText = Type.Union([Type.String(), Type.Null()]);
  return Type.Tuple([
    text,
    // certificate status (CERT_COLS without der)
    Type.Tuple([text, text, literals(CERT_KINDS), text, text, optText, optText]),
    // card (CARD_COLS)
    Type.Union([
      Type.Tuple([
        text,
        text,
        literals(CARD_KINDS),
        Type.Union([literals(PLATFORMS), Type.Null()]),
        text,
        text,
        literals(CARD_STATUSES),
        optText,
      ]),
      Type.Null(),
    ]),
    Type.Union([personSchema(), Type.Null()]),
    // 利用登録 rows (REGISTRATION_COLS)
    Type.Array(Type.Tuple([text, text, text, text, literals(CHANNELS), optText])),
    // the person's member keys
    Type.Array(text),
  ]);
}

/** A payload as `cardPayloadSql` writes it (the schema above, in the types' terms). */
type Payload = [
  string,
  [string, string, CertificateStatus['kind'], string, string, string | null, string | null],
  [string, string, Card['kind'], Card['platform'], string, string, Card['status'], string | null] | null,
  PersonArray | null,
  [string, string, string, string, InsuranceUseRegistration['channel'], string | null][],
  string[],
];

let payloadValidator: Validator | undefined;

function isPayload(value: unknown): value is Payload {
  payloadValidator ??= Compile(payloadSchema());
  return payloadValidator.Check(value);
}

/**
 * The 利用登録 in force on `date` (registered by then, not yet ended), the latest registered when several are, as
 * `cards.registrationOn` answers it.
 */
function registrationOn(rows: Payload[4], date: string): InsuranceUseRegistration | null {
  let found: Payload[4][number] | null = null;
  for (const r of rows) {
    const inForce = compareDates(r[3], date) <= 0 && (r[5] === null || compareDates(r[5], date) > 0);
    if (inForce && (found === null || compareDates(r[3], found[3]) > 0)) {
      found = r;
    }
  }
  return found === null
    ? null
    : {
        id: found[0],
        personId: found[1],
        cardId: found[2],
        registeredOn: found[3],
        channel: found[4],
        unregisteredOn: found[5],
      };
}

/**
 * A serial's card path from its payload as of `date`. The compiled check turns a payload of another shape or a
 * corrupt row into a RowShapeError instead of a wrong answer.
 */
export function decodeCardPayload(payload: string, date: string): CardPath {
  const parsed: unknown = JSON.parse(payload);
  if (!isPayload(parsed)) {
    throw new RowShapeError('payload', 'card path', parsed);
  }
  const [personId, c, k, p, r, memberKeys] = parsed;
  return {
    certificate: {
      serial: c[0],
      cardId: c[1],
      kind: c[2],
      notBefore: c[3],
      notAfter: c[4],
      revokedAt: c[5],
      revocationReason: c[6],
    },
    personId,
    person: p === null ? null : personOf(p),
    card:
      k === null
        ? null
        : {
            id: k[0],
            personId: k[1],
            kind: k[2],
            platform: k[3],
            issuedOn: k[4],
            expiresOn: k[5],
            status: k[6],
            statusChangedOn: k[7],
          },
    registration: registrationOn(r, date),
    memberKeys,
  };
}
