import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { EXPORTERS, POSTGRES_EXPORTER_METRICS, RABBITMQ_METRICS, REDIS_EXPORTER_METRICS } from '@obs/metrics-standard';
import type { ResolvedConfig } from '../config.js';
import { stat, timeseries } from '../panels/index.js';
import { aggregate, type Matchers, rate, ratio, re, select, sumBy, withExtra } from '../promql/index.js';
import { buildDashboard } from './common.js';

const pg = POSTGRES_EXPORTER_METRICS;
const redis = REDIS_EXPORTER_METRICS;
const rmq = RABBITMQ_METRICS;

/**
 * RabbitMQ up per instance: its built-in Prometheus endpoint has no `*_up` gauge, so the target's
 * `up` is kept for the targets that exposed `rabbitmq_identity_info` within the last hour.
 *
 * @example
 * rabbitmqUp([re('instance', '$rabbitmq')])
 */
export function rabbitmqUp(m: Matchers): string {
  return `${select(EXPORTERS.prometheus.up, m)} * on (job, instance) group_left () ${aggregate('max', ['job', 'instance'], `last_over_time(${select(rmq.identityInfo, m)}[1h])`)}`;
}

/**
 * The Datastores dashboard (postgres_exporter, redis_exporter, RabbitMQ's Prometheus plugin): up,
 * connections, memory and throughput of each.
 *
 * @example
 * const json = datastoresDashboard(resolveConfig({}));
 */
export function datastoresDashboard(cfg: ResolvedConfig): Dashboard {
  const extra = cfg.selectors.host;
  const pm = withExtra([re('instance', '$postgres')], extra);
  const rm = withExtra([re('instance', '$redis')], extra);
  const qm = withExtra([re('instance', '$rabbitmq')], extra);
  const i = ['instance'];
  const vq = ['vhost', 'queue'];
  const upStat = (title: string, what: string, expr: string) =>
    stat({ title, description: `1 (up) when ${what} answers its exporter, 0 (down) when not.`, unit: 'bool_on_off', w: 8, h: 4, thresholds: [{ value: 0, color: 'red' }, { value: 1, color: 'green' }], queries: [{ expr, legend: '{{instance}}', instant: true }] });
  return buildDashboard({
    name: 'datastores',
    title: 'Datastores',
    description: 'PostgreSQL (postgres_exporter), Redis (redis_exporter) and RabbitMQ (its Prometheus plugin): up, connections, memory and throughput.',
    tags: ['infrastructure', 'datastores', 'postgresql', 'redis', 'rabbitmq'],
    variables: [
      { name: 'postgres', label: 'PostgreSQL', metric: pg.up, labelName: 'instance', matchers: withExtra([], extra), multi: true, description: 'postgres_exporter targets (from pg_up).' },
      { name: 'redis', label: 'Redis', metric: redis.up, labelName: 'instance', matchers: withExtra([], extra), multi: true, description: 'redis_exporter targets (from redis_up).' },
      { name: 'rabbitmq', label: 'RabbitMQ', metric: rmq.identityInfo, labelName: 'instance', matchers: withExtra([], extra), multi: true, description: 'RabbitMQ nodes (from rabbitmq_identity_info).' },
    ],
    sections: [
      {
        title: 'Status',
        panels: [
          upStat('PostgreSQL up', 'PostgreSQL', select(pg.up, pm)),
          upStat('Redis up', 'Redis', select(redis.up, rm)),
          upStat('RabbitMQ up', 'the RabbitMQ node', rabbitmqUp(qm)),
        ],
      },
      {
        title: 'PostgreSQL',
        panels: [
          timeseries({
            title: 'PostgreSQL connections',
            description: 'Connections in use against max_connections, per instance.',
            unit: 'short',
            w: 8,
            queries: [
              { expr: sumBy(i, select(pg.statActivityCount, pm)), legend: '{{instance}} used' },
              { expr: aggregate('max', i, select(pg.settingsMaxConnections, pm)), legend: '{{instance}} max' },
            ],
          }),
          timeseries({
            title: 'PostgreSQL connection usage',
            description: 'Connections in use in percent of max_connections (the HighPostgreSQLConnectionPoolUsage alert fires above 80 %).',
            unit: 'percent',
            min: 0,
            max: 100,
            w: 8,
            queries: [{ expr: `${ratio(sumBy(i, select(pg.statActivityCount, pm)), aggregate('max', i, select(pg.settingsMaxConnections, pm)))} * 100`, legend: '{{instance}}' }],
          }),
          timeseries({
            title: 'PostgreSQL transactions',
            description: 'Commits and rollbacks per second, per instance.',
            unit: 'suffix: tx/s',
            w: 8,
            queries: [
              { expr: sumBy(i, rate(pg.statDatabaseXactCommit, pm)), legend: '{{instance}} commit' },
              { expr: sumBy(i, rate(pg.statDatabaseXactRollback, pm)), legend: '{{instance}} rollback' },
            ],
          }),
          timeseries({ title: 'PostgreSQL database size', description: 'Size of each database.', unit: 'bytes', w: 8, queries: [{ expr: sumBy(['instance', 'datname'], select(pg.databaseSizeBytes, pm)), legend: '{{instance}} {{datname}}' }] }),
          timeseries({
            title: 'PostgreSQL cache hit ratio',
            description: 'Share of block reads served from shared buffers.',
            unit: 'percentunit',
            min: 0,
            max: 1,
            w: 8,
            queries: [
              {
                expr: ratio(sumBy(i, rate(pg.statDatabaseBlksHit, pm)), `${sumBy(i, rate(pg.statDatabaseBlksHit, pm))} + ${sumBy(i, rate(pg.statDatabaseBlksRead, pm))}`),
                legend: '{{instance}}',
              },
            ],
          }),
          timeseries({ title: 'PostgreSQL deadlocks', description: 'Deadlocks per second, per instance.', unit: 'suffix: deadlocks/s', w: 8, queries: [{ expr: sumBy(i, rate(pg.statDatabaseDeadlocks, pm)), legend: '{{instance}}' }] }),
        ],
      },
      {
        title: 'Redis',
        panels: [
          timeseries({
            title: 'Redis memory',
            description: 'Memory used against maxmemory (0 = no limit), per instance.',
            unit: 'bytes',
            w: 8,
            queries: [
              { expr: select(redis.memoryUsedBytes, rm), legend: '{{instance}} used' },
              { expr: `${select(redis.memoryMaxBytes, rm)} > 0`, legend: '{{instance}} max' },
            ],
          }),
          timeseries({ title: 'Redis clients', description: 'Connected and blocked clients, per instance.', unit: 'short', w: 8, queries: [{ expr: select(redis.connectedClients, rm), legend: '{{instance}} connected' }, { expr: select(redis.blockedClients, rm), legend: '{{instance}} blocked' }] }),
          timeseries({ title: 'Redis commands', description: 'Commands processed per second, per instance.', unit: 'ops', w: 8, queries: [{ expr: sumBy(i, rate(redis.commandsProcessedTotal, rm)), legend: '{{instance}}' }] }),
          timeseries({
            title: 'Redis hit ratio',
            description: 'Share of key lookups that hit.',
            unit: 'percentunit',
            min: 0,
            max: 1,
            w: 12,
            queries: [{ expr: ratio(sumBy(i, rate(redis.keyspaceHitsTotal, rm)), `${sumBy(i, rate(redis.keyspaceHitsTotal, rm))} + ${sumBy(i, rate(redis.keyspaceMissesTotal, rm))}`), legend: '{{instance}}' }],
          }),
          timeseries({ title: 'Redis evictions', description: 'Keys evicted per second (memory pressure).', unit: 'suffix: keys/s', w: 12, queries: [{ expr: sumBy(i, rate(redis.evictedKeysTotal, rm)), legend: '{{instance}}' }] }),
        ],
      },
      {
        title: 'RabbitMQ',
        panels: [
          timeseries({ title: 'RabbitMQ connections', description: 'Client connections and channels, per node.', unit: 'short', w: 8, queries: [{ expr: sumBy(i, select(rmq.connections, qm)), legend: '{{instance}} connections' }, { expr: sumBy(i, select(rmq.channels, qm)), legend: '{{instance}} channels' }] }),
          timeseries({
            title: 'RabbitMQ memory',
            description: 'Resident memory against the memory high watermark, per node.',
            unit: 'bytes',
            w: 8,
            queries: [
              { expr: sumBy(i, select(rmq.processResidentMemoryBytes, qm)), legend: '{{instance}} used' },
              { expr: sumBy(i, select(rmq.residentMemoryLimitBytes, qm)), legend: '{{instance}} limit' },
            ],
          }),
          timeseries({
            title: 'RabbitMQ messages',
            description: 'Messages ready and unacknowledged, per queue (vhost/queue: same-named queues in two vhosts stay apart). Needs the per-object endpoint (/metrics/per-object) the generated scrape job reads.',
            unit: 'short',
            w: 8,
            queries: [
              { expr: sumBy(vq, select(rmq.queueMessagesReady, qm)), legend: '{{vhost}}/{{queue}} ready' },
              { expr: sumBy(vq, select(rmq.queueMessagesUnacked, qm)), legend: '{{vhost}}/{{queue}} unacked' },
            ],
          }),
          timeseries({
            title: 'RabbitMQ throughput',
            description: 'Messages published, delivered (to auto-ack and manual-ack consumers) and acknowledged per second, per node.',
            unit: 'suffix: messages/s',
            w: 24,
            queries: [
              { expr: sumBy(i, rate(rmq.channelMessagesPublishedTotal, qm)), legend: '{{instance}} published' },
              { expr: `${sumBy(i, rate(rmq.channelMessagesDeliveredTotal, qm))} + ${sumBy(i, rate(rmq.channelMessagesDeliveredAckTotal, qm))}`, legend: '{{instance}} delivered' },
              { expr: sumBy(i, rate(rmq.channelMessagesAckedTotal, qm)), legend: '{{instance}} acked' },
            ],
          }),
        ],
      },
    ],
  });
}
