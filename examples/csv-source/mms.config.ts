import {defineConfig} from 'mms';

// A source of our own, loaded from a relative path: the candles come from candles.csv (BRLBTC and BRLETH,
// 2022-01-01..2022-04-26, as Mercado Bitcoin published them), so this runs with no network at all. Run with
// MMS_NOW=2022-04-27T22:02:04Z: the first run loads the last 30 days, fetching 29 more for the 30-day average.
export default defineConfig({
  pairs: ['BRLBTC', 'BRLETH'],
  plugins: ['./csv-source.ts'],
  initialBars: 30,
  source: {use: 'csv', path: 'candles.csv'},
  transforms: [{use: 'sma', windows: [7, 30]}],
  sink: {use: 'json-file', path: 'data/mms.json'},
});
