import {defineConfig} from 'mms';

// The bundled pipeline, plus an alarm of our own loaded from a relative path: `mms gaps` appends a line to
// data/alarms.log for every pair with days missing. Run against the simulator (`mms simulate`, or
// MMS_SIMULATOR_URL) with MMS_NOW=2022-04-27T22:02:04Z.
const simulator = process.env.MMS_SIMULATOR_URL ?? 'http://127.0.0.1:8787';

export default defineConfig({
  pairs: ['BRLBTC', 'BRLETH'],
  plugins: ['./line-alarm.ts'],
  source: {use: 'mercado-bitcoin', api: 'v4', baseUrl: `${simulator}/api/v4`},
  transforms: [{use: 'sma', windows: [20, 50, 200]}],
  sink: {use: 'json-file', path: 'data/mms.json'},
  alarms: [{use: 'line-file', path: 'data/alarms.log'}, {use: 'log'}],
});
