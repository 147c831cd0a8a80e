/**
 * The SQLite member read model (decision 0166): one row per member key holding, as JSON, everything a confirmation
 * by number reads (qualifications, persons, attribute rows, latest documents, DV flags, insured persons' names), so
 * the hot path is one primary-key read instead of five lookups. Rows are filled on first use (`refresh`, in the next
 * write transaction) and deleted by triggers (migration 0102) whenever a table they draw from changes, so a row that
 * exists is current. PostgreSQL has no read model: it answers `memberRecordsByKey` from the tables.
 */
import { ATTRIBUTE_COLS, DOCUMENT_COLS, DV_COLS, PERSON_COLS, QUALIFICATION_COLS } from './sqlStore.js';

// Functions, not constants: sqlStore.ts imports this module, so its column lists are read only when called.

/** `json_object('col', alias.col, …)` for a column list. */
function objectOf(alias: string, columns: readonly string[]): string {
  return `json_object(${columns.map((c) => `'${c}', ${alias}.${c}`).join(', ')})`;
}

/**
 * The payload of one member key (bound once as `?`): a JSON array with one object per qualification under the key
 * whose person row exists — `q` qualification, `p` person, `a` attribute rows not superseded, `d` latest document
 * (as `latestForQualification` orders them) or null, `f` the person's DV flags, `n` the insured person's name or
 * null. Subquery results are wrapped in json() so they nest as JSON, not as strings.
 */
export function memberPayloadSql(key = '?'): string {
  const documentValidityCols = DOCUMENT_COLS.filter((c) => c !== 'printed');
  return (
    'SELECT json_group_array(json(m)) AS payload FROM (SELECT json_object(' +
    `'q', ${objectOf('q', QUALIFICATION_COLS)}, ` +
    `'p', ${objectOf('p', PERSON_COLS)}, ` +
    `'a', json((SELECT json_group_array(${objectOf('a', ATTRIBUTE_COLS)}) FROM qualification_attributes a ` +
    'WHERE a.qualification_id = q.id AND a.superseded_at IS NULL)), ' +
    `'d', json((SELECT ${objectOf('d', documentValidityCols)} FROM documents d ` +
    'WHERE d.person_id = q.person_id AND d.qualification_id = q.id ORDER BY d.issued_on DESC, d.id LIMIT 1)), ' +
    `'f', json((SELECT json_group_array(${objectOf('f', DV_COLS)}) FROM dv_flags f WHERE f.person_id = q.person_id)), ` +
    "'n', (SELECT ip.name_kanji FROM qualifications iq JOIN persons ip ON ip.id = iq.person_id " +
    'WHERE iq.id = q.insured_qualification_id)' +
    ') AS m FROM qualifications q JOIN persons p ON p.id = q.person_id WHERE q.member_key = ' +
    key +
    ')'
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
