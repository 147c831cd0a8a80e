/**
 * The member import lives in the server (commands/insurer/import/encoding.ts) so the insurer console can run it over
 * HTTP as well (decision 0120); `onshi import members` calls the same code through this re-export.
 */
export * from '@onshi/server/commands/insurer/import/encoding';
