// The webhook sink: a node:http server that records every notification Alertmanager sends
// (webhook and Slack receivers alike) with the time it arrived.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';

/** One alert inside an Alertmanager webhook notification (payload version 4). */
export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
}

/** An Alertmanager webhook notification. */
export interface WebhookPayload {
  version: string;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  alerts: WebhookAlert[];
}

/** A request the sink received: path (`/webhook` or `/slack`), receive time (ms since epoch), parsed JSON body. */
export interface Received {
  path: string;
  receivedAt: number;
  body: unknown;
}

/** The running sink. */
export interface Sink {
  port: number;
  /** URL for Alertmanager's webhook_configs. */
  webhookUrl: string;
  /** URL written to the Slack `api_url_file`, so the Slack receivers post here too. */
  slackUrl: string;
  received: Received[];
  /** Webhook notifications only, in arrival order. */
  webhooks(): { receivedAt: number; payload: WebhookPayload }[];
  /**
   * The first webhook notification at or after `after` carrying an alert named `alertname` (and
   * the given extra labels) with per-alert `status`; polls until `timeoutMs`.
   */
  waitForAlert(alertname: string, status: WebhookAlert['status'], opts: { after: number; timeoutMs: number; labels?: Record<string, string> }): Promise<{ receivedAt: number; payload: WebhookPayload }>;
  close(): Promise<void>;
}

/**
 * Starts the sink on a free loopback port.
 *
 * @example
 * const sink = await startSink();
 * const hit = await sink.waitForAlert('ServiceDown', 'firing', { after: Date.now(), timeoutMs: 30_000 });
 */
export async function startSink(): Promise<Sink> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const receivedAt = Date.now();
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {}
      received.push({ path: req.url ?? '/', receivedAt, body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('sink: no port');
  const base = `http://127.0.0.1:${address.port}`;
  const webhooks = () =>
    received.filter((r) => r.path === '/webhook' && typeof r.body === 'object' && r.body !== null).map((r) => ({ receivedAt: r.receivedAt, payload: r.body as WebhookPayload }));
  return {
    port: address.port,
    webhookUrl: `${base}/webhook`,
    slackUrl: `${base}/slack`,
    received,
    webhooks,
    async waitForAlert(alertname, status, { after, timeoutMs, labels = {} }) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = webhooks().find(
          (w) =>
            w.receivedAt >= after &&
            w.payload.alerts.some((a) => a.status === status && a.labels.alertname === alertname && Object.entries(labels).every(([k, v]) => a.labels[k] === v)),
        );
        if (hit) return hit;
        if (Date.now() > deadline) {
          const seen = webhooks().flatMap((w) => w.payload.alerts.map((a) => `${new Date(w.receivedAt).toISOString()} ${a.labels.alertname}{service="${a.labels.service ?? ''}"} ${a.status}`));
          throw new Error(`no "${status}" notification for ${alertname} ${JSON.stringify(labels)} within ${timeoutMs} ms; notifications so far:\n  ${seen.join('\n  ') || '(none)'}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
