/**
 * pg Pool behind the SqlDatabase surface. Each single statement borrows a pooled connection; a transaction holds
 * one connection from BEGIN to COMMIT/ROLLBACK, so concurrent requests never share a transaction (decision 0041).
 * Type parsers return what SQLite returns: DATE as 'YYYY-MM-DD', TIMESTAMPTZ as ISO '…Z', JSON as its text,
 * BIGINT/NUMERIC as numbers.
 */
import pg from 'pg';
import { createHash } from 'node:crypto';
import { valuesPlaceholders, type Row, type SqlDatabase, type SqlExecutor, type SqlValue } from '../sql/database.js';

/** PostgreSQL allows 65,535 bound parameters per statement. */
const INSERT_CHUNK_PARAMS = 60_000;
const MAX_ROWS_PER_INSERT = 2_000;

const OID = { int8: 20, numeric: 1700, date: 1082, timestamptz: 1184, timestamp: 1114, json: 114, jsonb: 3802 };

const types = new pg.TypeOverrides();
types.setTypeParser(OID.int8, (v: string) => Number(v));
types.setTypeParser(OID.numeric, (v: string) => Number(v));
types.setTypeParser(OID.date, (v: string) => v);
types.setTypeParser(OID.json, (v: string) => v);
types.setTypeParser(OID.jsonb, (v: string) => v);
types.setTypeParser(OID.timestamptz, (v: string) => new Date(v).toISOString());
types.setTypeParser(OID.timestamp, (v: string) => new Date(`${v}Z`).toISOString());

/** Rewrites `?` placeholders to `$1, $2, …` (our SQL never has `?` inside literals). */
export function toDollarParams(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

function statementName(text: string): string {
  return `s${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
}

function executor(client: pg.Pool | pg.PoolClient): SqlExecutor {
  const converted = new Map<string, { text: string; name: string }>();
  function prepared(sql: string): { text: string; name: string } {
    let c = converted.get(sql);
    if (c === undefined) {
      const text = toDollarParams(sql);
      c = { text, name: statementName(text) };
      converted.set(sql, c);
    }
    return c;
  }
  async function query(sql: string, params: readonly SqlValue[]): Promise<pg.QueryResult<Row>> {
    const { text, name } = prepared(sql);
    return client.query<Row>({ name, text, values: [...params] });
  }
  return {
    async all(sql, params = []) {
      return (await query(sql, params)).rows;
    },
    async get(sql, params = []) {
      return (await query(sql, params)).rows[0];
    },
    async run(sql, params = []) {
      return (await query(sql, params)).rowCount ?? 0;
    },
    async insertMany(table, columns, rows, onConflict = '') {
      if (rows.length === 0) {
        return;
      }
      const width = columns.length;
      const perStatement = Math.max(1, Math.min(MAX_ROWS_PER_INSERT, Math.floor(INSERT_CHUNK_PARAMS / width)));
      const head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
      for (let start = 0; start < rows.length; start += perStatement) {
        const chunk = rows.slice(start, start + perStatement);
        const flat: SqlValue[] = [];
        for (const row of chunk) {
          flat.push(...row);
        }
        await query(`${head}${valuesPlaceholders(chunk.length, width)} ${onConflict}`, flat);
      }
    },
    async exec(script) {
      await client.query(script);
    },
  };
}

/** Opens a pool on `url`. */
export function openPostgres(url: string, poolSize = 10): SqlDatabase {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types });
  const base = executor(pool);
  async function transaction<T>(fn: (ex: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(executor(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
  return {
    dialect: 'postgres',
    all: (sql, params) => base.all(sql, params),
    get: (sql, params) => base.get(sql, params),
    run: (sql, params) => base.run(sql, params),
    // Several chunks must land together: one transaction.
    insertMany: (table, columns, rows, onConflict) =>
      transaction((ex) => ex.insertMany(table, columns, rows, onConflict)),
    transaction,
    // PostgreSQL keeps its indexes during a load: a plain transaction (decision 0126).
    bulkTransaction: (_tables, fn) => transaction(fn),
    exec: (script) => base.exec(script),
    async close() {
      await pool.end();
    },
  };
}
