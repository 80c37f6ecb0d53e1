// Start-up validation of the amqplib adapter. Its behaviour on a real broker (exact counts of 500
// messages, queue depth against rabbitmqctl, a broker restart) is proven by the end-to-end
// datastores suite (e2e/datastores.test.ts), which runs RabbitMQ 3.10.
import { createObs } from '@obs/metrics-standard';
import { describe, expect, it } from 'vitest';
import { instrumentAmqpChannel, instrumentAmqpQueues } from '../src/amqplib.js';
import { createWorkerMetrics } from '../src/index.js';

const invalid = (option: string) => expect.objectContaining({ code: 'OBS_ERR_INVALID_OPTION', option });

describe('@obs/worker/amqplib options', () => {
  const wm = createWorkerMetrics(createObs({ service: 'amqp-options' }));

  it('rejects what is not a channel, unknown keys and a non-function task', () => {
    expect(() => instrumentAmqpChannel(wm, {} as never)).toThrow(invalid('channel'));
    const channel = { consume() {}, ack() {}, on() {}, off() {} } as never;
    expect(() => instrumentAmqpChannel(wm, channel, { tsak: () => 'x' } as never)).toThrow(invalid('tsak'));
    expect(() => instrumentAmqpChannel(wm, channel, { task: 'send' } as never)).toThrow(invalid('task'));
  });

  it('rejects a missing connection and an empty queue list', () => {
    expect(() => instrumentAmqpQueues(wm, 'amqp://localhost' as never, ['emails'])).toThrow(invalid('connection'));
    expect(() => instrumentAmqpQueues(wm, async () => ({}) as never, [])).toThrow(invalid('queues'));
    expect(() => instrumentAmqpQueues(wm, async () => ({}) as never, [''])).toThrow(invalid('queues'));
  });
});
