import {defineConfig} from 'mms';

// Same pipeline as ../../mms.config.ts, pointed at the local simulator that `npm start` launches
// (MMS_SIMULATOR_URL), or at `mms simulate` on its default port.
const simulator = process.env.MMS_SIMULATOR_URL ?? 'http://127.0.0.1:8787';

export default defineConfig({
  pairs: ['BRLBTC', 'BRLETH'],
  source: {use: 'mercado-bitcoin', api: 'v4', baseUrl: `${simulator}/api/v4`},
  transforms: [{use: 'sma', windows: [20, 50, 200]}],
  // Apart from the production job's data/mms.db, so the demo never mixes into real data.
  sink: {use: 'sqlite', path: '../../data/offline/mms.db'},
});
