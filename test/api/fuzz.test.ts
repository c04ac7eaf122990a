import fc from 'fast-check';
import test from 'ava';
import {seededApi} from '../helpers/seeded-api.js';
import {DAY, day} from '../helpers/utc-day.js';

const april = day('2022-04-01');

/** Query values a client may send: numbers near and far, odd spellings, injection-looking text. */
const value = fc.oneof(
  fc.integer({min: april - 400 * DAY, max: april + 40 * DAY}).map(String),
  fc.constantFrom(
    '20',
    '50',
    '200',
    '21',
    '0',
    '-1',
    '',
    ' ',
    '1e3',
    '0x10',
    '1.5',
    'NaN',
    'Infinity',
    '9'.repeat(30),
    '%00',
    '%FF',
    '[]',
    '{}',
    'null',
    "' OR 1=1",
  ),
  fc.string({maxLength: 12}),
);
const key = fc.constantFrom('from', 'to', 'range', 'pair', 'FROM', 'from[]', 'to.x', '__proto__', 'constructor', '');
const query = fc
  .array(fc.tuple(key, value), {maxLength: 5})
  .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));
const segment = fc.oneof(
  fc.constantFrom(
    'BRLBTC',
    'BRLETH',
    'brlbtc',
    'BRLXRP',
    'mms',
    'records',
    'pairs',
    'health',
    'openapi.json',
    'chart-page.js',
    'chart-page.css',
    'assets',
    '..',
    '%2e%2e',
    '%',
    '%E0%A4%A',
    '',
  ),
  fc.string({maxLength: 8}).map(encodeURIComponent),
);
const path = fc.oneof(
  fc.tuple(segment, fc.constantFrom('mms', 'MMS', 'mms/', 'records', 'records/', 'RECORDS', 'x')).map(([a, b]) => `/${a}/${b}`),
  fc.array(segment, {maxLength: 4}).map((parts) => `/${parts.join('/')}`),
);

test('thousands of random paths and queries: every answer is 200 or a 400/404 with {error, message}, never a 5xx', async (t) => {
  const api = await seededApi(t);
  let requests = 0;
  await fc.assert(
    fc.asyncProperty(path, query, async (p, q) => {
      const target = `${p}?${q}`;
      const response = await fetch(`${api.url}${target}`);
      const text = await response.text();
      requests++;
      if (response.status === 200) return;
      if (![400, 404].includes(response.status)) throw new Error(`${target} → ${response.status} ${text}`);
      const body = JSON.parse(text) as {error?: unknown; message?: unknown};
      if (typeof body.error !== 'string' || typeof body.message !== 'string')
        throw new Error(`${target} → ${response.status} without {error, message}: ${text}`);
    }),
    {numRuns: 3000},
  );
  t.is(requests, 3000);
});

test('/pairs takes no query parameters: any key is a 400 unknown_parameter naming it, never ignored', async (t) => {
  const api = await seededApi(t);
  const name = fc.stringMatching(/^[A-Za-z_][\w.-]{0,11}$/).filter((k) => k !== '__proto__');
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(name, value, async (k, v) => {
      const {status, body} = await api.get(`/pairs?${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
      const want = {error: 'unknown_parameter', message: `${k} is not a parameter: this route takes no query parameters`};
      if (status !== 400 || JSON.stringify(body) !== JSON.stringify(want)) throw new Error(`/pairs?${k}=${v} → ${status} ${JSON.stringify(body)}`);
      refused++;
    }),
    {numRuns: 300},
  );
  t.is(refused, 300);
});
