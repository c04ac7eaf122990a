import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {type Command, Flags, Parser} from '@oclif/core';
import {parseShard} from '../../src/core/pipeline/select-shard.js';
import {parseTimeFlag} from '../../src/core/time/parse-time-flag.js';

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
