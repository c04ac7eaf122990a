import {readFileSync} from 'node:fs';
import test from 'ava';
import fc from 'fast-check';
import {CandleFormatError, parseJsonBody, parseLegacyCandles, parseV4Candles} from '../../../plugins/mercado-bitcoin/parse-candles.js';
import {type Candle, exactDecimal, heldExactly} from '../../../src/core/contracts/candle.js';
import {RECORDED_FILE} from '../../../simulator/recorded-dataset.js';
import {decimalFraction} from '../sma/exact-decimal-mean.js';
import {priceDecimal} from '../sma/price-arbitraries.js';

const DAY = 86_400;
/** 2022-04-26T00:00:00Z, the last complete recorded day. */
const T0 = Date.UTC(2022, 3, 26) / 1000;

/** The recorded legacy responses exactly as MB sent them (JSON numbers). */
function recordedResponses(): Record<'BRLBTC' | 'BRLETH', {status_code: number; status_message: string; candles: Candle[]}> {
  return JSON.parse(readFileSync(RECORDED_FILE, 'utf8'));
}

/** A candle with its fields in one fixed order, so deep comparisons do not depend on the source's key order. */
function candle(c: Candle): Candle {
  return {timestamp: c.timestamp, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume};
}

/** The v4 column shape of some bars: `t` as integers, prices and volumes as decimal strings. */
function v4Body(candles: readonly Candle[], format: (n: number) => string = String): Record<string, unknown[]> {
  return {
    t: candles.map((c) => c.timestamp),
    o: candles.map((c) => format(c.open)),
    h: candles.map((c) => format(c.high)),
    l: candles.map((c) => format(c.low)),
    c: candles.map((c) => format(c.close)),
    v: candles.map((c) => format(c.volume)),
  };
}

function legacyBody(candles: readonly unknown[]): Record<string, unknown> {
  return {status_code: 100, status_message: 'Success', server_unix_timestamp: T0 + 2 * DAY, candles};
}

/** Three consecutive well-formed daily bars ending 2022-04-26. */
function threeBars(): Candle[] {
  return [0, 1, 2].map((i) => ({
    timestamp: T0 - (2 - i) * DAY,
    open: 200_000 + i,
    high: 210_000 + i,
    low: 190_000 + i,
    close: 205_000 + i,
    volume: 10.5 + i,
  }));
}

const isoDay = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

for (const pair of ['BRLBTC', 'BRLETH'] as const) {
  test(`parseV4Candles and parseLegacyCandles turn every recorded ${pair} bar, in either API shape, into the same candles`, (t) => {
    const recorded = recordedResponses()[pair].candles;
    const expected = recorded.map(candle);
    const fromLegacy = parseLegacyCandles(parseJsonBody(JSON.stringify(legacyBody(recorded))), DAY);
    const fromV4 = parseV4Candles(parseJsonBody(JSON.stringify(v4Body(recorded))), DAY);
    t.is(fromLegacy.length, recorded.length);
    t.deepEqual(fromLegacy, expected);
    t.deepEqual(fromV4, expected);
  });
}

test('parseV4Candles keeps float64 precision of decimal strings: each value is exactly Number() of its string', (t) => {
  const decimals = ['344013.01851597', '0.1000000000000000055511151231257827', '1.5e3', '+7.25', '.5', '99999999999999.99999999', '0.00000001'];
  const [candle0] = parseV4Candles({t: [T0], o: [decimals[0]], h: [decimals[0]], l: [decimals[0]], c: [decimals[0]], v: ['0']}, DAY);
  t.is(candle0!.close, Number('344013.01851597'));
  t.is(candle0!.close, 344013.01851597);
  const many = parseV4Candles(
    {
      t: decimals.map((_, i) => T0 + i * DAY),
      o: decimals,
      h: decimals,
      l: decimals,
      c: decimals,
      v: decimals,
    },
    DAY,
  );
  t.deepEqual(
    many.map((c) => c.close),
    decimals.map(Number),
  );
  t.deepEqual(
    many.map((c) => c.volume),
    decimals.map(Number),
  );
});

test('parseV4Candles reads the recorded closes written with eight decimals to the same floats as the JSON numbers', (t) => {
  const recorded = recordedResponses().BRLBTC.candles;
  const parsed = parseV4Candles(
    v4Body(recorded, (n) => n.toFixed(8)),
    DAY,
  );
  t.deepEqual(
    parsed.map((c) => c.close),
    recorded.map((c) => Number(c.close.toFixed(8))),
  );
  // toFixed(8) is lossless for these prices, so the string path lands on the very float of the JSON number.
  t.deepEqual(
    parsed.map((c) => c.close),
    recorded.map((c) => c.close),
  );
});

test('parseJsonBody returns the parsed value of a JSON body', (t) => {
  t.deepEqual(parseJsonBody(' {"t": [1], "ok": true} '), {t: [1], ok: true});
  t.is(parseJsonBody('null'), null);
});

test('parseJsonBody rejects an HTML page (a Cloudflare block) as an HTML page, not as broken JSON', (t) => {
  for (const html of [
    '<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title></head></html>',
    '\n  <html><body>502 Bad Gateway</body></html>',
  ]) {
    t.throws(() => parseJsonBody(html), {instanceOf: CandleFormatError, message: /HTML page/});
  }
});

test('parseJsonBody rejects malformed JSON and says the body is not valid JSON', (t) => {
  for (const text of ['{"t": [1651017600,', '', 'OK', "{'t': []}"]) {
    const error = t.throws(() => parseJsonBody(text), {instanceOf: CandleFormatError});
    t.regex(error.message, /not valid JSON/, JSON.stringify(text));
  }
});

test('parseV4Candles rejects a body that is not an object, describing what it got', (t) => {
  for (const [body, described] of [
    [null, 'null'],
    [[], '[]'],
    ['candles', '"candles"'],
    [42, '42'],
    [undefined, 'nothing'],
  ] as const) {
    const error = t.throws(() => parseV4Candles(body, DAY), {instanceOf: CandleFormatError});
    t.regex(error.message, /expected an object with t, o, h, l, c, v arrays/);
    t.true(error.message.endsWith(`got ${described}`), error.message);
  }
});

test('parseLegacyCandles rejects a body that is not an object', (t) => {
  for (const body of [null, [], 'Success', 100]) {
    t.throws(() => parseLegacyCandles(body, DAY), {instanceOf: CandleFormatError, message: /expected an object with a "candles" array/});
  }
});

for (const column of ['t', 'o', 'h', 'l', 'c', 'v'] as const) {
  test(`parseV4Candles names the missing column "${column}"`, (t) => {
    const body = v4Body(threeBars());
    delete body[column];
    t.throws(() => parseV4Candles(body, DAY), {instanceOf: CandleFormatError, message: `"${column}" must be an array, got nothing`});
  });
}

test('parseV4Candles names a column that is not an array', (t) => {
  const body: Record<string, unknown> = v4Body(threeBars());
  body.c = '205000';
  t.throws(() => parseV4Candles(body, DAY), {instanceOf: CandleFormatError, message: '"c" must be an array, got "205000"'});
});

test('parseV4Candles rejects column arrays of unequal length, naming the short column and both lengths', (t) => {
  const body = v4Body(threeBars());
  body.c = body.c!.slice(0, 2);
  t.throws(() => parseV4Candles(body, DAY), {instanceOf: CandleFormatError, message: /unequal lengths \(t: 3, c: 2\)/});
  const longer = v4Body(threeBars());
  longer.t = [...longer.t!, T0 + DAY];
  t.throws(() => parseV4Candles(longer, DAY), {instanceOf: CandleFormatError, message: /unequal lengths \(t: 4, o: 3\)/});
});

test('parseV4Candles rejects a value that is not a decimal number, naming the column, the index and the value', (t) => {
  for (const value of ['abc', '', '12,5', '1.2.3', '0x10', null, true, {}, ['1']]) {
    const body = v4Body(threeBars());
    body.o![1] = value;
    const error = t.throws(() => parseV4Candles(body, DAY), {instanceOf: CandleFormatError});
    t.regex(error.message, /^o\[1\]: expected a decimal number, got /, JSON.stringify(value));
    t.true(error.message.endsWith(`got ${JSON.stringify(value)}`), error.message);
  }
});

test('parseLegacyCandles rejects a value that is not a decimal number, naming the bar and the field', (t) => {
  const bars: Record<string, unknown>[] = threeBars().map((c) => ({...c}));
  bars[2]!.high = 'n/a';
  t.throws(() => parseLegacyCandles(legacyBody(bars), DAY), {instanceOf: CandleFormatError, message: 'candles[2].high: expected a decimal number, got "n/a"'});
  const missing: Record<string, unknown>[] = threeBars().map((c) => ({...c}));
  delete missing[0]!.volume;
  t.throws(() => parseLegacyCandles(legacyBody(missing), DAY), {
    instanceOf: CandleFormatError,
    message: 'candles[0].volume: expected a decimal number, got nothing',
  });
});

test('parseV4Candles rejects non-finite strings ("Infinity", "NaN", "1e400") and names the field and value', (t) => {
  for (const value of ['Infinity', '-Infinity', 'NaN', '1e400']) {
    const body = v4Body(threeBars());
    body.c![0] = value;
    const error = t.throws(() => parseV4Candles(body, DAY), {instanceOf: CandleFormatError});
    t.true(error.message.startsWith('c[0]: expected a '), error.message);
    t.true(error.message.includes(JSON.stringify(value)), error.message);
  }
  const body = v4Body(threeBars());
  body.v![2] = '1e400';
  t.throws(() => parseV4Candles(body, DAY), {instanceOf: CandleFormatError, message: 'v[2]: expected a finite number, got "1e400"'});
});

test('parseLegacyCandles rejects a JSON number that overflows to Infinity as not finite', (t) => {
  const text = JSON.stringify(legacyBody(threeBars())).replace('"close":205000,', '"close":1e400,');
  t.true(text.includes('1e400'));
  t.throws(() => parseLegacyCandles(parseJsonBody(text), DAY), {instanceOf: CandleFormatError, message: /^candles\[0\]\.close: expected a finite number/});
});

test('parseV4Candles rejects a timestamp that is not aligned to the resolution, but the same instant is fine at a finer one', (t) => {
  const body = v4Body(threeBars());
  const unaligned = T0 + 3600;
  body.t![2] = unaligned;
  const error = t.throws(() => parseV4Candles(body, DAY), {instanceOf: CandleFormatError});
  t.regex(error.message, /^t\[2\]: /);
  t.true(error.message.includes(String(unaligned)) && error.message.includes(new Date(unaligned * 1000).toISOString()), error.message);
  t.regex(error.message, /not aligned to the 86400s resolution/);
  const hourly = parseV4Candles(body, 3600);
  t.is(hourly.at(-1)!.timestamp, unaligned);
});

test('parseLegacyCandles rejects a timestamp that is not aligned to the resolution', (t) => {
  const bars = threeBars().map((c, i) => (i === 1 ? {...c, timestamp: c.timestamp + 60} : c));
  t.throws(() => parseLegacyCandles(legacyBody(bars), DAY), {
    instanceOf: CandleFormatError,
    message: /^candles\[1\]\.timestamp: .*not aligned to the 86400s resolution/,
  });
});

test('parseV4Candles and parseLegacyCandles reject millisecond timestamps and say they look like milliseconds', (t) => {
  const ms = T0 * 1000;
  const body = v4Body(threeBars());
  body.t![0] = ms;
  t.throws(() => parseV4Candles(body, DAY), {instanceOf: CandleFormatError, message: `t[0]: ${ms} looks like milliseconds, expected Unix seconds`});
  const bars = threeBars().map((c) => ({...c, timestamp: c.timestamp * 1000}));
  t.throws(() => parseLegacyCandles(legacyBody(bars), DAY), {instanceOf: CandleFormatError, message: /^candles\[0\]\.timestamp: \d+ looks like milliseconds/});
});

test('parseV4Candles rejects timestamps that are not integer Unix seconds', (t) => {
  for (const value of [T0 + 0.5, String(T0), -DAY, null]) {
    const body = v4Body(threeBars());
    body.t![1] = value;
    t.throws(() => parseV4Candles(body, DAY), {instanceOf: CandleFormatError, message: /^t\[1\]: expected integer Unix seconds/}, JSON.stringify(value));
  }
});

test('parseV4Candles rejects two different bars for one timestamp, naming the day and both closes', (t) => {
  const bars = threeBars();
  const conflicting = {...bars[1]!, close: bars[1]!.close + 0.5};
  const error = t.throws(() => parseV4Candles(v4Body([...bars, conflicting]), DAY), {instanceOf: CandleFormatError});
  t.regex(error.message, new RegExp(`two different candles for ${isoDay(bars[1]!.timestamp)}\\b`));
  t.true(error.message.includes(String(bars[1]!.close)) && error.message.includes(String(conflicting.close)), error.message);
});

test('parseLegacyCandles rejects two bars for one timestamp that differ only in volume', (t) => {
  const bars = threeBars();
  const conflicting = {...bars[0]!, volume: bars[0]!.volume + 1};
  t.throws(() => parseLegacyCandles(legacyBody([conflicting, ...bars]), DAY), {
    instanceOf: CandleFormatError,
    message: new RegExp(`^two different candles for ${isoDay(bars[0]!.timestamp)}`),
  });
});

test('parseV4Candles and parseLegacyCandles collapse exact duplicate bars into one', (t) => {
  const bars = threeBars();
  const withRepeats = [bars[0]!, bars[1]!, bars[1]!, bars[2]!, bars[0]!];
  const expected = bars.map(candle);
  t.deepEqual(parseV4Candles(v4Body(withRepeats), DAY), expected);
  t.deepEqual(parseLegacyCandles(legacyBody(withRepeats), DAY), expected);
});

test('parseV4Candles and parseLegacyCandles sort unsorted bars ascending by timestamp', (t) => {
  const recorded = recordedResponses().BRLETH.candles.slice(0, 40);
  // A deterministic shuffle: stride 7 through 40 bars visits each once.
  const shuffled = recorded.map((_, i) => recorded[(i * 7) % recorded.length]!);
  t.notDeepEqual(
    shuffled.map((c) => c.timestamp),
    recorded.map((c) => c.timestamp),
  );
  const expected = recorded.map(candle);
  t.deepEqual(parseV4Candles(v4Body(shuffled), DAY), expected);
  t.deepEqual(parseLegacyCandles(legacyBody(shuffled), DAY), expected);
});

for (const field of ['open', 'high', 'low', 'close'] as const) {
  test(`parseV4Candles and parseLegacyCandles reject a non-positive ${field}, naming the bar, its day and the value`, (t) => {
    for (const value of [0, -1]) {
      const bars = threeBars().map((c, i) => (i === 1 ? {...c, [field]: value} : c));
      const day = isoDay(bars[1]!.timestamp);
      t.throws(() => parseV4Candles(v4Body(bars), DAY), {instanceOf: CandleFormatError, message: `bar 1 (${day}): ${field} must be positive, got ${value}`});
      t.throws(() => parseLegacyCandles(legacyBody(bars), DAY), {
        instanceOf: CandleFormatError,
        message: new RegExp(`^candles\\[1\\] \\(${escapeRegExp(day)}\\): ${field} must be positive`),
      });
    }
  });
}

test('parseV4Candles and parseLegacyCandles reject a negative volume but accept a zero volume (a day without trades)', (t) => {
  const negative = threeBars().map((c, i) => (i === 2 ? {...c, volume: -0.5} : c));
  const day = isoDay(negative[2]!.timestamp);
  t.throws(() => parseV4Candles(v4Body(negative), DAY), {instanceOf: CandleFormatError, message: `bar 2 (${day}): volume must not be negative, got -0.5`});
  t.throws(() => parseLegacyCandles(legacyBody(negative), DAY), {
    instanceOf: CandleFormatError,
    message: /^candles\[2\] .*volume must not be negative, got -0\.5/,
  });
  const zero = threeBars().map((c, i) => (i === 2 ? {...c, volume: 0} : c));
  t.is(parseV4Candles(v4Body(zero), DAY)[2]!.volume, 0);
  t.is(parseLegacyCandles(legacyBody(zero), DAY)[2]!.volume, 0);
});

test('parseLegacyCandles rejects a status_code other than 100, quoting the code and the status message', (t) => {
  t.throws(() => parseLegacyCandles({status_code: 500, status_message: 'Internal error', candles: threeBars()}, DAY), {
    instanceOf: CandleFormatError,
    message: 'status_code 500 (Internal error)',
  });
  t.throws(() => parseLegacyCandles({status_code: '100', candles: threeBars()}, DAY), {
    instanceOf: CandleFormatError,
    message: /^status_code 100 \(no message\)/,
  });
  t.throws(() => parseLegacyCandles({candles: threeBars()}, DAY), {instanceOf: CandleFormatError, message: /^status_code undefined/});
});

test('parseLegacyCandles rejects a "candles" field that is not an array and a bar that is not an object', (t) => {
  t.throws(() => parseLegacyCandles({status_code: 100, candles: {}}, DAY), {instanceOf: CandleFormatError, message: '"candles" must be an array, got {}'});
  t.throws(() => parseLegacyCandles({status_code: 100}, DAY), {instanceOf: CandleFormatError, message: '"candles" must be an array, got nothing'});
  t.throws(() => parseLegacyCandles(legacyBody([...threeBars(), [T0, 1, 1, 1, 1, 1]]), DAY), {
    instanceOf: CandleFormatError,
    message: /^candles\[3\] must be an object, got \[/,
  });
});

test('parseV4Candles and parseLegacyCandles accept an empty response (no bars in the window)', (t) => {
  t.deepEqual(parseV4Candles({t: [], o: [], h: [], l: [], c: [], v: []}, DAY), []);
  t.deepEqual(parseLegacyCandles(legacyBody([]), DAY), []);
});

test('a JSON number that overflows to Infinity is quoted as Infinity in the message, not as null', (t) => {
  // describe() uses JSON.stringify, which writes Infinity and NaN as "null".
  const text = JSON.stringify(legacyBody(threeBars())).replace('"close":205000,', '"close":1e400,');
  const error = t.throws(() => parseLegacyCandles(parseJsonBody(text), DAY), {instanceOf: CandleFormatError});
  t.notRegex(error.message, /got null/);
  t.regex(error.message, /Infinity/);
});

/** Whether two decimal texts are the same number, exactly (the reference for `heldExactly`). */
function sameDecimal(a: string, b: string): boolean {
  const x = decimalFraction(a);
  const y = decimalFraction(b);
  const scale = Math.max(x.scale, y.scale);
  return x.numerator * 10n ** BigInt(scale - x.scale) === y.numerator * 10n ** BigInt(scale - y.scale);
}

/** Significant digits of a decimal text, counted independently of the code under test. */
function significantDigits(text: string): number {
  return decimalFraction(text).numerator.toString().replace(/^-/, '').replace(/0+$/, '').replace(/^0+/, '').length;
}

test('heldExactly is true only when the float64 of a decimal gives that decimal back, and always for at most 15 significant digits', (t) => {
  fc.assert(
    fc.property(
      fc.oneof(priceDecimal, fc.constantFrom('0', '0.0', '1e-400', '1e400', '123456789012345', '1234567890123456', '0.1000000000000000', '+5')),
      (text) => {
        const value = Number(text);
        const exact = Number.isFinite(value) && (value === 0 ? sameDecimal(text, '0') : sameDecimal(text, String(value)));
        const held = heldExactly(text, value);
        if (held && !exact) throw new Error(`${text} is not held exactly by ${value}`);
        if (!held && exact && significantDigits(text) <= 15) throw new Error(`${text} has at most 15 significant digits`);
      },
    ),
    {numRuns: 5000},
  );
  t.pass();
});

test('parseV4Candles keeps the text of every value a float64 cannot hold exactly, and only of those', (t) => {
  const body = {t: [T0], o: ['123456789012.12345678'], h: ['999999999999.99999999'], l: ['191411.11707'], c: ['123456789012.1'], v: ['0.00000001']};
  const [parsed] = parseV4Candles(body, DAY);
  t.deepEqual(parsed!.exact, {open: '123456789012.12345678', high: '999999999999.99999999'});
  t.is(parsed!.close, 123456789012.1);
  t.is(exactDecimal(parsed!, 'open'), '123456789012.12345678');
  t.is(exactDecimal(parsed!, 'low'), '191411.11707');
  t.is(parseV4Candles(v4Body(threeBars()), DAY)[0]!.exact, undefined, 'prices a float64 holds carry no text');
});

test('a legacy body read with exactNumbers keeps the source text of JSON numbers a float64 cannot hold, the rest as numbers', (t) => {
  const text = `{"status_code":100,"candles":[{"timestamp":${T0},"open":123456789012.12345678,"high":123456789012.12345679,"low":5,"close":123456789012.12345678,"volume":1.5}]}`;
  const [exact] = parseLegacyCandles(parseJsonBody(text, {exactNumbers: true}), DAY);
  t.deepEqual(exact!.exact, {open: '123456789012.12345678', high: '123456789012.12345679', close: '123456789012.12345678'});
  t.is(exact!.low, 5);
  const [rounded] = parseLegacyCandles(parseJsonBody(text), DAY);
  t.is(rounded!.exact, undefined, 'without exactNumbers, JSON numbers are float64s');
  t.is(rounded!.high, rounded!.open, 'two decimals a float64 cannot tell apart');
});
