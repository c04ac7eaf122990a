import test from 'ava';
import {parseShard, selectShard} from '../../../src/core/pipeline/select-shard.js';

const PAIRS = Array.from({length: 60}, (_, i) => `BRL${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + Math.floor(i / 26))}X`);

test('the shards of n workers cover every pair exactly once, and the split is the same on every call', (t) => {
  for (const count of [1, 2, 3, 7]) {
    const shares = Array.from({length: count}, (_, index) => selectShard(PAIRS, {index, count}));
    t.deepEqual(shares.flat().sort(), [...PAIRS].sort());
    t.deepEqual(
      Array.from({length: count}, (_, index) => selectShard(PAIRS, {index, count})),
      shares,
    );
    if (count > 1)
      t.true(
        shares.every((share) => share.length > 0),
        `every one of ${count} workers gets pairs`,
      );
  }
});

test('a pair keeps its shard when other pairs are added', (t) => {
  const before = selectShard(PAIRS.slice(0, 30), {index: 1, count: 3});
  const after = selectShard(PAIRS, {index: 1, count: 3});
  t.true(before.every((pair) => after.includes(pair)));
});

test('--shard takes i/n with 0 <= i < n, and says so otherwise', (t) => {
  t.deepEqual(parseShard('0/4'), {index: 0, count: 4});
  t.deepEqual(parseShard(' 3/4 '), {index: 3, count: 4});
  for (const bad of ['4/4', '1/0', '1', 'a/b', '-1/2', '1/2/3']) {
    t.throws(() => parseShard(bad), {message: /--shard: expected i\/n with 0 <= i < n/}, bad);
  }
});
