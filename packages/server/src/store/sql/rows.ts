/**
 * Typed reads of database rows. Rows arrive as `unknown`; these checks turn a schema drift or a corrupt value into
 * a clear error instead of a wrong answer further on.
 */
import type { Row } from './database.js';

/** A column that broke its declared type. */
export class RowShapeError extends Error {
  constructor(column: string, expected: string, value: unknown) {
    super(`column ${column}: expected ${expected}, got ${typeof value}`);
    this.name = 'RowShapeError';
  }
}

/** A required text column. */
export function str(row: Row, column: string): string {
  const v = row[column];
  if (typeof v !== 'string') {
    throw new RowShapeError(column, 'text', v);
  }
  return v;
}

/** A nullable text column. */
export function optStr(row: Row, column: string): string | null {
  const v = row[column];
  return v === null || v === undefined ? null : str(row, column);
}

/** A required numeric column (bigint tolerated). */
export function num(row: Row, column: string): number {
  const v = row[column];
  if (typeof v === 'number') {
    return v;
  }
  if (typeof v === 'bigint') {
    return Number(v);
  }
  if (typeof v === 'string' && v !== '' && Number.isFinite(Number(v))) {
    return Number(v);
  }
  throw new RowShapeError(column, 'number', v);
}

/** A nullable numeric column. */
export function optNum(row: Row, column: string): number | null {
  const v = row[column];
  return v === null || v === undefined ? null : num(row, column);
}

/** A boolean column (SQLite 0/1, PostgreSQL boolean). */
export function bool(row: Row, column: string): boolean {
  const v = row[column];
  if (typeof v === 'boolean') {
    return v;
  }
  if (v === 0 || v === 1) {
    return v === 1;
  }
  throw new RowShapeError(column, 'boolean', v);
}

/** A binary column. */
export function bytes(row: Row, column: string): Uint8Array {
  const v = row[column];
  if (v instanceof Uint8Array) {
    return new Uint8Array(v);
  }
  throw new RowShapeError(column, 'bytes', v);
}

/** A JSON column, parsed. */
export function json(row: Row, column: string): unknown {
  return JSON.parse(str(row, column));
}

/** A text column restricted to `allowed`. */
export function oneOf<T extends string>(row: Row, column: string, allowed: readonly T[]): T {
  const v = str(row, column);
  const found = allowed.find((a) => a === v);
  if (found === undefined) {
    throw new RowShapeError(column, allowed.join('|'), v);
  }
  return found;
}

/** A nullable text column restricted to `allowed`. */
export function optOneOf<T extends string>(row: Row, column: string, allowed: readonly T[]): T | null {
  const v = row[column];
  return v === null || v === undefined ? null : oneOf(row, column, allowed);
}

/** A value narrowed to `allowed`, for members of parsed JSON. */
export function member<T extends string | number>(value: unknown, allowed: readonly T[], what: string): T {
  const found = allowed.find((a) => a === value);
  if (found === undefined) {
    throw new RowShapeError(what, allowed.join('|'), value);
  }
  return found;
}

/** A plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
