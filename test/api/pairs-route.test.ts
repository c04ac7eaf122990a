import test from 'ava';
import {recordedRecords, seededApi} from '../helpers/seeded-api.js';

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;

test('GET /pairs gives the pairs (quote, base, newest stored day), the windows and the server\'s today', async (t) => {
  const api = await seededApi(t, {records: recordedRecords().filter((r) => r.pair === 'BRLBTC')});
  const {status, body} = await api.get('/pairs');
  t.is(status, 200);
  t.deepEqual(body, {
    today: day('2022-04-27'),
    oldestFrom: day('2021-04-27'),
    windows: [20, 50, 200],
    pairs: [
      {pair: 'BRLBTC', quote: 'BRL', base: 'BTC', latest: day('2022-04-26')},
      {pair: 'BRLETH', quote: 'BRL', base: 'ETH', latest: null},
    ],
  });
});
