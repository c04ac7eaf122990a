import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {type Command, Flags, Parser} from '@oclif/core';
import {parseShard} from '../../src/core/pipeline/select-shard.js';
import {parseTimeFlag} from '../../src/core/time/parse-time-flag.js';

// Deployment files (CI workflows, compose files, Kubernetes manifests) spell mms command lines as text;
// these helpers turn them into argv and put each through the CLI's own flag parser, so a renamed or
// mistyped flag fails a test instead of a 3 a.m. job.

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

/**
 * The words of one simple command, as a POSIX shell splits them: quotes, `$VAR` and `${VAR}` from
 * `vars`, up to the first operator (`>`, `|`, `||`, `&&`, `;`, `&`) or comment. Command substitution,
 * arithmetic, globs, unknown variables and unquoted values that would split again all throw.
 */
export function shellWords(line: string, vars: Readonly<Record<string, string>>): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let i = 0;
  const expand = (quoted: boolean): string => {
    const match = /^\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))/.exec(line.slice(i));
    if (!match) throw new Error(`cannot expand "${line.slice(i, i + 12)}…" without a shell: ${line.trim()}`);
    const name = (match[1] ?? match[2])!;
    const value = vars[name];
    if (value === undefined) throw new Error(`no representative value for $${name}: ${line.trim()}`);
    if (!quoted && /\s|^$/.test(value)) throw new Error(`unquoted $${name} ("${value}") would not stay one word: ${line.trim()}`);
    i += match[0].length;
    return value;
  };
  while (i < line.length) {
    const c = line[i]!;
    if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
      i++;
    } else if (/[|&;<>]/.test(c) || (word === undefined && (c === '#' || /^\d+>/.test(line.slice(i))))) {
      break;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unbalanced quote: ${line.trim()}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      word ??= '';
      i++;
      for (;;) {
        const d = line[i];
        if (d === undefined) throw new Error(`unbalanced quote: ${line.trim()}`);
        if (d === '"') break;
        if (d === '`') throw new Error(`command substitution: ${line.trim()}`);
        if (d === '$') word += expand(true);
        else if (d === '\\' && /["\\$`]/.test(line[i + 1] ?? '')) {
          word += line[i + 1];
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      i++;
    } else if (c === '$') {
      word = (word ?? '') + expand(false);
    } else if (c === '`' || c === '\\' || /[*?[\]{}()~]/.test(c)) {
      throw new Error(`"${c}" needs a shell to mean anything: ${line.trim()}`);
    } else {
      word = (word ?? '') + c;
      i++;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** Kubernetes' `$(VAR)` references in a container's command and args, replaced from `vars`. */
export function expandKubernetesVars(args: readonly string[], vars: Readonly<Record<string, string>>): string[] {
  return args.map((arg) =>
    arg.replace(/\$\$|\$\(([A-Za-z_][\w.-]*)\)/g, (match, name: string | undefined) => {
      if (name === undefined) return '$';
      const value = vars[name];
      if (value === undefined) throw new Error(`no value for $(${name}) in ${JSON.stringify(args)}`);
      return value;
    }),
  );
}

export interface ParsedMmsArgv {
  readonly command: string;
  readonly flags: Record<string, unknown>;
}

type CommandClass = typeof Command & {enableJsonFlag?: boolean};

/**
 * Parses `argv` (the words after `mms`: a command, then its flags) exactly as that command would: its own
 * flags, the base flags every mms command adds (`--config`) and `--json`, strictly (no stray arguments),
 * then the checks the command makes on its flag values before it opens the store. Throws what mms would
 * report as exit 2.
 */
export async function parseMmsArgv(argv: readonly string[]): Promise<ParsedMmsArgv> {
  const [command, ...rest] = argv;
  if (command === undefined || command.startsWith('-')) throw new Error(`no mms command in ${JSON.stringify(argv)}`);
  const file = fileURLToPath(new URL(`../../src/commands/${command}.ts`, import.meta.url));
  if (!/^[a-z][a-z-]*$/.test(command) || !existsSync(file)) throw new Error(`mms has no command "${command}" (${JSON.stringify(argv)})`);
  const Cmd = ((await import(`../../src/commands/${command}.js`)) as {default: CommandClass}).default;
  const flags = {...(Cmd.enableJsonFlag ? {json: Flags.boolean()} : {}), ...Cmd.baseFlags, ...Cmd.flags};
  const parsed = await Parser.parse([...rest], {flags, args: Cmd.args ?? {}, strict: true});
  for (const name of ['from', 'to'] as const) {
    const value = parsed.flags[name];
    if (typeof value === 'string') parseTimeFlag(name, value);
  }
  if (typeof parsed.flags.shard === 'string') parseShard(parsed.flags.shard);
  return {command, flags: parsed.flags as Record<string, unknown>};
}
