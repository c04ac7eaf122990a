import {defineConfig} from 'mms';

// The bundled source and SMA into a sink of our own, loaded from a relative path.
const simulator = process.env.MMS_SIMULATOR_URL ?? 'http://127.0.0.1:8787';

export default defineConfig({
  pairs: ['BRLBTC', 'BRLETH'],
  plugins: ['./ndjson-sink.ts'],
  source: {use: 'mercado-bitcoin', api: 'v4', baseUrl: `${simulator}/api/v4`},
  transforms: [{use: 'sma', windows: [20, 50, 200]}],
  sink: {use: 'ndjson', path: 'data/mms.ndjson'},
});
