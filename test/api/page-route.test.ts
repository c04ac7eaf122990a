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
  t.regex(response.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  const html = await response.text();
  const {version} = JSON.parse(await readFile(new URL('package.json', library), 'utf8')) as {version: string};
  const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
  t.deepEqual(scripts, [`/assets/lightweight-charts-${version}.js`, '/chart-page.js']);
  t.notRegex(html, /(src|href)="(https?:)?\/\/(?!www\.tradingview\.com\/lightweight-charts\/")/, 'no asset from another host (a link to the library\'s site is not an asset)');
});

test('the chart library is the installed package\'s standalone build, cacheable for a year under its versioned URL', async (t) => {
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
  t.is((await api.get('/assets/lightweight-charts-0.0.0.js')).status, 404, 'another version is not served');
});
