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
/**
 * The page's own files may change with any release: always revalidated. It loads nothing but what mms
 * serves (no CDN), so it works offline and behind a strict proxy.
 */
const PAGE_HEADERS = {
  'cache-control': 'no-cache',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
};

/**
 * GET / — the chart page (web/index.html and web/chart-page.js, plain files: no front-end build), which
 * reads the same API as any client, and the chart library it needs, from the installed package. Its URL
 * carries the library's version, so browsers may keep it for a year and an upgrade still reaches them.
 */
export async function pageRoute(app: FastifyInstance): Promise<void> {
  const web = join(packageRoot(), 'web');
  const library = chartLibrary();
  const libraryUrl = `/assets/${CHART_LIBRARY}-${library.version}.js`;
  const [html, script, libraryCode] = await Promise.all([
    readAsset(join(web, 'index.html')),
    readAsset(join(web, 'chart-page.js')),
    readAsset(library.path),
  ]);
  const page = html.replace('%CHART_LIBRARY_URL%', libraryUrl);

  app.get('/', {schema: {hide: true}}, async (_request, reply) => reply.headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(page));
  app.get('/chart-page.js', {schema: {hide: true}}, async (_request, reply) => reply.headers(PAGE_HEADERS).type(SCRIPT_TYPE).send(script));
  app.get(libraryUrl, {schema: {hide: true}}, async (_request, reply) =>
    reply.headers({'cache-control': 'public, max-age=31536000, immutable', 'x-content-type-options': 'nosniff'}).type(SCRIPT_TYPE).send(libraryCode),
  );
}

/** The folder holding package.json: `web/` sits beside `src/` and `dist/`, whichever this module runs from. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new PageAssetsError(`chart page: no package.json above ${fileURLToPath(import.meta.url)}; reinstall mms.`);
    dir = parent;
  }
  return dir;
}

function chartLibrary(): {path: string; version: string} {
  let manifest: string;
  try {
    // The package's exports name only its modules; its package.json is exported, and the file sits beside it.
    manifest = createRequire(import.meta.url).resolve(`${CHART_LIBRARY}/package.json`);
  } catch (error) {
    throw new PageAssetsError(`chart page: the ${CHART_LIBRARY} package is not installed (${(error as Error).message}); run npm install.`, {cause: error});
  }
  const {version} = createRequire(import.meta.url)(manifest) as {version: string};
  return {path: join(dirname(manifest), CHART_LIBRARY_FILE), version};
}

async function readAsset(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new PageAssetsError(`chart page: cannot read ${path} (${(error as Error).message}); reinstall mms.`, {cause: error});
  }
}
