import type {PipelineDefaults} from '../config/config-schema.js';
import type {PluginManifest} from '../core/contracts/plugin.js';
import jsonFile from '../../plugins/json-file/index.js';
import mercadoBitcoin from '../../plugins/mercado-bitcoin/index.js';
import mongodb from '../../plugins/mongodb/index.js';
import sma from '../../plugins/sma/index.js';

/** The only place the core names a plugin: the ones that ship with mms. */
export const BUNDLED_PLUGINS: readonly PluginManifest[] = [mercadoBitcoin, sma, jsonFile, mongodb];

/** The pipeline of a config that names none: MB candles → 20/50/200-day SMA → data/mms.json. */
export const BUNDLED_DEFAULTS: PipelineDefaults = {
  source: {use: mercadoBitcoin.name},
  transforms: [{use: sma.name}],
  sink: {use: jsonFile.name},
};
