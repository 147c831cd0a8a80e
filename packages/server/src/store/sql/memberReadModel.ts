/**
 * The SQLite member read model (decision 0166): one row per member key holding, as JSON, everything a confirmation
 * by number reads (qualifications, persons, attribute rows, latest documents, DV flags, insured persons' names), so
 * the hot path is one primary-key read instead of five lookups. Rows are filled on first use (`refresh`, in the next
 * write transaction) and deleted by triggers (migration 0102) whenever a table they draw from changes, so a row that
 * exists is current. PostgreSQL has no read model: it answers `memberRecordsByKey` from the tables.
 */
import { OQS_CODE_TABLES, isOqsCode, type OqsCodeTableName } from '@onshi/core';
import { Type, type TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';
import { compareText, DV_FLAGS } from '../asOf.js';
import type { MemberRecord } from '../types.js';
import { RowShapeError } from './rows.js';
import {
  ATTRIBUTE_COLS,
  COPAY_RATES,
  DOCUMENT_COLS,
  DOCUMENT_KINDS,
  DV_COLS,
  PERSON_COLS,
  QUALIFICATION_COLS,
  RELATIONSHIPS,
  SEX,
} from './sqlStore.js';

// Functions, not constants: sqlStore.ts imports this module, so its column and value lists are read only when called.

/** `json_object('camelKey', expression, …)`. */
export function objectOf(fields: Record<string, string>): string {
  return `json_object(${Object.entries(fields)
    .map(([k, e]) => `'${k}', ${e}`)
    .join(', ')})`;
}

/** A table's columns under their domain names: `person_id` → `personId: 'alias.person_id'`. */
export function columnsOf(alias: string, columns: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    columns.map((c) => [c.replace(/_([a-z])/g, (_, l: string) => l.toUpperCase()), `${alias}.${c}`]),
  );
}

/** An attribute row as its domain object: the common columns and, by kind, the fields of its JSON value. */
function attributeObject(): string {
  // kind comes last with each kind's fields; slot is storage only and value is spread below.
  const base = columnsOf(
    'a',
    ATTRIBUTE_COLS.filter((c) => c !== 'kind' && c !== 'slot' && c !== 'value'),
  );
  const kinds: Record<string, Record<string, string>> = {
    copayRate: { rate: "a.value ->> '$.rate'" },
    limitCategory: {
      category: "a.value ->> '$.category'",
      certificateClassification: "a.value ->> '$.certificateClassification'",
      issuedOn: "a.value ->> '$.issuedOn'",
      longTermOn: "a.value ->> '$.longTermOn'",
    },
    elderlyRecipient: { rate: "a.value ->> '$.rate'", issuedOn: "a.value ->> '$.issuedOn'" },
    specificDisease: {
      diseaseCategory: "a.value ->> '$.diseaseCategory'",
      selfPayLimit: "coalesce(a.value ->> '$.selfPayLimit', 0)",
      issuedOn: "a.value ->> '$.issuedOn'",
    },
  };
  // An unknown kind becomes an object the decoder refuses (kind present, no kind fields), never a silent drop.
  return (
    'CASE a.kind ' +
    Object.entries(kinds)
      .map(([kind, fields]) => `WHEN '${kind}' THEN ${objectOf({ ...base, kind: 'a.kind', ...fields })} `)
      .join('') +
    `ELSE ${objectOf({ ...base, kind: 'a.kind' })} END`
  );
}

/**
 * The payload of one member key (bound once as `?`): a JSON array with one object per qualification under the key
 * whose person row exists — `q` qualification, `p` person, `a` attribute rows not superseded, `d` latest document
 * (as `latestForQualification` orders them) or null, `f` the person's DV flags, `n` the insured person's name or
 * null. Every object already has the shape of its domain type (camelCase, attribute values spread by kind, booleans
 * as JSON booleans), so a read is one JSON.parse and one compiled check instead of a conversion per field
 * (decision 0166). Subquery results are wrapped in json() so they nest as JSON, not as strings.
 */
export function memberPayloadSql(key = '?'): string {
  const q = objectOf(columnsOf('q', QUALIFICATION_COLS));
  const p = objectOf(columnsOf('p', PERSON_COLS));
  const d = objectOf({
    ...columnsOf(
      'd',
      DOCUMENT_COLS.filter((c) => c !== 'printed'),
    ),
    onRequest: "json(CASE d.on_request WHEN 1 THEN 'true' WHEN 0 THEN 'false' END)",
  });
  const f = objectOf(columnsOf('f', DV_COLS));
  return (
    'SELECT json_group_array(json(m)) AS payload FROM (SELECT json_object(' +
    `'q', ${q}, 'p', ${p}, ` +
    `'a', json((SELECT json_group_array(${attributeObject()}) FROM qualification_attributes a ` +
    'WHERE a.qualification_id = q.id AND a.superseded_at IS NULL)), ' +
    `'d', json((SELECT ${d} FROM documents d ` +
    'WHERE d.person_id = q.person_id AND d.qualification_id = q.id ORDER BY d.issued_on DESC, d.id LIMIT 1)), ' +
    `'f', json((SELECT json_group_array(${f}) FROM dv_flags f WHERE f.person_id = q.person_id)), ` +
    "'n', (SELECT ip.name_kanji FROM qualifications iq JOIN persons ip ON ip.id = iq.person_id " +
    'WHERE iq.id = q.insured_qualification_id)' +
    ') AS m FROM qualifications q JOIN persons p ON p.id = q.person_id WHERE q.member_key = ' +
    key +
    ')'
  );
}

export function literals(values: readonly (string | number)[]): TSchema {
  return Type.Union(values.map((v) => Type.Literal(v)));
}

function codes(table: OqsCodeTableName): TSchema {
  return Type.Union(
    Object.keys(OQS_CODE_TABLES[table].codes)
      .filter((k) => isOqsCode(table, k))
      .map((k) => Type.Literal(k)),
  );
}

/** A person row as its domain type (`Person`), for the read models' compiled checks. */
export function personSchema(): TSchema {
  const text = Type.String();
  return Type.Object({
    id: text,
    nameKanji: text,
    nameKana: text,
    birthDate: text,
    sex: literals(SEX),
    address: text,
    postalCode: text,
    prefecture: text,
  });
}

/** The payload's schema: exactly the domain types of MemberRecord, so a checked payload is used as it is. */
function payloadSchema(): TSchema {
  const text = Type.String();
  const optText = Type.Union([Type.String(), Type.Null()]);
  const orNull = (s: TSchema): TSchema => Type.Union([s, Type.Null()]);
  const attributeBase = {
    id: text,
    qualificationId: text,
    personId: text,
    validFrom: text,
    validTo: optText,
    recordedAt: text,
    supersededAt: optText,
  };
  const attribute = Type.Union([
    Type.Object({ ...attributeBase, kind: Type.Literal('copayRate'), rate: literals(COPAY_RATES) }),
    Type.Object({
      ...attributeBase,
      kind: Type.Literal('limitCategory'),
      category: codes('limitCategory'),
      certificateClassification: orNull(codes('limitCertificateClassification')),
      issuedOn: optText,
      longTermOn: optText,
    }),
    Type.Object({
      ...attributeBase,
      kind: Type.Literal('elderlyRecipient'),
      rate: literals(COPAY_RATES),
      issuedOn: optText,
    }),
    Type.Object({
      ...attributeBase,
      kind: Type.Literal('specificDisease'),
      diseaseCategory: codes('specificDisease'),
      selfPayLimit: Type.Number(),
      issuedOn: optText,
    }),
  ]);
  const record = Type.Object({
    q: Type.Object({
      id: text,
      personId: text,
      insurerNumber: text,
      symbol: optText,
      number: text,
      branch: optText,
      memberKey: text,
      relationship: literals(RELATIONSHIPS),
      insuredQualificationId: optText,
      acquiredOn: text,
      lostOn: optText,
      lossReason: orNull(codes('lossReason')),
      cardClassification: codes('insuredCardClassification'),
    }),
    p: personSchema(),
    a: Type.Array(attribute),
    d: orNull(
      Type.Object({
        id: text,
        personId: text,
        qualificationId: text,
        insurerNumber: text,
        kind: literals(DOCUMENT_KINDS),
        issuedOn: text,
        validFrom: text,
        validTo: optText,
        onRequest: Type.Boolean(),
      }),
    ),
    f: Type.Array(
      Type.Object({
        id: text,
        personId: text,
        flag: literals(DV_FLAGS),
        setOn: text,
        clearedOn: optText,
        setBy: optText,
      }),
    ),
    n: optText,
  });
  return Type.Array(record);
}

/** A payload as `memberPayloadSql` writes it (the schema above, in the types' terms). */
type Payload = {
  q: MemberRecord['qualification'];
  p: MemberRecord['person'];
  a: MemberRecord['attributes'];
  d: MemberRecord['latestDocument'];
  f: MemberRecord['dvFlags'];
  n: string | null;
}[];

let payloadValidator: Validator | undefined;

function isPayload(value: unknown): value is Payload {
  payloadValidator ??= Compile(payloadSchema());
  return payloadValidator.Check(value);
}

/**
 * A member key's records from its payload, newest acquisition first (then by id). The compiled check turns a
 * payload of an older shape or a corrupt row into a RowShapeError instead of a wrong answer.
 */
export function decodeMemberPayload(payload: string): MemberRecord[] {
  const parsed: unknown = JSON.parse(payload);
  if (!isPayload(parsed)) {
    throw new RowShapeError('payload', 'member records', parsed);
  }
  const records = parsed.map((m): MemberRecord => ({
    qualification: m.q,
    person: m.p,
    attributes: m.a,
    latestDocument: m.d,
    dvFlags: m.f,
    insuredName: m.n,
  }));
  return records.sort(
    (x, y) =>
      compareText(y.qualification.acquiredOn, x.qualification.acquiredOn) ||
      compareText(x.qualification.id, y.qualification.id),
  );
}

/** The stored row of a member key. */
export const MEMBER_SNAPSHOT_SQL = 'SELECT payload FROM member_snapshots WHERE member_key = ?';

/**
 * Statements that (re)build one member key's row inside a write transaction, so the row reflects every change
 * committed before it; the key is bound as every `?`. A key with no qualification gets no row. The persons whose
 * changes the row depends on (the members and, for dependants, the insured person) are listed for the triggers on
 * persons and dv_flags.
 */
export function refreshMemberSql(): { sql: string; params: number }[] {
  return [
    {
      sql:
        `INSERT OR REPLACE INTO member_snapshots (member_key, payload) SELECT ?, (${memberPayloadSql()}) ` +
        'WHERE EXISTS (SELECT 1 FROM qualifications WHERE member_key = ?)',
      params: 3,
    },
    {
      sql:
        'INSERT OR IGNORE INTO member_snapshot_persons (person_id, member_key) ' +
        'SELECT q.person_id, q.member_key FROM qualifications q WHERE q.member_key = ? ' +
        'UNION SELECT iq.person_id, q.member_key FROM qualifications q ' +
        'JOIN qualifications iq ON iq.id = q.insured_qualification_id WHERE q.member_key = ?',
      params: 2,
    },
  ];
}

/** Keys refreshed per write transaction at most: the rest wait for the next one (bounds a commit's extra work). */
export const REFRESH_PER_TRANSACTION = 256;

/**
 * Fills rows for member keys in (?, ?] that have none (bound: after, last, after, last, after, last), then lists the
 * persons of every key in the range (idempotent).
 */
export function fillRangeSql(): { rows: string; persons: string } {
  return {
    rows:
      `INSERT INTO member_snapshots (member_key, payload) SELECT k.member_key, (${memberPayloadSql('k.member_key')}) ` +
      'FROM (SELECT DISTINCT member_key FROM qualifications WHERE member_key > ? AND member_key <= ?) k ' +
      'WHERE NOT EXISTS (SELECT 1 FROM member_snapshots s WHERE s.member_key = k.member_key)',
    persons:
      'INSERT OR IGNORE INTO member_snapshot_persons (person_id, member_key) ' +
      'SELECT q.person_id, q.member_key FROM qualifications q WHERE q.member_key > ? AND q.member_key <= ? ' +
      'UNION SELECT iq.person_id, q.member_key FROM qualifications q ' +
      'JOIN qualifications iq ON iq.id = q.insured_qualification_id WHERE q.member_key > ? AND q.member_key <= ?',
  };
}

/** The last of the next `limit` member keys after a key (bound: after, limit). */
export const NEXT_KEYS_SQL =
  'SELECT max(member_key) AS last_key FROM ' +
  '(SELECT DISTINCT member_key FROM qualifications WHERE member_key > ? ORDER BY member_key LIMIT ?)';
