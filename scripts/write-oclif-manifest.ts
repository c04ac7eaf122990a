// Writes oclif.manifest.json, the metadata of every command (flags, summaries), as `oclif manifest` does:
// without it oclif imports every command module at each start to learn them, and a cron job's `mms ingest`
// would load the HTTP server's modules too. Run by `npm run build`, so it always matches dist/.
import 'reflect-metadata';
import {writeFile} from 'node:fs/promises';
import {fileURLToPath} from 'node:url';
import {Plugin} from '@oclif/core';

const root = fileURLToPath(new URL('../../', import.meta.url));
const plugin = new Plugin({root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true, respectNoCacheDefault: true});
await plugin.load();
await writeFile(`${root}oclif.manifest.json`, `${JSON.stringify(plugin.manifest, null, 2)}\n`);
