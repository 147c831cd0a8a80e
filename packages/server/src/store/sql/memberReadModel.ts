/**
 * The SQLite member read model (decision 0166): one row per member key holding, as JSON, everything a confirmation
 * by number reads (qualifications, persons, attribute rows, latest documents, DV flags, insured persons' names,
 * 照会番号), so
 * the hot path is one primary-key read instead of five lookups. Rows are filled on first use (`refresh`, in the next
 * write transaction) and deleted by triggers (migration 0102) whenever a table they draw from changes, so a row that
 * exists is current. PostgreSQL has no read model: it answers `memberRecordsByKey` from the tables.
 */
import { OQS_CODE_TABLES, isOqsCode, type OqsCodeTableName } from '@onshi/core';
import { Type, type TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';
import { compareText, DV_FLAGS } from '../asOf.js';
import type {
  CopayRateAttribute,
  DocumentValidity,
  DvFlagRecord,
  ElderlyRecipientAttribute,
  LimitCategoryAttribute,
  MemberRecord,
  Person,
  Qualification,
  QualificationAttribute,
  SpecificDiseaseAttribute,
} from '../types.js';
import { RowShapeError } from './rows.js';
import {
  ATTRIBUTE_COLS,
  COPAY_RATES,
  DOCUMENT_COLS,
  DOCUMENT_KINDS,
  DV_COLS,
  PERSON_COLS,
  QUALIFICATION_COLS,
  REFERENCE_COLS,
  RELATIONSHIPS,
  SEX,
} from './sqlStore.js';

// Functions, not constants: sqlStore.ts imports this module, so its column and value lists are read only when called.

/**
 * `json_array(expression, …)`: a row as a JSON array, its fields in the order the decoder reads them. Arrays instead
 * of objects (decision 0166, migration 0110): half the bytes to read and parse, and no property names to look up.
 */
export function arrayOf(expressions: readonly string[]): string {
  return `json_array(${expressions.join(', ')})`;
}

/** A table's columns, qualified by its alias, in the table's column order. */
export function columns(alias: string, names: readonly string[]): string[] {
  return names.map((c) => `${alias}.${c}`);
}

/**
 * An attribute row as an array: the common columns (ATTRIBUTE_COLS without kind, slot and value), then the kind and
 * the fields of its JSON value by kind.
 */
function attributeArray(): string {
  const base = columns(
    'a',
    ATTRIBUTE_COLS.filter((c) => c !== 'kind' && c !== 'slot' && c !== 'value'),
  );
  const kinds: Record<string, string[]> = {
    copayRate: ["a.value ->> '$.rate'"],
    limitCategory: [
      "a.value ->> '$.category'",
      "a.value ->> '$.certificateClassification'",
      "a.value ->> '$.issuedOn'",
      "a.value ->> '$.longTermOn'",
    ],
    elderlyRecipient: ["a.value ->> '$.rate'", "a.value ->> '$.issuedOn'"],
    specificDisease: [
      "a.value ->> '$.diseaseCategory'",
      "coalesce(a.value ->> '$.selfPayLimit', 0)",
      "a.value ->> '$.issuedOn'",
    ],
  };
  // An unknown kind becomes an array the decoder refuses (kind present, no kind fields), never a silent drop.
  return (
    'CASE a.kind ' +
    Object.entries(kinds)
      .map(([kind, fields]) => `WHEN '${kind}' THEN ${arrayOf([...base, 'a.kind', ...fields])} `)
      .join('') +
    `ELSE ${arrayOf([...base, 'a.kind'])} END`
  );
}

/**
 * The payload of one member key (bound once as `?`): a JSON array with one array per qualification under the key
 * whose person row exists — [qualification, person, attribute rows not superseded, latest document (as
 * `latestForQualification` orders them) or null, the person's DV flags, the insured person's name or null, the
 * person's 照会番号 at every institution] — each
 * row an array of its columns (`arrayOf`), values as the domain types hold them (attribute values spread by kind,
 * booleans as JSON booleans), so a read is one JSON.parse, one compiled check and a copy into objects. Subquery
 * results are wrapped in json() so they nest as JSON, not as strings.
 */
export function memberPayloadSql(key = '?'): string {
  const q = arrayOf(columns('q', QUALIFICATION_COLS));
  const p = arrayOf(columns('p', PERSON_COLS));
  const d = arrayOf([
    ...columns(
      'd',
      DOCUMENT_COLS.filter((c) => c !== 'printed' && c !== 'on_request'),
    ),
    "json(CASE d.on_request WHEN 1 THEN 'true' WHEN 0 THEN 'false' END)",
  ]);
  const f = arrayOf(columns('f', DV_COLS));
  const r = arrayOf(columns('r', REFERENCE_COLS));
  return (
    'SELECT json_group_array(json(m)) AS payload FROM (SELECT json_array(' +
    `${q}, ${p}, ` +
    `json((SELECT json_group_array(${attributeArray()}) FROM qualification_attributes a ` +
    'WHERE a.qualification_id = q.id AND a.superseded_at IS NULL)), ' +
    `json((SELECT ${d} FROM documents d ` +
    'WHERE d.person_id = q.person_id AND d.qualification_id = q.id ORDER BY d.issued_on DESC, d.id LIMIT 1)), ' +
    `json((SELECT json_group_array(${f}) FROM dv_flags f WHERE f.person_id = q.person_id)), ` +
    '(SELECT ip.name_kanji FROM qualifications iq JOIN persons ip ON ip.id = iq.person_id ' +
    'WHERE iq.id = q.insured_qualification_id), ' +
    `json((SELECT json_group_array(${r}) FROM reference_numbers r WHERE r.person_id = q.person_id))` +
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

const text = (): TSchema => Type.String();
const optText = (): TSchema => Type.Union([Type.String(), Type.Null()]);
const orNull = (s: TSchema): TSchema => Type.Union([s, Type.Null()]);

/** A person row as an array (PERSON_COLS), for the read models' compiled checks. */
export function personSchema(): TSchema {
  return Type.Tuple([text(), text(), text(), text(), literals(SEX), text(), text(), text()]);
}

/** A person row as `Person` (the order of PERSON_COLS). */
export type PersonArray = [string, string, string, string, Person['sex'], string, string, string];

export function personOf(p: PersonArray): Person {
  return {
    id: p[0],
    nameKanji: p[1],
    nameKana: p[2],
    birthDate: p[3],
    sex: p[4],
    address: p[5],
    postalCode: p[6],
    prefecture: p[7],
  };
}

/** The payload's schema: each row's array, each field of its domain type. */
function payloadSchema(): TSchema {
  const attributeBase = [text(), text(), text(), text(), optText(), text(), optText()];
  const attribute = Type.Union([
    Type.Tuple([...attributeBase, Type.Literal('copayRate'), literals(COPAY_RATES)]),
    Type.Tuple([
      ...attributeBase,
      Type.Literal('limitCategory'),
      codes('limitCategory'),
      orNull(codes('limitCertificateClassification')),
      optText(),
      optText(),
    ]),
    Type.Tuple([...attributeBase, Type.Literal('elderlyRecipient'), literals(COPAY_RATES), optText()]),
    Type.Tuple([...attributeBase, Type.Literal('specificDisease'), codes('specificDisease'), Type.Number(), optText()]),
  ]);
  const record = Type.Tuple([
    // qualification (QUALIFICATION_COLS)
    Type.Tuple([
      text(),
      text(),
      text(),
      optText(),
      text(),
      optText(),
      text(),
      literals(RELATIONSHIPS),
      optText(),
      text(),
      optText(),
      orNull(codes('lossReason')),
      codes('insuredCardClassification'),
    ]),
    personSchema(),
    Type.Array(attribute),
    // latest document (DOCUMENT_COLS without printed, on_request last as a boolean)
    orNull(
      Type.Tuple([text(), text(), text(), text(), literals(DOCUMENT_KINDS), text(), text(), optText(), Type.Boolean()]),
    ),
    // DV flags (DV_COLS)
    Type.Array(Type.Tuple([text(), text(), literals(DV_FLAGS), text(), optText(), optText()])),
    optText(),
    // 照会番号 (REFERENCE_COLS)
    Type.Array(Type.Tuple([text(), text(), text(), optText(), text()])),
  ]);
  return Type.Array(record);
}

type AttributeBaseArray = [string, string, string, string, string | null, string, string | null];

/** A payload as `memberPayloadSql` writes it (the schema above, in the types' terms). */
type Payload = [
  [
    string,
    string,
    string,
    string | null,
    string,
    string | null,
    string,
    Qualification['relationship'],
    string | null,
    string,
    string | null,
    Qualification['lossReason'],
    Qualification['cardClassification'],
  ],
  PersonArray,
  (
    | [...AttributeBaseArray, 'copayRate', CopayRateAttribute['rate']]
    | [
        ...AttributeBaseArray,
        'limitCategory',
        LimitCategoryAttribute['category'],
        LimitCategoryAttribute['certificateClassification'],
        string | null,
        string | null,
      ]
    | [...AttributeBaseArray, 'elderlyRecipient', ElderlyRecipientAttribute['rate'], string | null]
    | [...AttributeBaseArray, 'specificDisease', SpecificDiseaseAttribute['diseaseCategory'], number, string | null]
  )[],
  [string, string, string, string, DocumentValidity['kind'], string, string, string | null, boolean] | null,
  [string, string, DvFlagRecord['flag'], string, string | null, string | null][],
  string | null,
  [string, string, string, string | null, string][],
][];

let payloadValidator: Validator | undefined;

function isPayload(value: unknown): value is Payload {
  payloadValidator ??= Compile(payloadSchema());
  return payloadValidator.Check(value);
}

/** An attribute row's object: one literal per kind, so each kind keeps one shape (a spread costs a copy). */
function attributeOf(a: Payload[number][2][number]): QualificationAttribute {
  switch (a[7]) {
    case 'copayRate':
      return {
        id: a[0],
        qualificationId: a[1],
        personId: a[2],
        validFrom: a[3],
        validTo: a[4],
        recordedAt: a[5],
        supersededAt: a[6],
        kind: a[7],
        rate: a[8],
      };
    case 'limitCategory':
      return {
        id: a[0],
        qualificationId: a[1],
        personId: a[2],
        validFrom: a[3],
        validTo: a[4],
        recordedAt: a[5],
        supersededAt: a[6],
        kind: a[7],
        category: a[8],
        certificateClassification: a[9],
        issuedOn: a[10],
        longTermOn: a[11],
      };
    case 'elderlyRecipient':
      return {
        id: a[0],
        qualificationId: a[1],
        personId: a[2],
        validFrom: a[3],
        validTo: a[4],
        recordedAt: a[5],
        supersededAt: a[6],
        kind: a[7],
        rate: a[8],
        issuedOn: a[9],
      };
    case 'specificDisease':
      return {
        id: a[0],
        qualificationId: a[1],
        personId: a[2],
        validFrom: a[3],
        validTo: a[4],
        recordedAt: a[5],
        supersededAt: a[6],
        kind: a[7],
        diseaseCategory: a[8],
        selfPayLimit: a[9],
        issuedOn: a[10],
      };
  }
}

function recordOf(m: Payload[number]): MemberRecord {
  const [q, p, a, d, f, n, r] = m;
  return {
    qualification: {
      id: q[0],
      personId: q[1],
      insurerNumber: q[2],
      symbol: q[3],
      number: q[4],
      branch: q[5],
      memberKey: q[6],
      relationship: q[7],
      insuredQualificationId: q[8],
      acquiredOn: q[9],
      lostOn: q[10],
      lossReason: q[11],
      cardClassification: q[12],
    },
    person: personOf(p),
    attributes: a.map(attributeOf),
    latestDocument:
      d === null
        ? null
        : {
            id: d[0],
            personId: d[1],
            qualificationId: d[2],
            insurerNumber: d[3],
            kind: d[4],
            issuedOn: d[5],
            validFrom: d[6],
            validTo: d[7],
            onRequest: d[8],
          },
    dvFlags: f.map((x) => ({ id: x[0], personId: x[1], flag: x[2], setOn: x[3], clearedOn: x[4], setBy: x[5] })),
    insuredName: n,
    referenceNumbers: r.map((x) => ({
      institutionCode: x[0],
      referenceNumber: x[1],
      personId: x[2],
      qualificationId: x[3],
      registeredAt: x[4],
    })),
  };
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
  return parsed
    .map(recordOf)
    .sort(
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
 * One step of a read model's walk at start, for the keys in (after, last]: `next` finds `last` (AS last_key; bound:
 * after, limit), `rows` builds the rows the range lacks (bound: after, last), then each of `lists` records what the
 * triggers look rows up by (bound: after, last, `ranges` times; idempotent).
 */
export interface FillRange {
  next: string;
  rows: string;
  lists: { sql: string; ranges: number }[];
}

/** The member read model's walk: member keys, and the persons each key's row shows. */
export function memberFillRange(): FillRange {
  return {
    next:
      'SELECT max(member_key) AS last_key FROM ' +
      '(SELECT DISTINCT member_key FROM qualifications WHERE member_key > ? ORDER BY member_key LIMIT ?)',
    rows:
      `INSERT INTO member_snapshots (member_key, payload) SELECT k.member_key, (${memberPayloadSql('k.member_key')}) ` +
      'FROM (SELECT DISTINCT member_key FROM qualifications WHERE member_key > ? AND member_key <= ?) k ' +
      'WHERE NOT EXISTS (SELECT 1 FROM member_snapshots s WHERE s.member_key = k.member_key)',
    lists: [
      {
        sql:
          'INSERT OR IGNORE INTO member_snapshot_persons (person_id, member_key) ' +
          'SELECT q.person_id, q.member_key FROM qualifications q WHERE q.member_key > ? AND q.member_key <= ? ' +
          'UNION SELECT iq.person_id, q.member_key FROM qualifications q ' +
          'JOIN qualifications iq ON iq.id = q.insured_qualification_id WHERE q.member_key > ? AND q.member_key <= ?',
        ranges: 2,
      },
    ],
  };
}
