import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { NotASignature, signatureDecoder } from '../src/push/signature-decoder.js';

/** Decodes `text` fed in pieces of `piece` bytes (1: every byte its own chunk, so every boundary is crossed). */
function decode(text: string, piece = 1, headers: Record<string, string> = {}) {
  const decoder = signatureDecoder(1 << 20)();
  const feed = decoder.start(headers);
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.byteLength; at += piece) feed(bytes.subarray(at, at + piece));
  return decoder.end();
}

describe('the delta-signature answer, decoded as it streams in', () => {
  const signature = randomBytes(1000);
  const base64 = signature.toString('base64');

  it('reads BaseVersion and Signature in any order, PascalCase or camelCase, split anywhere', () => {
    for (const piece of [1, 3, 7, 4096]) {
      const answers = [
        `{"BaseVersion":"1.0.0","Signature":"${base64}"}`,
        `{ "signature" : "${base64}" ,\n "baseVersion": "1.0.0" }`,
        `{"Other":{"Nested":["a","}",{"b":1}]},"Count":12,"Ok":true,"Signature":"${base64}","BaseVersion":"1.0.0","Null":null}`,
      ];
      for (const answer of answers) {
        const doc = decode(answer, piece, { 'content-length': String(answer.length) });
        assert.equal(doc.baseVersion, '1.0.0');
        assert.deepEqual(doc.signature, signature, `piece ${piece}: ${answer.slice(0, 40)}`);
      }
    }
  });

  it('honours JSON escapes in the base64 (.NET may write + as \\u002B) and every padding length', () => {
    const escaped = base64.replace(/\+/g, '\\u002B').replace(/\//g, '\\/');
    assert.deepEqual(decode(`{"BaseVersion":"2.0","Signature":"${escaped}"}`).signature, signature);
    for (const length of [0, 1, 2, 3, 4, 5]) {
      const bytes = randomBytes(length);
      assert.deepEqual(decode(`{"BaseVersion":"2.0","Signature":"${bytes.toString('base64')}"}`, 1).signature, bytes, `length ${length}`);
    }
  });

  it('refuses what is not a flat JSON object with a base64 Signature', () => {
    for (const bad of [
      '<html>login</html>',
      '{"BaseVersion":"1.0.0","Signature":"AAAA"',
      '{"BaseVersion":"1.0.0","Signature":"AA!A"}',
      '{"BaseVersion":"1.0.0","Signature":"AA=A"}',
      '{"BaseVersion":"1.0.0","Signature":"A"}',
      '{"BaseVersion":"1.0.0","Signature":"AAAA"} trailing',
      '[1,2]',
    ]) {
      assert.throws(() => decode(bad), NotASignature, bad);
    }
    assert.equal(decode('{"BaseVersion":"1.0.0"}').signature, undefined);
    assert.throws(() => {
      const decoder = signatureDecoder(10)();
      decoder.start({})(Buffer.from(`{"Signature":"${randomBytes(30).toString('base64')}"}`));
    }, /larger/);
  });
});
