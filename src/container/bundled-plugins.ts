import type {PipelineDefaults} from '../config/config-schema.js';
import type {PluginManifest} from '../core/contracts/plugin.js';
import fileAlarm from '../../plugins/file-alarm/index.js';
import jsonFile from '../../plugins/json-file/index.js';
import logAlarm from '../../plugins/log-alarm/index.js';
import mercadoBitcoin from '../../plugins/mercado-bitcoin/index.js';
import mongodb from '../../plugins/mongodb/index.js';
import sma from '../../plugins/sma/index.js';
import sqlite from '../../plugins/sqlite/index.js';
import webhookAlarm from '../../plugins/webhook-alarm/index.js';

/** The only place the core names a plugin: the ones that ship with mms. */
export const BUNDLED_PLUGINS: readonly PluginManifest[] = [mercadoBitcoin, sma, sqlite, jsonFile, mongodb, logAlarm, fileAlarm, webhookAlarm];

/** The pipeline of a config that names none: MB candles → 20/50/200-day SMA → data/mms.db (SQLite); alarms on stderr. */
export const BUNDLED_DEFAULTS: PipelineDefaults = {
  source: {use: mercadoBitcoin.name},
  transforms: [{use: sma.name}],
  sink: {use: sqlite.name},
  alarms: [{use: logAlarm.name}],
};
