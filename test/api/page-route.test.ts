import {readFile} from 'node:fs/promises';
import test from 'ava';
import {seededApi} from '../helpers/seeded-api.js';

const library = new URL('../../node_modules/lightweight-charts/', import.meta.url);

test('GET / is the chart page: HTML that loads only what mms serves, revalidated on every visit', async (t) => {
  const api = await seededApi(t);
  const response = await fetch(`${api.url}/`);
  t.is(response.status, 200);
  t.is(response.headers.get('content-type'), 'text/html; charset=utf-8');
  t.is(response.headers.get('cache-control'), 'no-cache');
  const csp = response.headers.get('content-security-policy') ?? '';
  t.regex(csp, /default-src 'self'/);
  // No inline style but the chart library's own (its attribution logo), allowed by its hash alone.
  t.notRegex(csp, /unsafe-inline/);
  t.regex(csp, /; style-src 'self' 'sha256-[A-Za-z0-9+/]{43}=';/);
  const html = await response.text();
  t.notRegex(html, /<style|style="/, 'no inline style in the page');
  t.deepEqual(
    [...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]),
    ['/chart-page.css'],
  );
  const {version} = JSON.parse(await readFile(new URL('package.json', library), 'utf8')) as {version: string};
  const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
  t.deepEqual(scripts, [`/assets/lightweight-charts-${version}.js`, '/chart-page.js']);
  t.notRegex(
    html,
    /(src|href)="(https?:)?\/\/(?!www\.tradingview\.com\/lightweight-charts\/")/,
    "no asset from another host (a link to the library's site is not an asset)",
  );
});

test("the chart library is the installed package's standalone build, cacheable for a year under its versioned URL", async (t) => {
  const api = await seededApi(t);
  const html = await (await fetch(`${api.url}/`)).text();
  const path = /<script src="(\/assets\/[^"]+)"/.exec(html)![1]!;
  const response = await fetch(`${api.url}${path}`);
  t.is(response.status, 200);
  t.is(response.headers.get('content-type'), 'text/javascript; charset=utf-8');
  t.is(response.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  t.is(await response.text(), await readFile(new URL('dist/lightweight-charts.standalone.production.js', library), 'utf8'));
  const script = await fetch(`${api.url}/chart-page.js`);
  t.is(script.status, 200);
  t.is(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
  t.is(script.headers.get('cache-control'), 'no-cache');
  t.is(await script.text(), await readFile(new URL('../../web/chart-page.js', import.meta.url), 'utf8'));
  const style = await fetch(`${api.url}/chart-page.css`);
  t.is(style.status, 200);
  t.is(style.headers.get('content-type'), 'text/css; charset=utf-8');
  t.is(style.headers.get('cache-control'), 'no-cache');
  t.is(await style.text(), await readFile(new URL('../../web/chart-page.css', import.meta.url), 'utf8'));
  t.is((await api.get('/assets/lightweight-charts-0.0.0.js')).status, 404, 'another version is not served');
});

test('every answer, page, asset, data or error, says x-content-type-options: nosniff', async (t) => {
  const api = await seededApi(t);
  const html = await (await fetch(`${api.url}/`)).text();
  const library = /<script src="(\/assets\/[^"]+)"/.exec(html)![1]!;
  const paths = [
    '/',
    '/chart-page.js',
    '/chart-page.css',
    library,
    '/pairs',
    '/health',
    '/openapi.json',
    '/BRLBTC/mms?from=1648771200&range=20',
    '/BRLBTC/records?from=1648771200',
  ];
  const errors = ['/BRLBTC/mms?from=1&range=20', '/pairs?x=1', '/nowhere', '/%E0%A4%A'];
  for (const path of [...paths, ...errors]) {
    const response = await fetch(`${api.url}${path}`);
    t.is(response.status, paths.includes(path) ? 200 : response.status >= 400 ? response.status : -1, path);
    t.is(response.headers.get('x-content-type-options'), 'nosniff', path);
  }
});
