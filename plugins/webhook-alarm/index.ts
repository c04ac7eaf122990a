import {HTTPError, TimeoutError} from 'ky';
import {z} from 'zod';
import {AlarmError, definePlugin, redactCredentials} from '../../src/index.js';

const nonNegativeInt = z
  .number({error: 'expected a non-negative integer'})
  .int({error: 'expected a non-negative integer'})
  .nonnegative({error: 'expected a non-negative integer'});

export default definePlugin({
  name: 'webhook',
  kind: 'alarm',
  description: 'POSTs the gap report as JSON with a Slack-compatible "text" field (Slack, Mattermost, Teams workflows, your own receiver)',
  configSchema: z.strictObject({
    // The path of a webhook URL is often its secret (Slack, Teams): it is never printed, only the origin.
    url: z
      // abort: a value that is no URL at all must stop here, or the refinement's `new URL` throws on it.
      .url({protocol: /^https?$/, error: 'expected an http(s) URL', abort: true})
      .refine((url) => !new URL(url).username && !new URL(url).password, 'expected no user name or password in the URL; put a token in "headers"')
      .meta({
        description:
          'Where the report is POSTed, as {"text": …, "report": {…}} (text is Slack-compatible). No credentials in it: put a token in headers. Only its origin is ever printed.',
      }),
    headers: z
      .record(z.string(), z.string({error: 'expected a string'}))
      .default({})
      .meta({description: 'Extra headers, e.g. an Authorization token; their values are never printed.'}),
    timeoutMs: z
      .number({error: 'expected a positive integer (milliseconds)'})
      .int()
      .positive()
      .default(5000)
      .meta({description: 'Per-attempt timeout, in milliseconds.'}),
    retry: z
      .strictObject({
        limit: nonNegativeInt
          .max(10)
          .default(2)
          .meta({description: 'Retries of a delivery that fails or hangs; then the alarm is reported as failed (exit 7).'}),
        baseDelayMs: nonNegativeInt.default(500).meta({description: 'First backoff delay, in milliseconds.'}),
      })
      .prefault({}),
  }),
  create({config, http}) {
    const client = http.create({
      timeoutMs: config.timeoutMs,
      minIntervalMs: 0,
      retry: {limit: config.retry.limit, baseDelayMs: config.retry.baseDelayMs, maxDelayMs: 30_000},
      // An alarm delivered twice beats one never delivered.
      retryMethods: ['post'],
    });
    const where = `${new URL(config.url).origin}/…`;
    return {
      name: 'webhook',
      async fire(report) {
        const before = client.requestCount;
        try {
          await client.ky.post(config.url, {json: {text: report.text, report}, headers: config.headers});
        } catch (error) {
          const attempts = client.requestCount - before;
          const reason =
            error instanceof HTTPError
              ? `HTTP ${error.response.status}`
              : error instanceof TimeoutError
                ? `no answer within ${config.timeoutMs} ms`
                : redactCredentials((error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message)
                    .split(config.url)
                    .join(where);
          throw new AlarmError(`webhook alarm: POST ${where} failed: ${reason} after ${attempts} attempt(s).`, {cause: error});
        }
      },
    };
  },
});
