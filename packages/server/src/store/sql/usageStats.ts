/**
 * Registration and usage statistics maintained as data arrives (decision 0115, docs/statistics.md): the SQL behind
 * `Store.stats`, and the cell updates the confirmation and claim writes run in their own transaction. Cells are keyed
 * by 診療年月, insurer, institution kind and institution prefecture, so a statistics answer sums a few thousand cells
 * instead of scanning millions of events.
 */
import type {
  Claim,
  Confirmation,
  InstitutionKind,
  RegistrationGroup,
  RegistrationQuery,
  UsageCounters,
  UsageDimension,
  UsageGroup,
  UsageQuery,
} from '../types.js';
import { valuesPlaceholders, type Row, type SqlExecutor, type SqlValue } from './database.js';
import { num, optStr } from './rows.js';

const COUNTER_COLUMNS: readonly (readonly [keyof UsageCounters, string])[] = [
  ['cardChecks', 'card_checks'],
  ['numberChecks', 'number_checks'],
  ['bulkChecks', 'bulk_checks'],
  ['visualChecks', 'visual_checks'],
  ['cardPersons', 'card_persons'],
  ['outpatientClaims', 'outpatient_claims'],
  ['inpatientClaims', 'inpatient_claims'],
];

const KINDS: readonly InstitutionKind[] = ['hospital', 'clinic', 'dental', 'pharmacy'];

/** Most rows per multi-row statement (well under both drivers' parameter limits); a power of two. */
const CHUNK = 256;

/**
 * Splits `length` rows into statements of CHUNK rows, then the rest by its binary digits (128, 64, …, 1): each
 * statement shape has one of nine sizes, so the drivers' prepared-statement caches stay small however the batch
 * sizes vary (a cache keyed by SQL text otherwise keeps one compiled statement per size ever seen; decision 0140).
 */
export function statementSlices(length: number): [start: number, end: number][] {
  const out: [number, number][] = [];
  let start = 0;
  for (let size = CHUNK; size >= 1;) {
    if (length - start >= size) {
      out.push([start, start + size]);
      start += size;
    } else {
      size /= 2;
    }
  }
  return out;
}

interface Cell {
  month: string;
  insurerNumber: string;
  institutionKind: InstitutionKind;
  institutionPrefecture: string;
  counters: UsageCounters;
}

function zero(): UsageCounters {
  return {
    cardChecks: 0,
    numberChecks: 0,
    bulkChecks: 0,
    visualChecks: 0,
    cardPersons: 0,
    outpatientClaims: 0,
    inpatientClaims: 0,
  };
}

/** Where an institution sits in the statistics: its kind and prefecture. */
interface Place {
  kind: InstitutionKind;
  prefecture: string;
}

function isKind(v: string): v is InstitutionKind {
  return (KINDS as readonly string[]).includes(v);
}

/**
 * Kind and prefecture of each institution code, from the institutions table; a code not registered there falls back
 * to its own digits (都道府県番号 = digits 1–2, 点数表 3 = dental, 4 = pharmacy, else a 医科 clinic).
 */
async function placesOf(ex: SqlExecutor, codes: readonly string[]): Promise<Map<string, Place>> {
  const unique = [...new Set(codes)];
  const places = new Map<string, Place>();
  for (const [from, to] of statementSlices(unique.length)) {
    const chunk = unique.slice(from, to);
    const rows = await ex.all(
      `SELECT institution_code, kind, prefecture FROM institutions WHERE institution_code IN (${chunk.map(() => '?').join(', ')})`,
      chunk,
    );
    for (const r of rows) {
      const kind = String(r.kind);
      places.set(String(r.institution_code), {
        kind: isKind(kind) ? kind : 'clinic',
        prefecture: String(r.prefecture),
      });
    }
  }
  for (const code of unique) {
    if (!places.has(code)) {
      const table = code.charAt(2);
      places.set(code, {
        kind: table === '3' ? 'dental' : table === '4' ? 'pharmacy' : 'clinic',
        prefecture: code.slice(0, 2),
      });
    }
  }
  return places;
}

class Cells {
  private readonly map = new Map<string, Cell>();

  at(month: string, insurerNumber: string, place: Place): UsageCounters {
    const key = `${month}|${insurerNumber}|${place.kind}|${place.prefecture}`;
    let cell = this.map.get(key);
    if (cell === undefined) {
      cell = {
        month,
        insurerNumber,
        institutionKind: place.kind,
        institutionPrefecture: place.prefecture,
        counters: zero(),
      };
      this.map.set(key, cell);
    }
    return cell.counters;
  }

  async write(ex: SqlExecutor): Promise<void> {
    const cells = [...this.map.values()];
    const columns = COUNTER_COLUMNS.map(([, c]) => c);
    const head =
      'INSERT INTO stats_usage (month, insurer_number, institution_kind, institution_prefecture, ' +
      `${columns.join(', ')}) VALUES `;
    const tail =
      ' ON CONFLICT (month, insurer_number, institution_kind, institution_prefecture) DO UPDATE SET ' +
      columns.map((c) => `${c} = stats_usage.${c} + excluded.${c}`).join(', ');
    for (const [from, to] of statementSlices(cells.length)) {
      const chunk = cells.slice(from, to);
      const params: SqlValue[] = [];
      for (const c of chunk) {
        params.push(c.month, c.insurerNumber, c.institutionKind, c.institutionPrefecture);
        for (const [k] of COUNTER_COLUMNS) {
          params.push(c.counters[k]);
        }
      }
      await ex.run(head + valuesPlaceholders(chunk.length, 4 + columns.length) + tail, params);
    }
  }
}

/**
 * Whether a check counts in the statistics: a 目視 check always; an online one when the system answered a lookup
 * (資格有効性 returned), so a request refused before any lookup is not an オンライン資格確認利用件数 (decision 0115).
 */
export function countsAsCheck(c: Pick<Confirmation, 'method' | 'qualificationValidity'>): boolean {
  return c.method === 'visual' || c.qualificationValidity !== null;
}

/** Adds confirmations to the usage cells; distinct card users are counted once per month and institution. */
export async function addConfirmationUsage(ex: SqlExecutor, confirmations: readonly Confirmation[]): Promise<void> {
  const counted = confirmations.filter(countsAsCheck);
  if (counted.length === 0) {
    return;
  }
  const places = await placesOf(
    ex,
    counted.map((c) => c.institutionCode),
  );
  const cells = new Cells();
  const cardUsers: Confirmation[] = [];
  for (const c of counted) {
    const place = places.get(c.institutionCode);
    if (place === undefined) {
      continue;
    }
    const counters = cells.at(c.confirmedOn.slice(0, 7), c.insurerNumber ?? '', place);
    if (c.method === 'card') {
      counters.cardChecks += 1;
      if (c.personId !== null) {
        cardUsers.push(c);
      }
    } else if (c.method === 'number') {
      counters.numberChecks += 1;
    } else if (c.method === 'bulk') {
      counters.bulkChecks += 1;
    } else {
      counters.visualChecks += 1;
    }
  }
  for (const [from, to] of statementSlices(cardUsers.length)) {
    const chunk = cardUsers.slice(from, to);
    const params: SqlValue[] = [];
    for (const c of chunk) {
      params.push(c.confirmedOn.slice(0, 7), c.institutionCode, c.personId);
    }
    // Rows new to stats_card_users are this month's first card use of the person at the institution.
    const inserted = await ex.all(
      `INSERT INTO stats_card_users (month, institution_code, person_id) VALUES ${valuesPlaceholders(chunk.length, 3)} ` +
        'ON CONFLICT DO NOTHING RETURNING month, institution_code, person_id',
      params,
    );
    const fresh = new Set(
      inserted.map((r) => `${String(r.month)}|${String(r.institution_code)}|${String(r.person_id)}`),
    );
    for (const c of chunk) {
      const key = `${c.confirmedOn.slice(0, 7)}|${c.institutionCode}|${c.personId ?? ''}`;
      const place = places.get(c.institutionCode);
      if (fresh.delete(key) && place !== undefined) {
        cells.at(c.confirmedOn.slice(0, 7), c.insurerNumber ?? '', place).cardPersons += 1;
      }
    }
  }
  await cells.write(ex);
}

/** Adds claims (レセプト) to the usage cells, by kind. */
export async function addClaimUsage(ex: SqlExecutor, claims: readonly Claim[]): Promise<void> {
  if (claims.length === 0) {
    return;
  }
  const places = await placesOf(
    ex,
    claims.map((c) => c.institutionCode),
  );
  const cells = new Cells();
  for (const c of claims) {
    const place = places.get(c.institutionCode);
    const counters = cells.at(c.month, c.insurerNumber, {
      kind: c.institutionKind,
      prefecture: place?.prefecture ?? c.institutionCode.slice(0, 2),
    });
    if (c.kind === 'outpatient') {
      counters.outpatientClaims += 1;
    } else {
      counters.inpatientClaims += 1;
    }
  }
  await cells.write(ex);
}

const DIMENSION_COLUMNS: Record<UsageDimension, string> = {
  month: 'u.month',
  branch: 'i.prefecture',
  insurer: 'u.insurer_number',
  institutionKind: 'u.institution_kind',
  institutionPrefecture: 'u.institution_prefecture',
};

function filters(query: {
  fromMonth: string;
  toMonth: string;
  insurerNumber?: string;
  scheme?: string;
  institutionKind?: string;
}): { where: string; params: SqlValue[] } {
  const where = ['u.month >= ?', 'u.month <= ?'];
  const params: SqlValue[] = [query.fromMonth, query.toMonth];
  if (query.insurerNumber !== undefined) {
    where.push('u.insurer_number = ?');
    params.push(query.insurerNumber);
  }
  if (query.scheme !== undefined) {
    where.push('i.scheme = ?');
    params.push(query.scheme);
  }
  if (query.institutionKind !== undefined) {
    where.push('u.institution_kind = ?');
    params.push(query.institutionKind);
  }
  return { where: where.join(' AND '), params };
}

function dimension(r: Row, column: string): string | null {
  return optStr(r, column);
}

/** Sums the usage cells matching `query`, grouped as asked, ordered by the group columns. */
export async function sumUsage(ex: SqlExecutor, query: UsageQuery): Promise<UsageGroup[]> {
  const groups = [...new Set(query.groupBy)];
  const select = groups.map((g) => `${DIMENSION_COLUMNS[g]} AS "${g}"`);
  const sums = COUNTER_COLUMNS.map(([k, c]) => `SUM(u.${c}) AS "${k}"`);
  const { where, params } = filters(query);
  const groupClause = groups.length > 0 ? ` GROUP BY ${groups.map((g) => DIMENSION_COLUMNS[g]).join(', ')}` : '';
  const orderClause = groups.length > 0 ? ` ORDER BY ${groups.map((g) => DIMENSION_COLUMNS[g]).join(', ')}` : '';
  // The insurers table is joined only when its prefecture (branch) or scheme is asked for.
  const join =
    groups.includes('branch') || query.scheme !== undefined
      ? ' LEFT JOIN insurers i ON i.insurer_number = u.insurer_number'
      : '';
  const rows = await ex.all(
    `SELECT ${[...select, ...sums].join(', ')} FROM stats_usage u${join} WHERE ${where}${groupClause}${orderClause}`,
    params,
  );
  return rows
    .filter((r) => groups.length > 0 || r.cardChecks !== null)
    .map((r) => {
      const kind = groups.includes('institutionKind') ? dimension(r, 'institutionKind') : null;
      const out: UsageGroup = {
        month: groups.includes('month') ? dimension(r, 'month') : null,
        branch: groups.includes('branch') ? dimension(r, 'branch') : null,
        insurerNumber: groups.includes('insurer') ? dimension(r, 'insurer') : null,
        institutionKind: kind !== null && isKind(kind) ? kind : null,
        institutionPrefecture: groups.includes('institutionPrefecture') ? dimension(r, 'institutionPrefecture') : null,
        ...zero(),
      };
      for (const [k] of COUNTER_COLUMNS) {
        out[k] = r[k] === null || r[k] === undefined ? 0 : num(r, k);
      }
      return out;
    });
}

/**
 * The monthly snapshot job (利用登録率, seed 004): for every insurer, members whose qualification is in force on `asOf`
 * and, of them, those with a 健康保険証利用登録 in force that day. Re-running a month replaces its rows.
 */
export async function snapshotRegistrations(ex: SqlExecutor, month: string, asOf: string): Promise<number> {
  await ex.run('DELETE FROM stats_registrations WHERE month = ?', [month]);
  return ex.run(
    'INSERT INTO stats_registrations (month, insurer_number, as_of, members, registered) ' +
      'SELECT ?, q.insurer_number, ?, COUNT(*), COUNT(r.person_id) FROM qualifications q ' +
      'LEFT JOIN insurance_use_registrations r ON r.person_id = q.person_id AND r.registered_on <= ? ' +
      'AND (r.unregistered_on IS NULL OR r.unregistered_on > ?) ' +
      'WHERE q.acquired_on <= ? AND (q.lost_on IS NULL OR q.lost_on > ?) GROUP BY q.insurer_number',
    [month, asOf, asOf, asOf, asOf, asOf],
  );
}

const REGISTRATION_COLUMNS: Record<'month' | 'branch' | 'insurer', string> = {
  month: 's.month',
  branch: 'i.prefecture',
  insurer: 's.insurer_number',
};

/** Sums registration snapshots matching `query`, grouped as asked. */
export async function sumRegistrations(ex: SqlExecutor, query: RegistrationQuery): Promise<RegistrationGroup[]> {
  const groups = [...new Set(query.groupBy)];
  const where = ['s.month >= ?', 's.month <= ?'];
  const params: SqlValue[] = [query.fromMonth, query.toMonth];
  if (query.insurerNumber !== undefined) {
    where.push('s.insurer_number = ?');
    params.push(query.insurerNumber);
  }
  if (query.scheme !== undefined) {
    where.push('i.scheme = ?');
    params.push(query.scheme);
  }
  const cols = groups.map((g) => REGISTRATION_COLUMNS[g]);
  const rows = await ex.all(
    `SELECT ${[...groups.map((g) => `${REGISTRATION_COLUMNS[g]} AS "${g}"`), 'SUM(s.members) AS members', 'SUM(s.registered) AS registered'].join(', ')} ` +
      `FROM stats_registrations s LEFT JOIN insurers i ON i.insurer_number = s.insurer_number WHERE ${where.join(' AND ')}` +
      (cols.length > 0 ? ` GROUP BY ${cols.join(', ')} ORDER BY ${cols.join(', ')}` : ''),
    params,
  );
  return rows
    .filter((r) => groups.length > 0 || r.members !== null)
    .map((r) => ({
      month: groups.includes('month') ? dimension(r, 'month') : null,
      branch: groups.includes('branch') ? dimension(r, 'branch') : null,
      insurerNumber: groups.includes('insurer') ? dimension(r, 'insurer') : null,
      members: num(r, 'members'),
      registered: num(r, 'registered'),
    }));
}

/** Months holding any usage cell. */
export async function usageMonths(ex: SqlExecutor): Promise<string[]> {
  const rows = await ex.all('SELECT DISTINCT month FROM stats_usage ORDER BY month');
  return rows.map((r) => String(r.month));
}
