import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {runCommand} from '../helpers/run-command.js';
import {tempDir} from '../helpers/temp-dir.js';

// A seed list (not a WHATWG URL) whose password holds characters that end a URL in most patterns; the
// ports are closed, so the run fails on the store and says so.
const PASSWORD = `Pa'ss<w>rd"`;
const URL = `mongodb://admin:${encodeURIComponent(PASSWORD).replace('%27', "'")}@127.0.0.1:9,127.0.0.1:10/?authSource=admin`;

for (const args of [['ingest'], ['ingest', '--json'], ['gaps', '--json']]) {
  test(`mms ${args.join(' ')} on an unreachable MongoDB seed list prints neither the password nor its encoding`, async (t) => {
    const dir = await tempDir(t);
    await writeFile(join(dir, 'mms.config.json'), JSON.stringify({sink: {use: 'mongodb', url: URL, serverSelectionTimeoutMs: 300}}));
    const run = await runCommand(args, {cwd: dir, env: {MMS_NOW: '2022-04-27T12:00:00Z', MMS_LOG_LEVEL: 'debug'}});
    t.is(run.code, 4, run.stderr);
    const output = run.stdout + run.stderr;
    t.regex(output, /mongodb:\/\/\*\*\*@127\.0\.0\.1:9,127\.0\.0\.1:10/);
    for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), "Pa'ss"]) t.false(output.includes(secret), `"${secret}" printed:\n${output}`);
  });
}
