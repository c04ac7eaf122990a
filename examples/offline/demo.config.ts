import {defineConfig} from 'mms';

// The README's demo "the API down for a day, then back": the offline job (./mms.config.ts) with a store of
// its own, so the demo starts from an empty store even after `npm start` filled data/offline/ through
// 2022-04-26 (the demo's days, 2022-04-23..25, would then be "up to date"). Delete data/demo/ to run it again.
const simulator = process.env.MMS_SIMULATOR_URL ?? 'http://127.0.0.1:8787';

export default defineConfig({
  pairs: ['BRLBTC', 'BRLETH'],
  source: {use: 'mercado-bitcoin', api: 'v4', baseUrl: `${simulator}/api/v4`},
  transforms: [{use: 'sma', windows: [20, 50, 200]}],
  sink: {use: 'sqlite', path: '../../data/demo/mms.db'},
});
