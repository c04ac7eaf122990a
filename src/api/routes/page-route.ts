import {createHash} from 'node:crypto';
import {existsSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import type {FastifyInstance} from 'fastify';
import {PageAssetsError} from '../page-assets-error.js';

const CHART_LIBRARY = 'lightweight-charts';
const CHART_LIBRARY_FILE = 'dist/lightweight-charts.standalone.production.js';
const SCRIPT_TYPE = 'text/javascript; charset=utf-8';

/** The chart page's files, read once at startup (so a broken installation stops `mms serve` before it opens the store). */
export interface PageAssets {
  /** web/index.html, naming the chart library by its versioned URL. */
  readonly html: string;
  readonly script: string;
  readonly style: string;
  readonly library: {readonly url: string; readonly code: string};
  readonly contentSecurityPolicy: string;
}

/**
 * Reads the chart page (web/index.html, web/chart-page.js and web/chart-page.css: plain files, no front-end
 * build) and the chart library it needs from the installed package; a missing file is a PageAssetsError
 * naming it. The library's URL carries its version, so browsers may keep it for a year and an upgrade still
 * reaches them.
 */
export async function loadPageAssets(): Promise<PageAssets> {
  const web = join(packageRoot(), 'web');
  const library = chartLibrary();
  const url = `/assets/${CHART_LIBRARY}-${library.version}.js`;
  const [html, script, style, code] = await readAssets([join(web, 'index.html'), join(web, 'chart-page.js'), join(web, 'chart-page.css'), library.path]);
  return {html: html.replace('%CHART_LIBRARY_URL%', url), script, style, library: {url, code}, contentSecurityPolicy: contentSecurityPolicy(code)};
}

/**
 * The page loads nothing but what mms serves (no CDN), so it works offline and behind a strict proxy; no
 * inline script or style either. The one exception is the chart library's own <style> (its attribution
 * logo), allowed by the hash of its text: exactly that style, nothing else inline.
 */
function contentSecurityPolicy(libraryCode: string): string {
  const styles = [...libraryCode.matchAll(/createElement\("style"\),[\w$.]+\.innerText="([^"\\]*)"/g)].map(
    (match) => `'sha256-${createHash('sha256').update(match[1]!).digest('base64')}'`,
  );
  return `default-src 'self'; style-src ${["'self'", ...styles].join(' ')}; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'`;
}

/** GET / (the chart page), its script and stylesheet, and the chart library, from `assets`. */
export function pageRoute(app: FastifyInstance, assets: PageAssets): void {
  // The page's own files may change with any release: always revalidated.
  const headers = {'cache-control': 'no-cache', 'content-security-policy': assets.contentSecurityPolicy};
  app.get('/', {schema: {hide: true}}, async (_request, reply) => reply.headers(headers).type('text/html; charset=utf-8').send(assets.html));
  app.get('/chart-page.js', {schema: {hide: true}}, async (_request, reply) => reply.headers(headers).type(SCRIPT_TYPE).send(assets.script));
  app.get('/chart-page.css', {schema: {hide: true}}, async (_request, reply) => reply.headers(headers).type('text/css; charset=utf-8').send(assets.style));
  app.get(assets.library.url, {schema: {hide: true}}, async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=31536000, immutable').type(SCRIPT_TYPE).send(assets.library.code),
  );
}

/** The folder holding package.json: `web/` sits beside `src/` and `dist/`, whichever this module runs from. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir)
      throw new PageAssetsError(`chart page: no package.json above ${fileURLToPath(import.meta.url)}; the installation of mms is broken: reinstall it.`);
    dir = parent;
  }
  return dir;
}

function chartLibrary(): {path: string; version: string} {
  const require = createRequire(import.meta.url);
  let manifest: string;
  try {
    // The package's exports name only its modules; its package.json is exported, and the file sits beside it.
    manifest = require.resolve(`${CHART_LIBRARY}/package.json`);
  } catch (error) {
    throw new PageAssetsError(`chart page: the ${CHART_LIBRARY} package is not installed (${(error as Error).message.split('\n')[0]}); run npm install.`, {
      cause: error,
    });
  }
  const {version} = require(manifest) as {version: string};
  return {path: join(dirname(manifest), CHART_LIBRARY_FILE), version};
}

/** The files' text, in order; any that cannot be read are named together in one PageAssetsError. */
async function readAssets<const Paths extends readonly string[]>(paths: Paths): Promise<{[K in keyof Paths]: string}> {
  const results = await Promise.allSettled(paths.map((path) => readFile(path, 'utf8')));
  const failed = results.flatMap((result, i) =>
    result.status === 'rejected' ? [`${paths[i]} (${(result.reason as NodeJS.ErrnoException).code ?? (result.reason as Error).message})`] : [],
  );
  if (failed.length > 0) throw new PageAssetsError(`chart page: cannot read ${failed.join(', ')}; the installation of mms is broken: reinstall it.`);
  return results.map((result) => (result as PromiseFulfilledResult<string>).value) as {[K in keyof Paths]: string};
}
