import {type ChildProcess, spawn as nodeSpawn, type SpawnOptions} from 'node:child_process';
import type {Logger} from '../core/contracts/logger.js';

export interface OpenInBrowserDeps {
  readonly platform: NodeJS.Platform;
  /** Whether a person is likely watching: opening a browser from cron or a pipe would surprise. */
  readonly interactive: boolean;
  readonly logger: Logger;
  readonly spawn: (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;
}

/** How each platform opens a URL in the user's default browser. */
export function openerFor(platform: NodeJS.Platform, url: string): {command: string; args: string[]} {
  if (platform === 'darwin') return {command: 'open', args: [url]};
  // `start` is a cmd built-in; its first quoted argument is a window title, hence the empty one.
  if (platform === 'win32') return {command: 'cmd', args: ['/c', 'start', '""', url.replaceAll('&', '^&')]};
  return {command: 'xdg-open', args: [url]};
}

/**
 * Opens `url` in the default browser, detached (the browser outlives nothing of ours, and we never wait on
 * it). Never fatal: the server is what was asked for, the browser a convenience, so failures are logged.
 * Returns whether an opener was started.
 */
export function openInBrowser(url: string, deps: Partial<OpenInBrowserDeps> & {logger: Logger}): boolean {
  const {platform = process.platform, interactive = process.stdout.isTTY === true, logger, spawn = nodeSpawn} = deps;
  if (!interactive) {
    logger.info(`--open: not opening a browser (stdout is not a terminal); the page is at ${url}`);
    return false;
  }
  const {command, args} = openerFor(platform, url);
  try {
    const child = spawn(command, args, {detached: true, stdio: 'ignore', windowsVerbatimArguments: platform === 'win32'});
    child.on('error', (error) => logger.warn(`--open: cannot start ${command} (${error.message}); open ${url} yourself.`));
    child.unref();
    return true;
  } catch (error) {
    logger.warn(`--open: cannot start ${command} (${(error as Error).message}); open ${url} yourself.`);
    return false;
  }
}
