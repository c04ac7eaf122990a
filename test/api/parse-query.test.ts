import fc from 'fast-check';
import test from 'ava';
import {NOW, seededApi} from '../helpers/seeded-api.js';
import {DAY, day} from '../helpers/utc-day.js';

const oldest = Math.floor(NOW / 1000 / DAY) * DAY - 365 * DAY;

/** Spellings of `n` that JavaScript's Number reads as n (or within rounding of it), none of them decimal digits. */
function otherSpellings(n: number): string[] {
  return [
    `0x${n.toString(16)}`,
    `0o${n.toString(8)}`,
    `0b${n.toString(2)}`,
    `${n / 10}e1`,
    `+${n}`,
    ` ${n}`,
    `${n} `,
    `\t${n}`,
    `\u00a0${n}`,
    `\u2003${n}`,
    `${n}.0`,
    `${n - 1}.99999999999999999`,
    `${n}.0000000001`,
  ];
}

test('integer parameters are decimal digits: other spellings JavaScript reads as the same number are a 400 naming the parameter and the value', async (t) => {
  const api = await seededApi(t);
  const from = day('2022-04-01');
  const cases: Array<[string, string, string]> = [
    ...otherSpellings(20).map((v): [string, string, string] => [`/BRLBTC/mms?from=${from}&range=${encodeURIComponent(v)}`, 'invalid_range', v]),
    ...otherSpellings(from).map((v): [string, string, string] => [`/BRLBTC/mms?from=${encodeURIComponent(v)}&range=20`, 'invalid_from', v]),
    ...otherSpellings(from + DAY).map((v): [string, string, string] => [`/BRLBTC/records?from=${from}&to=${encodeURIComponent(v)}`, 'invalid_to', v]),
  ];
  for (const [path, error, value] of cases) {
    const {status, body} = await api.get(path);
    t.is(status, 400, path);
    t.deepEqual(
      body,
      {
        error,
        message: `${error.slice(8)} must be an integer (${error === 'invalid_range' ? 'days' : 'Unix seconds'}) in decimal digits, got ${JSON.stringify(value)}.`,
      },
      path,
    );
  }
});

test('a `from` a fraction of a second before the 365-day limit is refused, not rounded up into it', async (t) => {
  const api = await seededApi(t);
  t.is((await api.get(`/BRLBTC/mms?from=${oldest}&range=20`)).status, 200);
  const {status, body} = await api.get(`/BRLBTC/mms?from=${oldest - 1}.9999999&range=20`);
  t.is(status, 400);
  t.like(body, {error: 'invalid_from'});
});

test('decimal digits are read as the number they write, leading zeros included; a negative one is refused by the schema as before', async (t) => {
  const api = await seededApi(t);
  const from = day('2022-04-01');
  const plain = await api.get(`/BRLBTC/mms?from=${from}&range=20`);
  t.deepEqual((await api.get(`/BRLBTC/mms?from=0${from}&range=020`)).body, plain.body);
  t.like((await api.get('/BRLBTC/mms?from=-5&range=20')).body, {error: 'invalid_from', message: 'from must be Unix seconds, not negative'});
});

test('any value of from, to or range that is not decimal digits is a 400 invalid_<key>, whatever else the query holds', async (t) => {
  const api = await seededApi(t);
  const notDigits = fc.string({minLength: 1, maxLength: 12}).filter((v) => !/^-?\d+$/.test(v));
  const key = fc.constantFrom('from', 'to', 'range');
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(key, notDigits, async (k, v) => {
      const query = {from: String(day('2022-04-01')), range: '20', [k]: v};
      const {status, body} = await api.get(`/BRLBTC/mms?${new URLSearchParams(query)}`);
      if (status !== 400 || (body as {error: string}).error !== `invalid_${k}`)
        throw new Error(`${k}=${JSON.stringify(v)} → ${status} ${JSON.stringify(body)}`);
      refused++;
    }),
    {numRuns: 500},
  );
  t.is(refused, 500);
});
