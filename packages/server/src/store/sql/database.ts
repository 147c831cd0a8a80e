/**
 * The small SQL surface both implementations offer, so the repositories (sqlStore.ts) are written once. SQL uses
 * `?` placeholders; the PostgreSQL driver rewrites them to `$n`. Values a driver returns are normalised: dates and
 * instants as ISO strings, JSON columns as their text, integers as numbers, BLOB/BYTEA as Buffer.
 */

/** One result row, column names as in SQL (snake_case). */
export type Row = Record<string, unknown>;

/** A value that can be bound to a placeholder. */
export type SqlValue = string | number | boolean | null | Uint8Array;

/** Runs statements on one connection (or one transaction). */
export interface SqlExecutor {
  all(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  get(sql: string, params?: readonly SqlValue[]): Promise<Row | undefined>;
  /** Returns the number of rows changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** Multi-row INSERT of `rows` (each in `columns` order), chunked to the driver's parameter limit. */
  insertMany(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly SqlValue[])[],
    onConflict?: string,
  ): Promise<void>;
  /** Runs a multi-statement script without parameters (migrations). */
  exec(script: string): Promise<void>;
}

/** A database: an executor for single statements plus transactions. */
export interface SqlDatabase extends SqlExecutor {
  readonly dialect: 'sqlite' | 'postgres';
  /** Commits when `fn` resolves, rolls back when it throws. Calls inside `fn` must use the given executor. */
  transaction<T>(fn: (ex: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * A transaction for a large load into `tables` (decision 0126): the implementation may drop their secondary
   * indexes and build them again before COMMIT — unless `keepIndexes`, for a load that looks up what it writes
   * (the member import, decision 0150). All or nothing like `transaction` — as a whole only: inside it a failed
   * `insertMany` may leave its earlier rows, and foreign keys may be checked at COMMIT, so `fn` must let errors
   * through (the load then rolls back).
   */
  bulkTransaction<T>(
    tables: readonly string[],
    fn: (ex: SqlExecutor) => Promise<T>,
    options?: BulkTransactionOptions,
  ): Promise<T>;
  close(): Promise<void>;
  /**
   * SQLite files only: one person's committed audit rows, newest first, through the person index the background
   * thread keeps in a file of its own (decision 0167). Absent elsewhere: the audit_log index serves the query.
   */
  auditByPerson?(personId: string, limit: number): Promise<Row[]>;
}

/** Options of `bulkTransaction`. */
export interface BulkTransactionOptions {
  /** Keep the secondary indexes (the load queries them); only the journal and cache settings change. */
  keepIndexes?: boolean;
}

/** Serialises async critical sections: one holder at a time, FIFO. */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  /** Runs `fn` once every earlier holder has finished. */
  async run<T>(fn: () => Promise<T> | T): Promise<T> {
    const previous = this.tail;
    let release: () => void = () => undefined;
    this.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      await previous;
      return await fn();
    } finally {
      release();
    }
  }
}

/** Builds `(?, ?, …), (?, ?, …)` for `rowCount` rows of `width` columns. */
export function valuesPlaceholders(rowCount: number, width: number): string {
  const one = `(${new Array<string>(width).fill('?').join(', ')})`;
  return new Array<string>(rowCount).fill(one).join(', ');
}
