// The `@obs/worker/bullmq` entry: the BullMQ adapter, kept apart so users of other queues never load it.
export { type BullMQQueueOptions, type BullMQWorkerOptions, instrumentBullMQQueue, instrumentBullMQWorker } from './adapters/bullmq.js';
