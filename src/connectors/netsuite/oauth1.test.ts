import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hmacSignature, normalizeParameters, parseAuthorizationHeader, percentEncode, signatureBaseString, signRequest, type OAuthParam } from './oauth1.ts';

// Published vectors: RFC 5849 §3.4.1 (base string), RFC 5849 §1.2 and OAuth Core 1.0a Appendix A.5
// (HMAC-SHA1 signatures with the photos.example.net credentials).

const RFC_3_4_1_OAUTH: OAuthParam[] = [
  ['oauth_consumer_key', '9djdj82h48djs9d2'],
  ['oauth_token', 'kkk9d7dh3k39sjv7'],
  ['oauth_signature_method', 'HMAC-SHA1'],
  ['oauth_timestamp', '137131201'],
  ['oauth_nonce', '7d8f3e4a'],
  ['oauth_signature', 'djosJKDKJSD8743243/jdk33klY='],
  ['realm', 'Example'],
];

test('RFC 5849 §3.4.1.3.2: normalised parameters of the example request', () => {
  const params: OAuthParam[] = [['b5', '=%3D'], ['a3', 'a'], ['c@', ''], ['a2', 'r b'], ...RFC_3_4_1_OAUTH.slice(0, 5), ['c2', ''], ['a3', '2 q']];
  assert.equal(
    normalizeParameters(params),
    'a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2&oauth_nonce=7d8f3e4a&oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201&oauth_token=kkk9d7dh3k39sjv7',
  );
});

test('RFC 5849 §3.4.1.1: base string of the example request (query + form body; oauth_signature and realm left out)', () => {
  const base = signatureBaseString('POST', 'http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b', RFC_3_4_1_OAUTH, [['c2', ''], ['a3', '2 q']]);
  assert.equal(
    base,
    'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
  );
});

const photos = { consumerKey: 'dpf43f3p2l4k3l03', consumerSecret: 'kd94hf93k423kf44', tokenId: 'nnch734d00sl2jdk', tokenSecret: 'pfkkdhi9sl3r4s00' };

test('RFC 5849 §1.2: HMAC-SHA1 signature of the photos request (no oauth_version)', () => {
  const signed = signRequest({
    method: 'GET',
    url: 'http://photos.example.net/photos?file=vacation.jpg&size=original',
    realm: 'Photos',
    credentials: photos,
    hash: 'sha1',
    sources: { nonce: () => 'chapoH', now: () => 137131202_000 },
    version: false,
  });
  assert.equal(signed.signature, 'MdpQcU8iPSUjWoN/UDMsK2sui9I=');
  assert.match(signed.authorization, /oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"/);
  assert.match(signed.authorization, /^OAuth realm="Photos", /);
});

test('OAuth Core 1.0a Appendix A.5: base string and HMAC-SHA1 signature with oauth_version', () => {
  const signed = signRequest({
    method: 'GET',
    url: 'http://photos.example.net/photos?file=vacation.jpg&size=original',
    realm: 'Photos',
    credentials: photos,
    hash: 'sha1',
    sources: { nonce: () => 'kllo9940pd9333jh', now: () => 1191242096_000 },
  });
  assert.equal(
    signed.baseString,
    'GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1191242096%26oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal',
  );
  assert.equal(signed.signature, 'tR3+Ty81lMeYAr/Fid0kMTYa/WM=');
});

test('the nonce and the timestamp come from the injected sources, the timestamp in whole seconds', () => {
  let calls = 0;
  const signed = signRequest({
    method: 'PUT',
    url: 'https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/customer/eid:cus_1',
    realm: '1234567_SB1',
    credentials: photos,
    hash: 'sha256',
    sources: { nonce: () => `nonce${++calls}`, now: () => 1_700_000_000_999 },
  });
  const params = parseAuthorizationHeader(signed.authorization);
  assert.equal(params?.get('oauth_nonce'), 'nonce1');
  assert.equal(params?.get('oauth_timestamp'), '1700000000');
  assert.equal(params?.get('oauth_signature_method'), 'HMAC-SHA256');
  assert.equal(params?.get('realm'), '1234567_SB1');
  assert.equal(calls, 1);
});

test('HMAC-SHA256 differs from SHA1 on the same base string, and a different token secret changes it', () => {
  const base = 'GET&https%3A%2F%2Fexample.com%2F&a%3Db';
  const sha256 = hmacSignature(base, 'cs', 'ts', 'sha256');
  assert.equal(Buffer.from(sha256, 'base64').length, 32);
  assert.notEqual(sha256, hmacSignature(base, 'cs', 'ts', 'sha1'));
  assert.notEqual(sha256, hmacSignature(base, 'cs', 'ts2', 'sha256'));
});

test('percent-encoding leaves only RFC 3986 unreserved characters', () => {
  assert.equal(percentEncode("a b!*'()~-._/+=&é"), "a%20b%21%2A%27%28%29~-._%2F%2B%3D%26%C3%A9");
});
