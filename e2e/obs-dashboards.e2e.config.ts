// The generator config of the end-to-end run: the defaults users get, with the alerts the
// suite proves shortened to `for: 5s` (thresholds and traffic guards stay the defaults, a 5 % 5xx
// share over 0.1 req/s, a 10 % task-failure share over 0.01 tasks/s, except WorkerQueueSizeHigh's
// 1000 waiting jobs, lowered to 500 to keep the test queues small), 1 s scrape and
// evaluation intervals, and Alertmanager timings of seconds. Receivers: the webhook sink, and the
// Slack receivers pointed at the same sink through their `api_url_file`.
import { defineConfig, type ObsDashboardsConfig } from '@obs/dashboards';

/** Seconds of `for` for every alert the suite fires. */
export const E2E_FOR_SECONDS = 5;

/** The WorkerQueueSizeHigh threshold of the run (default 1000), lowered to keep the queues small. */
export const E2E_QUEUE_THRESHOLD = 500;

/**
 * The config for one run (the sink's URLs are only known at run time).
 *
 * @example
 * const files = generate(resolveConfig(e2eConfig({ webhookUrl, slackUrlFile })));
 */
export function e2eConfig(opts: { webhookUrl: string; slackUrlFile: string }): ObsDashboardsConfig {
  const forShort = `${E2E_FOR_SECONDS}s`;
  return defineConfig({
    scrapeInterval: '1s',
    evaluationInterval: '1s',
    alerts: {
      ServiceDown: { for: forShort },
      HighAPIErrorRate: { for: forShort },
      HighWorkerTaskFailureRate: { for: forShort },
      // alert-scenarios.test.ts: three replicas on one queue; 600 waiting jobs must fire, 300 not.
      WorkerQueueSizeHigh: { for: forShort, threshold: E2E_QUEUE_THRESHOLD },
    },
    alertmanager: {
      webhook: { url: opts.webhookUrl },
      slack: { channel: '#obs-e2e', apiUrlFile: opts.slackUrlFile },
      groupWait: '1s',
      groupInterval: '1s',
      repeatInterval: '1h',
    },
  });
}
