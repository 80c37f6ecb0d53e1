import Fastify from 'fastify';
import { expect, it } from 'vitest';
import obsFastify from '../src/index.js';
import { total } from './helpers.js';

it('counts routes declared before the plugin and inside plugins registered before it', async () => {
  const app = Fastify();
  app.get('/before', async () => 'x');
  await app.register(async (child) => child.get('/child', async () => 'y'), { prefix: '/early' });
  await app.register(obsFastify, { service: 'order-api', defaultMetrics: false });
  await app.ready();
  await app.inject('/before');
  await app.inject('/early/child');
  const text = await app.obs.registry.metrics();
  expect(total(text, 'http_requests_total', { path: '/before' })).toBe(1);
  expect(total(text, 'http_requests_total', { path: '/early/child' })).toBe(1);
  await app.close();
});
