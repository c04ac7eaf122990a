import test from 'ava';
import fc from 'fast-check';
import {maskCredentialsOf, redactCredentials, redactDeep, redactSecrets, redactUrl} from '../../src/core/redact-url.js';

test('redactUrl hides the user name and password of a URL and keeps the rest', (t) => {
  t.is(redactUrl('mongodb://admin:p%40ss@db.example:27017/mms?authSource=admin'), 'mongodb://***@db.example:27017/mms?authSource=admin');
  t.is(redactUrl('https://api.mercadobitcoin.net/api/v4'), 'https://api.mercadobitcoin.net/api/v4');
});

test('redactCredentials hides credentials of every URL inside a longer text, such as a library error', (t) => {
  const text = 'Request cannot be constructed from a URL that includes credentials: http://user:s3cret@127.0.0.1:9/x (also mongodb+srv://a:b@c/d)';
  const clean = redactCredentials(text);
  t.notRegex(clean, /s3cret|a:b@/);
  t.regex(clean, /http:\/\/\*\*\*@127\.0\.0\.1:9\/x .*mongodb\+srv:\/\/\*\*\*@c\/d/);
});

// Passwords as a driver accepts them unescaped (everything but the URL delimiters and `%`), marked with an
// upper-case P so that no host, port or option of the URLs below can contain one by chance.
const password = fc.stringMatching(/^P[^\s:/?#[\]@%]{0,20}$/);
const urlShapes = [
  (p: string) => `mongodb://admin:${p}@127.0.0.1:27017/mms?authSource=admin`,
  (p: string) => `mongodb://admin:${p}@h1.example:27017,h2.example:27018/?replicaSet=rs0`,
  (p: string) => `mongodb+srv://admin:${p}@cluster0.example.net/mms?retryWrites=true`,
];

test('redactUrl never returns the password, whatever its characters and however many hosts the URL has', (t) => {
  fc.assert(
    fc.property(password, fc.constantFrom(...urlShapes), (secret, shape) => {
      const clean = redactUrl(shape(secret));
      return !clean.includes(secret) && !clean.includes(encodeURIComponent(secret)) && clean.includes('***@');
    }),
  );
  t.is(redactUrl("mongodb://admin:pa'ss<x>@127.0.0.1:9,127.0.0.1:10/?authSource=admin"), 'mongodb://***@127.0.0.1:9,127.0.0.1:10/?authSource=admin');
});

test('redactCredentials hides a URL password inside any message, quoted or not', (t) => {
  fc.assert(
    fc.property(password, fc.constantFrom(...urlShapes), fc.constantFrom('"', "'", '(', ' '), (secret, shape, quote) => {
      const clean = redactCredentials(`cannot connect to ${quote}${shape(secret)}${quote}: refused`);
      return !clean.includes(secret) && clean.endsWith(': refused');
    }),
  );
  t.pass();
});

test('a password from the config is masked even where a message quotes it without its URL', (t) => {
  maskCredentialsOf({sink: {use: 'mongodb', url: 'mongodb://svc:Sp%20ace%3Fx@db.example:27017,db2.example:27017/'}});
  const clean = redactSecrets('authentication failed for svc with password Sp ace?x (raw: Sp%20ace%3Fx)');
  t.is(clean, 'authentication failed for svc with password *** (raw: ***)');
});

test('a short config password masks errors only: results and JSON keep their dates and words', (t) => {
  maskCredentialsOf({sink: {url: 'mongodb://admin:2022@db.example:27017/?authSource=admin'}});
  t.is(redactCredentials('stored through 2022-04-26'), 'stored through 2022-04-26');
  t.deepEqual(redactDeep({from: '2022-04-26'}), {from: '2022-04-26'});
  t.is(redactSecrets('auth failed: password 2022 rejected'), 'auth failed: password *** rejected');
});

test('redactDeep redacts every string of a result printed as JSON and keeps its shape', (t) => {
  const result = {error: {code: 'MMS_STORE', message: 'mongodb://u:s3cret@h:1 refused', exitCode: 4}, list: ['http://a:b@c', 7, null]};
  t.deepEqual(redactDeep(result), {error: {code: 'MMS_STORE', message: 'mongodb://***@h:1 refused', exitCode: 4}, list: ['http://***@c', 7, null]});
});
