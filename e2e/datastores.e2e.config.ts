// The generator config of the datastores suite: the end-to-end defaults (1 s scrape and
// evaluation, Alertmanager timings of seconds, the webhook sink) with the datastore alerts the
// suite proves shortened to `for: 5s`; their expressions and thresholds stay the defaults users get.
import { defineConfig, type ObsDashboardsConfig } from '@obs/dashboards';
import { E2E_FOR_SECONDS, e2eConfig } from './obs-dashboards.e2e.config.js';

/** The datastore alerts the suite fires and resolves. */
export const DATASTORE_ALERTS = ['PostgreSQLDown', 'RedisDown', 'RabbitMQDown', 'HighPostgreSQLConnectionPoolUsage', 'HighRedisMemoryUsage'] as const;

/**
 * The config for one run (the sink's URLs are only known at run time).
 *
 * @example
 * const files = generate(resolveConfig(datastoresE2eConfig({ webhookUrl, slackUrlFile })));
 */
export function datastoresE2eConfig(opts: { webhookUrl: string; slackUrlFile: string }): ObsDashboardsConfig {
  const base = e2eConfig(opts);
  const forShort = { for: `${E2E_FOR_SECONDS}s` };
  return defineConfig({ ...base, alerts: { ...base.alerts, ...Object.fromEntries(DATASTORE_ALERTS.map((a) => [a, forShort])) } });
}
