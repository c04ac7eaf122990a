import {shellWords} from './shell-words.js';

// Deployment files (CI workflows, compose files, Kubernetes manifests) spell mms command lines as text:
// mmsLines finds them in a script and turns them into argv, which parseMmsArgv (parse-mms-argv.ts) puts
// through the CLI's own flag parser, so a renamed or mistyped flag fails a test instead of a 3 a.m. job.

/** An mms invocation found in a shell script: the words after `mms`, and the variables set before it. */
export interface MmsLine {
  readonly line: string;
  readonly argv: string[];
  readonly env: Record<string, string>;
}

const ASSIGNMENT = /^[A-Za-z_]\w*=/;
const MMS_COMMAND = /^\s*(?:[A-Za-z_]\w*=\S*\s+)*(?:npx\s+)?mms(?:\s|$)/;

/**
 * Every line of a shell script that runs mms (`mms …`, `npx mms …`, after optional `VAR=value`
 * prefixes), split into words with `vars` substituted. A line that mentions `npx mms` or `npm run mms`
 * other than as its command, or that cannot be split without running a shell, throws: nothing is skipped.
 */
export function mmsLines(script: string, vars: Readonly<Record<string, string>>): MmsLine[] {
  const lines = script.replace(/\\\n/g, ' ').split('\n');
  const found: MmsLine[] = [];
  for (const line of lines) {
    if (line.trim().startsWith('#')) continue;
    if (!MMS_COMMAND.test(line)) {
      if (/\bnpx\s+mms\b|\bnpm\s+run\s+(?:--silent\s+)?mms\b/.test(line)) throw new Error(`cannot tell how mms is run here: ${line.trim()}`);
      continue;
    }
    const words = shellWords(line, vars);
    const env: Record<string, string> = {};
    while (words[0] !== undefined && ASSIGNMENT.test(words[0])) {
      const [name, ...value] = words.shift()!.split('=');
      env[name!] = value.join('=');
    }
    if (words[0] === 'npx') words.shift();
    if (words.shift() !== 'mms') throw new Error(`not an mms command: ${line.trim()}`);
    found.push({line: line.trim(), argv: words, env});
  }
  return found;
}
