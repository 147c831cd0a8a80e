import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CheckJournalStatus, ReadModelReaderStatus } from '../store/types.js';

/** Prometheus metrics for one app instance (a registry each, so tests can build many apps). */
export interface AppMetrics {
  registry: Registry;
  requests: Counter<'route' | 'method' | 'status'>;
  duration: Histogram<'route' | 'method'>;
}

/** Creates the registry with process metrics and the HTTP request counters. */
export function createMetrics(): AppMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'onshi_http_requests_total',
    help: 'HTTP requests by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'onshi_http_request_duration_seconds',
    help: 'HTTP request duration by route',
    labelNames: ['route', 'method'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  return { registry, requests, duration };
}

/** A gauge: its name, its help text, and how it reads its value from a status. */
type StatusGauge<S> = readonly [name: string, help: string, read: (s: S) => number];

/** Gauges set from a status read when scraped (the threads' counts: nothing to update on the hot path). */
function statusGauges<S>(registry: Registry, status: () => S, gauges: readonly StatusGauge<S>[]): void {
  for (const [name, help, read] of gauges) {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(status()));
      },
    });
  }
}

/** Gauges of a SQLite file's read-model reader thread (decision 0173). */
export function registerReadModelReaderMetrics(registry: Registry, status: () => ReadModelReaderStatus): void {
  statusGauges(registry, status, [
    [
      'onshi_read_model_reader_running',
      'Whether the read-model reader thread runs (1) or read-model reads use the app connection (0)',
      (s) => (s.running ? 1 : 0),
    ],
    ['onshi_read_model_reader_reads', 'Read-model rows this process read on the reader thread', (s) => s.reads],
    [
      'onshi_read_model_reader_batches',
      'Messages this process sent to the read-model reader thread (reads of one event-loop turn each)',
      (s) => s.batches,
    ],
  ]);
}

/**
 * The check journal's state as gauges, read when scraped (decision 0168): checks answered but not yet in the tables
 * should stay near a second's worth; a rising count or move failures need an operator.
 */
export function registerCheckJournalMetrics(registry: Registry, status: () => CheckJournalStatus): void {
  statusGauges(registry, status, [
    [
      'onshi_check_journal_running',
      'Whether the check journal threads run (1) or checks use the group commit (0)',
      (s) => (s.running ? 1 : 0),
    ],
    [
      'onshi_check_journal_pending',
      'Checks answered from the journal and not yet moved into the tables',
      (s) => s.pending,
    ],
    ['onshi_check_journal_moved', 'Checks this process moved from the journal into the tables', (s) => s.moved],
    [
      'onshi_check_journal_groups',
      'Groups of checks handed to the journal thread (checks journaled per group: the load each commit carries)',
      (s) => s.groups,
    ],
    [
      'onshi_check_journal_move_failures',
      'Journal moves that failed (other than a busy database)',
      (s) => s.moveFailures,
    ],
  ]);
}
