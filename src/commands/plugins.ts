import {MmsCommand} from '../cli/mms-command.js';
import {describePlugins, type PluginDescription} from '../container/describe-plugins.js';
import type {PluginManifest} from '../core/contracts/plugin.js';
import {TOKENS} from '../core/tokens.js';

export default class Plugins extends MmsCommand<{plugins: PluginDescription[]}> {
  static override summary = 'List the plugins a config can use: bundled, and loaded from its "plugins" modules.';
  static override description =
    'Loads the config and its plugin modules exactly as a run would (a module that cannot be loaded, exports no manifest, clashes with another name, or whose schema rejects its config entry is an error, exit 2), then lists each plugin with its kind, origin and config keys.';
  static override examples = ['<%= config.bin %> plugins', '<%= config.bin %> plugins --config examples/crossover/mms.config.ts --json'];

  async run(): Promise<{plugins: PluginDescription[]}> {
    const {flags} = await this.parse(Plugins);
    const {container} = await this.openContainer(flags.config);
    const plugins = describePlugins(container.get<ReadonlyMap<PluginManifest, string>>(TOKENS.PluginOrigins));
    for (const p of plugins) {
      this.log(`${p.kind.padEnd(9)} ${p.name.padEnd(16)} ${p.description}`);
      this.log(`${' '.repeat(26)}from ${p.origin}; config keys: ${p.configKeys ? p.configKeys.join(', ') || '(none)' : '(not declared by its schema)'}`);
    }
    return {plugins};
  }
}
