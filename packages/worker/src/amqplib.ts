// The `@obs/worker/amqplib` entry: the RabbitMQ (amqplib) adapter, kept apart so users of other queues never load it.
export {
  type AmqpChannelOptions,
  type AmqpConnectionSource,
  type AmqpQueuesOptions,
  AmqpRejectedError,
  instrumentAmqpChannel,
  instrumentAmqpQueues,
} from './adapters/amqplib.js';
