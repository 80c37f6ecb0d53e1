import type { MetricDefinition } from '../types.js';

/**
 * The redis_exporter version these definitions were checked against, by scraping it in front of a
 * real server (e2e/datastores.test.ts): Debian 12's 1.45.0 with Redis 7.0.
 */
export const REDIS_EXPORTER_CHECKED = { exporter: 'redis_exporter', version: '1.45.0', server: 'Redis 7.0' } as const;

/** oliver006/redis_exporter (v1.x) metrics the Datastores dashboard and pack use. */
export const REDIS_EXPORTER_METRICS = {
  up: {
    name: 'redis_up',
    type: 'gauge',
    help: 'Information about the Redis instance',
    unit: 'boolean',
    labels: [],
    group: 'redis_exporter',
  },
  memoryUsedBytes: {
    name: 'redis_memory_used_bytes',
    type: 'gauge',
    help: 'used_memory metric',
    unit: 'bytes',
    labels: [],
    group: 'redis_exporter',
  },
  memoryMaxBytes: {
    name: 'redis_memory_max_bytes',
    type: 'gauge',
    help: 'maxmemory metric; 0 when no maxmemory is configured',
    unit: 'bytes',
    labels: [],
    group: 'redis_exporter',
  },
  totalSystemMemoryBytes: {
    name: 'redis_total_system_memory_bytes',
    type: 'gauge',
    help: 'total_system_memory metric (INFO memory); exported only with --include-system-metrics',
    unit: 'bytes',
    labels: [],
    group: 'redis_exporter',
    // Only with redis_exporter's --include-system-metrics (off by default).
    optional: true,
  },
  connectedClients: {
    name: 'redis_connected_clients',
    type: 'gauge',
    help: 'connected_clients metric',
    unit: 'clients',
    labels: [],
    group: 'redis_exporter',
  },
  blockedClients: {
    name: 'redis_blocked_clients',
    type: 'gauge',
    help: 'blocked_clients metric',
    unit: 'clients',
    labels: [],
    group: 'redis_exporter',
  },
  commandsProcessedTotal: {
    name: 'redis_commands_processed_total',
    type: 'counter',
    help: 'commands_processed_total metric',
    unit: 'commands',
    labels: [],
    group: 'redis_exporter',
  },
  keyspaceHitsTotal: {
    name: 'redis_keyspace_hits_total',
    type: 'counter',
    help: 'keyspace_hits_total metric',
    unit: 'hits',
    labels: [],
    group: 'redis_exporter',
  },
  keyspaceMissesTotal: {
    name: 'redis_keyspace_misses_total',
    type: 'counter',
    help: 'keyspace_misses_total metric',
    unit: 'misses',
    labels: [],
    group: 'redis_exporter',
  },
  evictedKeysTotal: {
    name: 'redis_evicted_keys_total',
    type: 'counter',
    help: 'evicted_keys_total metric',
    unit: 'keys',
    labels: [],
    group: 'redis_exporter',
  },
  dbKeys: {
    name: 'redis_db_keys',
    type: 'gauge',
    help: 'Total number of keys by DB',
    unit: 'keys',
    labels: ['db'],
    group: 'redis_exporter',
  },
  uptimeInSeconds: {
    name: 'redis_uptime_in_seconds',
    type: 'gauge',
    help: 'uptime_in_seconds metric',
    unit: 'seconds',
    labels: [],
    group: 'redis_exporter',
  },
  rejectedConnectionsTotal: {
    name: 'redis_rejected_connections_total',
    type: 'counter',
    help: 'rejected_connections_total metric',
    unit: 'connections',
    labels: [],
    group: 'redis_exporter',
  },
  instanceInfo: {
    name: 'redis_instance_info',
    type: 'gauge',
    help: 'Information about the Redis instance',
    unit: 'info',
    labels: ['role', 'redis_version', 'redis_build_id', 'redis_mode', 'os', 'maxmemory_policy', 'tcp_port', 'run_id', 'process_id'],
    group: 'redis_exporter',
  },
} as const satisfies Record<string, MetricDefinition>;
