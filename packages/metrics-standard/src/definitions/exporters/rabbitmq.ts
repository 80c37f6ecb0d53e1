import type { MetricDefinition } from '../types.js';

/**
 * The RabbitMQ version these definitions were checked against, by scraping its plugin
 * (e2e/datastores.test.ts): Debian 12's 3.10.8 on Erlang/OTP 25.
 */
export const RABBITMQ_CHECKED = { exporter: 'rabbitmq_prometheus', version: '3.10.8', server: 'RabbitMQ 3.10 (Erlang/OTP 25)' } as const;

/**
 * The plugin's endpoints. The default `/metrics` aggregates every object: queue and channel
 * metrics there carry no `vhost`/`queue`/`channel` labels. `/metrics/per-object` (what the
 * generated scrape job reads, the same as `prometheus.return_per_object_metrics = true`) carries
 * them, but in 3.10 lacks the `rabbitmq_alarms_*` gauges, which only `/metrics` has: the generated
 * config scrapes those in a second job that keeps only them.
 */
export const RABBITMQ_ENDPOINTS = {
  perObject: '/metrics/per-object',
  aggregated: '/metrics',
  /** Metrics found only on the aggregated endpoint. */
  aggregatedOnly: ['rabbitmq_alarms_memory_used_watermark', 'rabbitmq_alarms_free_disk_space_watermark', 'rabbitmq_alarms_file_descriptor_limit'],
} as const;

/**
 * RabbitMQ's built-in `rabbitmq_prometheus` plugin (3.8+, port 15692), labels as `/metrics/per-object`
 * emits them. The `rabbitmq_channel_messages_*` counters there exist per open channel and per
 * exchange (published) or queue (delivered, acked) it used: a rate over them covers the channels
 * open at the time; `sum by (instance)` is the node's throughput.
 */
export const RABBITMQ_METRICS = {
  identityInfo: {
    name: 'rabbitmq_identity_info',
    type: 'untyped',
    help: 'RabbitMQ node & cluster identity info',
    unit: 'info',
    labels: ['rabbitmq_node', 'rabbitmq_cluster', 'rabbitmq_cluster_permanent_id'],
    group: 'rabbitmq',
  },
  buildInfo: {
    name: 'rabbitmq_build_info',
    type: 'untyped',
    help: 'RabbitMQ & Erlang/OTP version info',
    unit: 'info',
    labels: ['rabbitmq_version', 'prometheus_plugin_version', 'prometheus_client_version', 'erlang_version'],
    group: 'rabbitmq',
  },
  connections: {
    name: 'rabbitmq_connections',
    type: 'gauge',
    help: 'Connections currently open',
    unit: 'connections',
    labels: [],
    group: 'rabbitmq',
  },
  channels: {
    name: 'rabbitmq_channels',
    type: 'gauge',
    help: 'Channels currently open',
    unit: 'channels',
    labels: [],
    group: 'rabbitmq',
  },
  consumers: {
    name: 'rabbitmq_consumers',
    type: 'gauge',
    help: 'Consumers currently connected',
    unit: 'consumers',
    labels: [],
    group: 'rabbitmq',
  },
  queues: {
    name: 'rabbitmq_queues',
    type: 'gauge',
    help: 'Queues available',
    unit: 'queues',
    labels: [],
    group: 'rabbitmq',
  },
  queueMessagesReady: {
    name: 'rabbitmq_queue_messages_ready',
    type: 'gauge',
    help: 'Messages ready to be delivered to consumers',
    unit: 'messages',
    labels: ['vhost', 'queue'],
    group: 'rabbitmq',
  },
  queueMessagesUnacked: {
    name: 'rabbitmq_queue_messages_unacked',
    type: 'gauge',
    help: 'Messages delivered to consumers but not yet acknowledged',
    unit: 'messages',
    labels: ['vhost', 'queue'],
    group: 'rabbitmq',
  },
  queueMessages: {
    name: 'rabbitmq_queue_messages',
    type: 'gauge',
    help: 'Sum of ready and unacknowledged messages - total queue depth',
    unit: 'messages',
    labels: ['vhost', 'queue'],
    group: 'rabbitmq',
  },
  channelMessagesPublishedTotal: {
    name: 'rabbitmq_channel_messages_published_total',
    type: 'counter',
    help: 'Total number of messages published into an exchange on a channel',
    unit: 'messages',
    labels: ['channel', 'vhost', 'exchange'],
    group: 'rabbitmq',
  },
  channelMessagesDeliveredTotal: {
    name: 'rabbitmq_channel_messages_delivered_total',
    type: 'counter',
    help: 'Total number of messages delivered to consumers in automatic acknowledgement mode',
    unit: 'messages',
    labels: ['channel', 'vhost', 'queue'],
    group: 'rabbitmq',
  },
  channelMessagesDeliveredAckTotal: {
    name: 'rabbitmq_channel_messages_delivered_ack_total',
    type: 'counter',
    help: 'Total number of messages delivered to consumers in manual acknowledgement mode',
    unit: 'messages',
    labels: ['channel', 'vhost', 'queue'],
    group: 'rabbitmq',
  },
  channelMessagesAckedTotal: {
    name: 'rabbitmq_channel_messages_acked_total',
    type: 'counter',
    help: 'Total number of messages acknowledged by consumers',
    unit: 'messages',
    labels: ['channel', 'vhost', 'queue'],
    group: 'rabbitmq',
  },
  processResidentMemoryBytes: {
    name: 'rabbitmq_process_resident_memory_bytes',
    type: 'gauge',
    help: 'Memory used in bytes',
    unit: 'bytes',
    labels: [],
    group: 'rabbitmq',
  },
  residentMemoryLimitBytes: {
    name: 'rabbitmq_resident_memory_limit_bytes',
    type: 'gauge',
    help: 'Memory high watermark in bytes',
    unit: 'bytes',
    labels: [],
    group: 'rabbitmq',
  },
  diskSpaceAvailableBytes: {
    name: 'rabbitmq_disk_space_available_bytes',
    type: 'gauge',
    help: 'Disk space available in bytes',
    unit: 'bytes',
    labels: [],
    group: 'rabbitmq',
  },
  diskSpaceAvailableLimitBytes: {
    name: 'rabbitmq_disk_space_available_limit_bytes',
    type: 'gauge',
    help: 'Free disk space low watermark in bytes',
    unit: 'bytes',
    labels: [],
    group: 'rabbitmq',
  },
  alarmsMemoryUsedWatermark: {
    name: 'rabbitmq_alarms_memory_used_watermark',
    type: 'untyped',
    help: 'is set to 1 if VM memory watermark alarm is in effect',
    unit: 'boolean',
    labels: [],
    group: 'rabbitmq',
  },
  alarmsFreeDiskSpaceWatermark: {
    name: 'rabbitmq_alarms_free_disk_space_watermark',
    type: 'untyped',
    help: 'is set to 1 if a free disk space alarm is in effect',
    unit: 'boolean',
    labels: [],
    group: 'rabbitmq',
  },
  alarmsFileDescriptorLimit: {
    name: 'rabbitmq_alarms_file_descriptor_limit',
    type: 'untyped',
    help: 'is set to 1 if a file descriptor limit alarm is in effect',
    unit: 'boolean',
    labels: [],
    group: 'rabbitmq',
  },
} as const satisfies Record<string, MetricDefinition>;
