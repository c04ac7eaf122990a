// `npm run docs`: writes docs/configuration.md from the config schemas (see src/container/config-reference.ts).
import {writeFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {configReference} from '../src/container/config-reference.js';

const path = fileURLToPath(new URL('../../docs/configuration.md', import.meta.url));
writeFileSync(path, configReference());
console.log(`wrote ${path}`);
