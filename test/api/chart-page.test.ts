import {copyFile, mkdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {type Browser, chromium, type Page} from 'playwright-core';
import type {MmsRecord} from '../../src/core/contracts/record.js';
import {findChromium} from '../helpers/find-chromium.js';
import {ROOT} from '../helpers/run-cli.js';
import {recordedRecords} from '../helpers/seeded-api.js';
import {servedStore} from '../helpers/served-store.js';
import {DAY, day} from '../helpers/utc-day.js';

const NOW = '2022-04-27T12:00:00Z';
/** The server's today (00:00 UTC) under MMS_NOW: the page's periods end the day before. */
const TODAY = Math.floor(Date.parse(NOW) / 1000 / DAY) * DAY;
const KEYS = ['close', 'mms_20', 'mms_50', 'mms_200'] as const;

/** What the tests reach inside the page: the charts it exposes on window (no DOM types in this project). */
interface PageGlobals {
  mmsCharts: Record<
    string,
    {
      chart: {timeScale(): {timeToCoordinate(time: number): number | null}};
      plot: {getBoundingClientRect(): {left: number; top: number; height: number}};
      series: Record<
        string,
        {
          data(): ReadonlyArray<{time: number; value?: number; color?: string}>;
          priceFormatter(): {format(price: number): string};
          options(): {priceScaleId?: string};
        }
      >;
    }
  >;
}

/** The expected series straight from the seeded records: the last `days` days up to yesterday, days with a value. */
function expected(records: readonly MmsRecord[], pair: string, days: number, key: string) {
  const values = records
    .filter((r) => r.pair === pair && r.timestamp >= TODAY - days * DAY && r.timestamp < TODAY && typeof r[key] === 'number')
    .sort((a, b) => a.timestamp - b.timestamp);
  return {points: values.length, last: values.at(-1)?.[key] as number | undefined};
}

const chromiumPath = findChromium();

if (chromiumPath) {
  let browser: Browser;
  test.before(async () => {
    browser = await chromium.launch({executablePath: chromiumPath});
  });
  test.after.always(async () => browser?.close());

  /**
   * A fresh page that may load nothing but what mms serves (any other request is blocked and recorded);
   * `prepare` may route more of its requests before it loads.
   */
  async function openPage(t: ExecutionContext, url: string, prepare?: (page: Page) => Promise<void>) {
    // A zone west of Greenwich: a date shown in local time instead of UTC would be the day before.
    const context = await browser.newContext({viewport: {width: 1200, height: 720}, timezoneId: 'America/Sao_Paulo', locale: 'en-US'});
    t.teardown(() => context.close());
    const page = await context.newPage();
    const origin = new URL(url).origin;
    const elsewhere: string[] = [];
    const problems: string[] = [];
    await page.route('**/*', (route) => {
      if (new URL(route.request().url()).origin === origin) return route.continue();
      elsewhere.push(route.request().url());
      return route.abort();
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    await prepare?.(page);
    await page.goto(url);
    return {page, elsewhere, problems};
  }

  const chartOf = (page: Page, pair: string) => page.locator(`section.chart[data-pair="${pair}"]`);

  async function legendOf(page: Page, pair: string) {
    const legend: Record<string, {points: number; last: number | undefined; value: string; text: string}> = {};
    for (const key of KEYS) {
      const item = chartOf(page, pair).locator(`li[data-series="${key}"]`);
      const last = await item.getAttribute('data-last');
      legend[key] = {
        points: Number(await item.getAttribute('data-points')),
        last: last ? Number(last) : undefined,
        value: (await item.getAttribute('data-value')) ?? '',
        text: (await item.textContent()) ?? '',
      };
    }
    return legend;
  }

  async function assertSeries(t: ExecutionContext, page: Page, records: readonly MmsRecord[], pair: string, days: number) {
    await chartOf(page, pair)
      .and(page.locator(`[data-state="ready"][data-days="${days}"]`))
      .waitFor();
    const legend = await legendOf(page, pair);
    for (const key of KEYS) {
      const want = expected(records, pair, days, key);
      t.is(legend[key]!.points, want.points, `${pair} ${days} days ${key}: points`);
      t.is(legend[key]!.last, want.last, `${pair} ${days} days ${key}: last value`);
    }
    // The chart itself holds those points (not only the legend), and never a 0 standing in for "no value".
    const held = await page.evaluate(
      ([p, keys]) =>
        Object.fromEntries(
          keys.map((k) => [
            k,
            (globalThis as unknown as PageGlobals).mmsCharts[p]!.series[k]!.data()
              .filter((d) => d.value !== undefined)
              .map((d) => d.value!),
          ]),
        ),
      [pair, KEYS] as const,
    );
    for (const key of KEYS) {
      t.is(held[key]!.length, expected(records, pair, days, key).points, `${pair} ${days} days ${key}: points in the chart`);
      t.false(held[key]!.includes(0), `${pair} ${key}: no 0 in the chart`);
    }
  }

  /** Moves the pointer over `time` on the pair's chart; resolves once the legend shows that day. */
  async function hover(page: Page, pair: string, time: number) {
    const point = await page.evaluate(
      ([p, t]) => {
        const view = (globalThis as unknown as PageGlobals).mmsCharts[p]!;
        const box = view.plot.getBoundingClientRect();
        return {x: box.left + view.chart.timeScale().timeToCoordinate(t)!, y: box.top + box.height / 2};
      },
      [pair, time] as const,
    );
    await page.mouse.move(point.x, point.y);
    await chartOf(page, pair)
      .and(page.locator(`[data-hovered="true"][data-time="${time}"]`))
      .waitFor();
  }

  const brDate = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10).split('-').reverse().join('/');

  test('the chart page draws the close and each average of the selected pair from the API, in BRL, offline; pair and period switch', async (t) => {
    const records = recordedRecords();
    const store = await servedStore(t);
    await store.seed(records);
    const server = await store.serve({now: NOW});
    t.is(server.page, `${server.url}/`);
    const {page, elsewhere, problems} = await openPage(t, server.page);

    await assertSeries(t, page, records, 'BRLBTC', 365);
    t.deepEqual(await page.locator('#pair option').evaluateAll((options) => options.map((o) => (o as unknown as {value: string}).value)), ['BRLBTC', 'BRLETH']);
    t.deepEqual(await page.locator('#period option').allTextContents(), ['30 days', '90 days', '365 days']);
    t.is(await page.locator('#period').inputValue(), '365', 'the period defaults to 365 days');
    t.is(await page.getByLabel('Pair').inputValue(), 'BRLBTC', 'the selectors are labelled');
    t.is(await chartOf(page, 'BRLBTC').locator('h2').textContent(), 'BRLBTC BTC priced in BRL');

    // The price axis and every value are in the quote currency, pt-BR style.
    const axis = await page.evaluate(() => (globalThis as unknown as PageGlobals).mmsCharts.BRLBTC!.series.close!.priceFormatter().format(218000));
    t.regex(axis, /^R\$\s218\.000,00$/);

    // Hover: the legend shows that day (UTC, though the browser is in São Paulo) and each value of it.
    const hovered = day('2022-01-17');
    await hover(page, 'BRLBTC', hovered);
    const row = records.find((r) => r.pair === 'BRLBTC' && r.timestamp === hovered)!;
    t.is(await chartOf(page, 'BRLBTC').locator('.legend .day').textContent(), brDate(hovered));
    const legend = await legendOf(page, 'BRLBTC');
    for (const key of KEYS) {
      t.is(Number(legend[key]!.value), row[key] as number, `hovered ${key}`);
      t.regex(legend[key]!.text, /R\$\s[\d.]+,\d{2}$/, `hovered ${key} is shown in BRL`);
    }
    await mkdir(join(ROOT, 'test-artifacts'), {recursive: true});
    const screenshot = join(ROOT, 'test-artifacts', 'chart-page.png');
    await page.screenshot({path: screenshot});
    t.log(`screenshot: ${screenshot}`);
    if (process.env.MMS_UPDATE_SCREENSHOT === '1') await copyFile(screenshot, join(ROOT, 'docs', 'chart-page.png'));

    await page.selectOption('#pair', 'BRLETH');
    await assertSeries(t, page, records, 'BRLETH', 365);
    t.true(await chartOf(page, 'BRLBTC').isHidden(), 'one chart at a time: the selected pair');
    await page.selectOption('#period', '30');
    await assertSeries(t, page, records, 'BRLETH', 30);
    await page.selectOption('#pair', 'BRLBTC');
    await assertSeries(t, page, records, 'BRLBTC', 30);
    await page.selectOption('#period', '90');
    await assertSeries(t, page, records, 'BRLBTC', 90);
    t.true(page.url().endsWith('/?pair=BRLBTC&days=90'), 'the choice is in the URL, to share or reload');
    await page.reload();
    await assertSeries(t, page, records, 'BRLBTC', 90);

    t.deepEqual(elsewhere, [], 'nothing is loaded from anywhere but mms (no CDN)');
    t.deepEqual(problems, []);
  });

  test('a day without a value for a window is a gap in its line, never 0; the last value is the newest day that has one', async (t) => {
    const gap = day('2022-04-10');
    const records = recordedRecords().map((r) => {
      if (r.pair !== 'BRLBTC') return r;
      if (r.timestamp === gap) return {...r, mms_200: null};
      if (r.timestamp === day('2022-04-26')) return {...r, mms_50: null};
      return r;
    });
    const store = await servedStore(t);
    await store.seed(records);
    const server = await store.serve({now: NOW});
    const {page, problems} = await openPage(t, `${server.page}?pair=BRLBTC&days=30`);
    await assertSeries(t, page, records, 'BRLBTC', 30);
    t.is(expected(records, 'BRLBTC', 30, 'mms_200').points, 29);
    t.is(expected(records, 'BRLBTC', 30, 'mms_50').last, records.find((r) => r.pair === 'BRLBTC' && r.timestamp === day('2022-04-25'))!.mms_50 as number);
    const around = await page.evaluate(
      ([time, oneDay]) => (globalThis as unknown as PageGlobals).mmsCharts.BRLBTC!.series.mms_200!.data().filter((d) => Math.abs(d.time - time) <= oneDay),
      [gap, DAY] as const,
    );
    t.deepEqual(
      around.map((d) => [d.time, d.color ?? 'line']),
      [
        [gap - DAY, 'transparent'],
        [gap + DAY, 'line'],
      ],
      'no point on that day, and the segment across it is not drawn',
    );
    const atRest = await legendOf(page, 'BRLBTC');
    t.is(atRest.mms_50!.value, '', 'the newest day has no 50-day value');
    t.regex(atRest.mms_50!.text, /—$/);
    await hover(page, 'BRLBTC', gap);
    const hovered = await legendOf(page, 'BRLBTC');
    t.is(hovered.mms_200!.value, '');
    t.regex(hovered.mms_200!.text, /—$/);
    t.regex(hovered.mms_20!.text, /R\$/);
    t.deepEqual(problems, []);
  });

  test('an empty store shows which command fills it; once filled, a pair without data says so', async (t) => {
    const store = await servedStore(t);
    const server = await store.serve({now: NOW, refreshSeconds: 1});
    const {page, problems} = await openPage(t, server.page);
    await page.locator('body[data-state="empty"]').waitFor({state: 'attached'});
    const status = page.locator('#status');
    t.true(await status.isVisible());
    t.regex((await status.textContent()) ?? '', /Nothing is stored yet\. Fill the store with mms ingest/);
    t.is(await page.locator('section.chart').count(), 0);

    const records = recordedRecords().filter((r) => r.pair === 'BRLBTC');
    await store.seed(records);
    // The server reloads the store every second; wait until it has seen the new data (a loaded machine
    // running the other browser tests may take a while).
    let seen = false;
    for (let i = 0; i < 300 && !seen; i++) {
      const pairs = (await (await fetch(`${server.url}/pairs`)).json()) as {pairs: Array<{pair: string; latest: number | null}>};
      seen = pairs.pairs[0]!.latest !== null;
      if (!seen) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    t.true(seen, 'the server reloaded the seeded store within 30 s');
    await page.reload();
    await assertSeries(t, page, records, 'BRLBTC', 365);
    await page.selectOption('#pair', 'BRLETH');
    await page.locator('body[data-state="empty"]').waitFor({state: 'attached'});
    t.regex((await status.textContent()) ?? '', /No BRLETH data in the last 365 days \(newest stored day: none\)\. Run mms ingest/);
    t.true(await chartOf(page, 'BRLBTC').isHidden());
    t.deepEqual(problems, []);
  });

  /**
   * The page opened with the first `staleAnswers` answers of /pairs from a moment before midnight UTC (the
   * server's "today" a day earlier), as when the day changes between /pairs and /records; what it asked.
   */
  async function openAcrossMidnight(t: ExecutionContext, url: string, staleAnswers: number) {
    const asked: string[] = [];
    const opened = await openPage(t, url, async (page) => {
      page.on('request', (request) => {
        const {pathname, search} = new URL(request.url());
        if (pathname === '/pairs' || pathname.endsWith('/records')) asked.push(`${pathname}${search}`);
      });
      let stale = staleAnswers;
      await page.route('**/pairs', async (route) => {
        const response = await route.fetch();
        const body = (await response.json()) as {today: number; oldestFrom: number};
        if (stale-- > 0) Object.assign(body, {today: body.today - DAY, oldestFrom: body.oldestFrom - DAY});
        await route.fulfill({response, json: body});
      });
    });
    // The 400 of the first /records is logged by the browser; it is expected here.
    return {...opened, asked, problems: opened.problems.filter((p) => !/Failed to load resource: .* 400/.test(p))};
  }

  test("the server's day changing between /pairs and /records (midnight UTC): the page asks /pairs once more, then draws", async (t) => {
    const records = recordedRecords();
    const store = await servedStore(t);
    await store.seed(records);
    const server = await store.serve({now: NOW});
    const oldest = TODAY - 365 * DAY;
    const {page, asked, problems} = await openAcrossMidnight(t, server.page, 1);
    await assertSeries(t, page, records, 'BRLBTC', 365);
    t.deepEqual(asked, ['/pairs', `/BRLBTC/records?from=${oldest - DAY}`, '/pairs', `/BRLBTC/records?from=${oldest}`]);
    t.is(await page.locator('body').getAttribute('data-state'), 'ready');
    t.deepEqual(problems, []);

    // Only once: a server whose bounds still refuse is an error shown on the page, not a loop.
    const stuck = await openAcrossMidnight(t, server.page, 2);
    await stuck.page.locator('body[data-state="error"]').waitFor({state: 'attached'});
    t.regex(
      (await stuck.page.getByRole('alert').textContent()) ?? '',
      /^Could not load BRLBTC: from \d+ .* is more than 365 days before today.*\(HTTP 400, from_too_old\)$/,
    );
    t.is(stuck.asked.length, 4);
  });

  test('a pair whose name does not start with a known quote currency is shown by its name, its values as plain numbers', async (t) => {
    const store = await servedStore(t, {pairs: ['BRLBTC', 'BTCUSDT']});
    const records = recordedRecords().map((r) => (r.pair === 'BRLETH' ? {...r, pair: 'BTCUSDT'} : r));
    await store.seed(records);
    const server = await store.serve({now: NOW});
    const {page, problems} = await openPage(t, `${server.page}?pair=BTCUSDT&days=30`);
    await assertSeries(t, page, records, 'BTCUSDT', 30);
    t.deepEqual(await page.locator('#pair option').allTextContents(), ['BRLBTC (BTC in BRL)', 'BTCUSDT']);
    t.is(await chartOf(page, 'BTCUSDT').locator('h2').textContent(), 'BTCUSDT');
    const axis = await page.evaluate(() => (globalThis as unknown as PageGlobals).mmsCharts.BTCUSDT!.series.close!.priceFormatter().format(218000.5));
    t.is(axis, '218.000,5');
    const legend = await legendOf(page, 'BTCUSDT');
    t.regex(legend.close!.text, /^Close[\d.]+,\d+$/, 'no currency symbol');
    t.deepEqual(problems, []);
  });

  test("a user transform's field is charted too, as it describes itself: a signal on an axis of its own, in plain numbers", async (t) => {
    const store = await servedStore(t, {
      config: {
        plugins: [join(ROOT, 'examples', 'crossover', 'crossover-transform.ts')],
        transforms: [
          {use: 'sma', windows: [20, 50, 200]},
          {use: 'crossover', fast: 'mms_20', slow: 'mms_50'},
        ],
      },
    });
    // Gaps, but a value the newest day: the legend shows that one.
    const records = recordedRecords().map((r, i) => ({...r, cross_20_50: i % 9 === 0 && r.timestamp < TODAY - DAY ? null : (i % 3) - 1}));
    await store.seed(records);
    const server = await store.serve({now: NOW});
    const {page, problems} = await openPage(t, `${server.page}?pair=BRLBTC&days=90`);
    await chartOf(page, 'BRLBTC').and(page.locator('[data-state="ready"]')).waitFor();
    const item = chartOf(page, 'BRLBTC').locator('li[data-series="cross_20_50"]');
    t.regex((await item.textContent()) ?? '', /^Cross mms_20\/mms_50-?[01]$/, 'its label, and its value as a plain number');
    t.is(Number(await item.getAttribute('data-points')), expected(records, 'BRLBTC', 90, 'cross_20_50').points);
    t.is(await item.getAttribute('data-last'), String(expected(records, 'BRLBTC', 90, 'cross_20_50').last));
    const scales = await page.evaluate(() => {
      const {series} = (globalThis as unknown as PageGlobals).mmsCharts.BRLBTC!;
      return Object.fromEntries(Object.entries(series).map(([key, s]) => [key, s.options().priceScaleId]));
    });
    t.deepEqual(scales, {close: 'right', mms_20: 'right', mms_50: 'right', mms_200: 'right', cross_20_50: 'left'});
    t.deepEqual(problems, []);
  });

  test('a store that cannot be read shows the API error on the page, not a blank page', async (t) => {
    const store = await servedStore(t);
    await writeFile(store.dataPath, '{"pair": "BRLBTC", this is not JSON');
    const server = await store.serve({now: NOW});
    const api = await fetch(`${server.url}/BRLBTC/records?from=${TODAY - 30 * DAY}`);
    t.is(api.status, 503, 'the API itself fails');
    const {page} = await openPage(t, server.page);
    await page.locator('body[data-state="error"]').waitFor({state: 'attached'});
    const alert = page.getByRole('alert');
    t.true(await alert.isVisible());
    t.regex((await alert.textContent()) ?? '', /^Could not load BRLBTC: the store could not be read yet; see GET \/health.*\(HTTP 503, store_unavailable\)$/);
    t.regex(server.stderr(), /cannot refresh from the store: json-file: .* is not a JSON array of records/);
  });

  test('a server that goes away shows an error when the page next asks, and hides the stale chart', async (t) => {
    const records = recordedRecords();
    const store = await servedStore(t);
    await store.seed(records);
    const server = await store.serve({now: NOW});
    const {page} = await openPage(t, server.page);
    await assertSeries(t, page, records, 'BRLBTC', 365);
    t.is(await server.stop(), 0);
    await page.selectOption('#period', '30');
    await page.locator('body[data-state="error"]').waitFor({state: 'attached'});
    t.regex((await page.getByRole('alert').textContent()) ?? '', /^Could not load BRLBTC: cannot reach the mms server .*is `mms serve` still running\?$/);
    t.true(await chartOf(page, 'BRLBTC').isHidden());
  });
} else {
  const title = "chart page in a real browser — skipped: no Chromium (install Debian's chromium, or set MMS_TEST_CHROMIUM to a Chromium binary)";
  console.log(title);
  test.skip(title, () => {});
}
