import type { MetricDefinition } from '../types.js';

/**
 * The postgres_exporter version these definitions were checked against, by scraping it in front of
 * a real server (e2e/datastores.test.ts). 0.11.1 is Debian 12's; it adds a `server` label
 * (host:port of the database) to every `pg_*` series. Later versions differ in labels, not names
 * (0.17 adds `usename`, `application_name`, `backend_type` to `pg_stat_activity_count`): the
 * dashboards and rules aggregate them away and never select on them.
 */
export const POSTGRES_EXPORTER_CHECKED = { exporter: 'postgres_exporter', version: '0.11.1', server: 'PostgreSQL 15' } as const;

/** prometheus-community/postgres_exporter metrics the Datastores dashboard and pack use (labels as 0.11.1 emits them). */
export const POSTGRES_EXPORTER_METRICS = {
  up: {
    name: 'pg_up',
    type: 'gauge',
    help: 'Whether the last scrape of metrics from PostgreSQL was able to connect to the server (1 for yes, 0 for no).',
    unit: 'boolean',
    labels: [],
    group: 'postgres_exporter',
  },
  statActivityCount: {
    name: 'pg_stat_activity_count',
    type: 'gauge',
    help: 'number of connections in this state',
    unit: 'connections',
    labels: ['datname', 'state', 'server'],
    group: 'postgres_exporter',
  },
  settingsMaxConnections: {
    name: 'pg_settings_max_connections',
    type: 'gauge',
    help: 'Sets the maximum number of concurrent connections.',
    unit: 'connections',
    labels: ['server'],
    group: 'postgres_exporter',
  },
  statDatabaseNumbackends: {
    name: 'pg_stat_database_numbackends',
    type: 'gauge',
    help: 'Number of backends currently connected to this database.',
    unit: 'connections',
    labels: ['datid', 'datname', 'server'],
    group: 'postgres_exporter',
  },
  statDatabaseXactCommit: {
    name: 'pg_stat_database_xact_commit',
    type: 'counter',
    help: 'Number of transactions in this database that have been committed',
    unit: 'transactions',
    labels: ['datid', 'datname', 'server'],
    group: 'postgres_exporter',
  },
  statDatabaseXactRollback: {
    name: 'pg_stat_database_xact_rollback',
    type: 'counter',
    help: 'Number of transactions in this database that have been rolled back',
    unit: 'transactions',
    labels: ['datid', 'datname', 'server'],
    group: 'postgres_exporter',
  },
  statDatabaseBlksHit: {
    name: 'pg_stat_database_blks_hit',
    type: 'counter',
    help: 'Number of times disk blocks were found already in the buffer cache',
    unit: 'blocks',
    labels: ['datid', 'datname', 'server'],
    group: 'postgres_exporter',
  },
  statDatabaseBlksRead: {
    name: 'pg_stat_database_blks_read',
    type: 'counter',
    help: 'Number of disk blocks read in this database',
    unit: 'blocks',
    labels: ['datid', 'datname', 'server'],
    group: 'postgres_exporter',
  },
  statDatabaseDeadlocks: {
    name: 'pg_stat_database_deadlocks',
    type: 'counter',
    help: 'Number of deadlocks detected in this database',
    unit: 'deadlocks',
    labels: ['datid', 'datname', 'server'],
    group: 'postgres_exporter',
  },
  databaseSizeBytes: {
    name: 'pg_database_size_bytes',
    type: 'gauge',
    help: 'Disk space used by the database',
    unit: 'bytes',
    labels: ['datname', 'server'],
    group: 'postgres_exporter',
  },
  locksCount: {
    name: 'pg_locks_count',
    type: 'gauge',
    help: 'Number of locks',
    unit: 'locks',
    labels: ['datname', 'mode', 'server'],
    group: 'postgres_exporter',
  },
  postmasterStartTimeSeconds: {
    name: 'pg_postmaster_start_time_seconds',
    type: 'gauge',
    help: 'Time at which postmaster started',
    unit: 'seconds',
    labels: ['server'],
    group: 'postgres_exporter',
    // Only from the opt-in queries file (0.11) or the `postmaster` collector (0.12+, off by default).
    optional: true,
  },
} as const satisfies Record<string, MetricDefinition>;
