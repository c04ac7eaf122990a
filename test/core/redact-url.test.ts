import test from 'ava';
import {redactCredentials, redactUrl} from '../../src/core/redact-url.js';

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
