import type {PluginManifest} from '../core/contracts/plugin.js';
import jsonFile from '../../plugins/json-file/index.js';
import mercadoBitcoin from '../../plugins/mercado-bitcoin/index.js';
import sma from '../../plugins/sma/index.js';

/** The only place the core names a plugin: the ones that ship with mms. */
export const BUNDLED_PLUGINS: readonly PluginManifest[] = [mercadoBitcoin, sma, jsonFile];
