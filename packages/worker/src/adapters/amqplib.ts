import { type Obs, ObsError, rejectUnknownKeys } from '@obs/metrics-standard';
import type { Channel, ChannelModel, ConsumeMessage, Message } from 'amqplib';
import type { TaskRun } from '../task-run.js';
import { asWorkerMetrics, type WorkerMetrics } from '../worker-metrics.js';

/** Options of {@link instrumentAmqpChannel}. */
export interface AmqpChannelOptions {
  /** The `task` label of a delivery. Default: the message's `type` property, else `"message"`. Keep it bounded: never a message id. */
  task?: (message: ConsumeMessage, queue: string) => string;
  /** Count the channel's `error` events (e.g. a queue that does not exist) in `service_errors_total{type}`. Default: true. */
  recordErrors?: boolean;
  /** On `shutdown()`, cancel this channel's consumers (no new deliveries; the ones in progress are still acked and counted). Default: true. */
  cancelOnShutdown?: boolean;
}

/** Options of {@link instrumentAmqpQueues}. */
export interface AmqpQueuesOptions {
  /** The `queue` label of each queue, by its name. Default: the queue's name. */
  label?: (queue: string) => string;
}

/** Where the queue-depth checks get a connection: one the caller owns, or a function that opens one (reconnects after a broker restart). */
export type AmqpConnectionSource = ChannelModel | (() => Promise<ChannelModel>);

type Consume = Channel['consume'];
type Ack = Channel['ack'];
type Nack = Channel['nack'];
type Reject = Channel['reject'];

/**
 * Instrument an amqplib `Channel` with one call. Every message a consumer of this channel receives
 * (`channel.consume`, called after this) starts a task run (`worker_tasks_in_progress` +1, one
 * unit of `obs.work`) labelled with the consumed queue and the task; `channel.ack` ends it as
 * `success`, `channel.nack`/`channel.reject` as `failure` (with `allUpTo`, every outstanding
 * delivery up to that one; `ackAll`/`nackAll` all of them). Each delivery is counted once: a
 * second ack/nack of the same message counts nothing, and deliveries still unacknowledged when
 * the channel closes (RabbitMQ will redeliver them) are released from "in progress" uncounted, so
 * a redelivered message is counted once, on the delivery that is acknowledged. Consumers with
 * `noAck: true` count each delivery as a success when the handler returns (or its promise
 * resolves) and as a failure when it throws (or rejects). Returns a function that restores the
 * channel's methods.
 *
 * The channel's own `consume`, `ack`, `nack`, `reject`, `ackAll` and `nackAll` are wrapped on
 * this instance (amqplib emits no acknowledgement events); the prototype is untouched.
 *
 * @example
 * import amqp from 'amqplib';
 * import { instrumentAmqpChannel } from '@obs/worker/amqplib';
 * const channel = await (await amqp.connect(url)).createChannel();
 * instrumentAmqpChannel(wm, channel);
 * await channel.consume('emails', async (msg) => { await send(msg); channel.ack(msg); });
 */
export function instrumentAmqpChannel(metrics: WorkerMetrics | Obs, channel: Channel, options: AmqpChannelOptions = {}): () => void {
  const wm = asWorkerMetrics(metrics);
  if (channel === null || typeof channel !== 'object' || typeof channel.consume !== 'function' || typeof channel.ack !== 'function') {
    throw new ObsError('OBS_ERR_INVALID_OPTION', 'channel', channel, 'expected an amqplib Channel (connection.createChannel())');
  }
  if (options === null || typeof options !== 'object') throw new ObsError('OBS_ERR_INVALID_OPTION', 'options', options, 'expected an object');
  rejectUnknownKeys('', options, ['task', 'recordErrors', 'cancelOnShutdown']);
  if (options.task !== undefined && typeof options.task !== 'function') throw new ObsError('OBS_ERR_INVALID_OPTION', 'task', options.task, 'expected a function (message, queue) => string');
  const taskOf = options.task ?? ((m: ConsumeMessage) => (typeof m.properties?.type === 'string' && m.properties.type !== '' ? m.properties.type : 'message'));
  const taskName = (m: ConsumeMessage, queue: string): string => {
    try {
      const t = taskOf(m, queue);
      return typeof t === 'string' && t !== '' ? t : 'unknown';
    } catch {
      return 'unknown';
    }
  };

  // Delivery tags are per channel and increase: the runs are kept in delivery order.
  const runs = new Map<number, TaskRun>();
  const consumerTags = new Set<string>();
  const original = { consume: channel.consume, ack: channel.ack, nack: channel.nack, reject: channel.reject, ackAll: channel.ackAll, nackAll: channel.nackAll };

  const end = (message: Message | undefined, allUpTo: boolean | undefined, ok: boolean) => {
    const tag = message?.fields?.deliveryTag;
    if (typeof tag !== 'number') return;
    const finish = (run: TaskRun) => (ok ? run.success() : run.failure(new AmqpRejectedError()));
    if (allUpTo) {
      for (const [t, run] of runs) {
        if (t > tag) break;
        runs.delete(t);
        finish(run);
      }
      return;
    }
    const run = runs.get(tag);
    if (run) {
      runs.delete(tag);
      finish(run);
    }
  };
  const endAll = (ok: boolean) => {
    const all = [...runs.values()];
    runs.clear();
    for (const run of all) ok ? run.success() : run.failure(new AmqpRejectedError());
  };
  const releaseAll = () => {
    for (const run of runs.values()) run.abandon();
    runs.clear();
  };

  const consume: Consume = function (this: Channel, queue, onMessage, consumeOptions) {
    const label = String(queue);
    wm.declareQueue(label);
    const noAck = consumeOptions?.noAck === true;
    const wrapped = (msg: ConsumeMessage | null) => {
      // null: the broker cancelled the consumer (queue deleted).
      if (msg === null) return onMessage(msg);
      const run = wm.begin({ queue: label, task: taskName(msg, label) });
      if (!noAck) {
        runs.get(msg.fields.deliveryTag)?.abandon();
        runs.set(msg.fields.deliveryTag, run);
        return onMessage(msg);
      }
      let result: unknown;
      try {
        result = onMessage(msg);
      } catch (err) {
        run.failure(err);
        throw err;
      }
      if (result !== null && typeof result === 'object' && typeof (result as Promise<unknown>).then === 'function') {
        (result as Promise<unknown>).then(
          () => run.success(),
          (err: unknown) => run.failure(err),
        );
      } else run.success();
      return result;
    };
    const reply = original.consume.call(this, queue, wrapped as (msg: ConsumeMessage | null) => void, consumeOptions);
    void reply.then(
      (r) => consumerTags.add(r.consumerTag),
      () => {},
    );
    return reply;
  };
  const ack: Ack = function (this: Channel, message, allUpTo) {
    original.ack.call(this, message, allUpTo);
    end(message, allUpTo, true);
  };
  const nack: Nack = function (this: Channel, message, allUpTo, requeue) {
    original.nack.call(this, message, allUpTo, requeue);
    end(message, allUpTo, false);
  };
  const reject: Reject = function (this: Channel, message, requeue) {
    original.reject.call(this, message, requeue);
    end(message, false, false);
  };
  const ackAll = function (this: Channel) {
    original.ackAll.call(this);
    endAll(true);
  };
  const nackAll = function (this: Channel, requeue?: boolean) {
    original.nackAll.call(this, requeue);
    endAll(false);
  };
  Object.assign(channel, { consume, ack, nack, reject, ackAll, nackAll });

  const onError = (err: Error) => wm.obs.errors.record(err);
  const recordErrors = options.recordErrors ?? true;
  channel.on('close', releaseAll);
  if (recordErrors) channel.on('error', onError);
  let attached = true;
  if (options.cancelOnShutdown ?? true) {
    wm.onClose(async () => {
      if (!attached) return;
      await Promise.all([...consumerTags].map((tag) => channel.cancel(tag).catch(() => {})));
    });
  }

  return () => {
    if (!attached) return;
    attached = false;
    // Only our own wrappers are removed: a method the user replaced since stays theirs.
    for (const [k, v] of Object.entries({ consume, ack, nack, reject, ackAll, nackAll })) {
      const key = k as keyof typeof original;
      if ((channel as unknown as Record<string, unknown>)[key] === v) (channel as unknown as Record<string, unknown>)[key] = original[key];
    }
    channel.off('close', releaseAll);
    if (recordErrors) channel.off('error', onError);
    releaseAll();
  };
}

/** The error type a `nack`/`reject` records in `service_errors_total{type}`. */
export class AmqpRejectedError extends Error {
  constructor() {
    super('message rejected (nack/reject)');
    this.name = 'AmqpRejectedError';
  }
}

/**
 * Expose the depth of RabbitMQ queues as `worker_queue_size{queue,state="waiting"}` (messages
 * ready for delivery, from `channel.checkQueue`), sampled at scrape time with the queue-size
 * timeout on a channel of its own (a failed check closes a channel in AMQP; the consumers'
 * channels are never used). When the broker is away the queues' series are absent and each
 * failed scrape counts `service_errors_total{type="queue_size_failed"}`; `/metrics` keeps
 * answering. Pass a function that opens a connection to get the depth back after a broker
 * restart (a new connection is opened at the next scrape); a connection you pass is used as long
 * as it lives. Returns a function that unregisters the queues and closes what it opened.
 *
 * @example
 * import amqp from 'amqplib';
 * import { instrumentAmqpQueues } from '@obs/worker/amqplib';
 * instrumentAmqpQueues(wm, () => amqp.connect(url), ['emails']);
 */
export function instrumentAmqpQueues(
  metrics: WorkerMetrics | Obs,
  connection: AmqpConnectionSource,
  queues: readonly string[],
  options: AmqpQueuesOptions = {},
): () => void {
  const wm = asWorkerMetrics(metrics);
  const isModel = connection !== null && typeof connection === 'object' && typeof (connection as ChannelModel).createChannel === 'function';
  if (!isModel && typeof connection !== 'function') {
    throw new ObsError('OBS_ERR_INVALID_OPTION', 'connection', connection, 'expected an amqplib connection (await amqp.connect(url)) or a function returning one');
  }
  if (!Array.isArray(queues) || queues.length === 0 || queues.some((q) => typeof q !== 'string' || q === '')) {
    throw new ObsError('OBS_ERR_INVALID_OPTION', 'queues', queues, 'expected a non-empty array of queue names');
  }
  if (options === null || typeof options !== 'object') throw new ObsError('OBS_ERR_INVALID_OPTION', 'options', options, 'expected an object');
  rejectUnknownKeys('', options, ['label']);
  if (options.label !== undefined && typeof options.label !== 'function') throw new ObsError('OBS_ERR_INVALID_OPTION', 'label', options.label, 'expected a function (queue) => string');
  const labelOf = options.label ?? ((q: string) => q);

  const owned = typeof connection === 'function';
  let conn: ChannelModel | undefined = owned ? undefined : (connection as ChannelModel);
  let connecting: Promise<ChannelModel> | undefined;
  let channel: Promise<Channel> | undefined;
  let closed = false;
  const ignore = () => {};

  const forgetConnection = (c: ChannelModel) => {
    if (conn === c && owned) conn = undefined;
    channel = undefined;
  };
  const getConnection = (): Promise<ChannelModel> => {
    if (conn) return Promise.resolve(conn);
    if (!owned) return Promise.reject(new Error('the RabbitMQ connection passed to instrumentAmqpQueues is closed'));
    connecting ??= (async () => {
      try {
        const c = await (connection as () => Promise<ChannelModel>)();
        // Without a listener, a connection error event would crash the process.
        c.on('error', ignore);
        c.on('close', () => forgetConnection(c));
        if (closed) {
          await c.close().catch(ignore);
          throw new Error('closed');
        }
        conn = c;
        return c;
      } finally {
        connecting = undefined;
      }
    })();
    return connecting;
  };
  const getChannel = (): Promise<Channel> => {
    channel ??= (async () => {
      const c = await getConnection();
      const ch = await c.createChannel();
      ch.on('error', ignore);
      ch.on('close', () => {
        if (channel === current) channel = undefined;
      });
      return ch;
    })();
    const current = channel;
    current.catch(() => {
      if (channel === current) channel = undefined;
    });
    return current;
  };
  if (!owned) {
    const c = connection as ChannelModel;
    c.on('close', () => {
      conn = undefined;
      channel = undefined;
    });
  }

  const removers = queues.map((q) =>
    wm.addQueueSizeSource(labelOf(q), async () => {
      const ch = await getChannel();
      const { messageCount } = await ch.checkQueue(q);
      return { waiting: messageCount };
    }),
  );
  const close = async () => {
    if (closed) return;
    closed = true;
    for (const r of removers) r();
    const ch = channel;
    channel = undefined;
    if (owned) {
      const c = conn;
      conn = undefined;
      await c?.close().catch(ignore);
    } else {
      await ch?.then((x) => x.close()).catch(ignore);
    }
  };
  wm.onClose(close);
  return () => void close();
}
