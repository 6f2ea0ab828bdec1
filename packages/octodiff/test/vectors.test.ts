import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { DeltaWriter } from '../src/delta-writer.js';
import { applyDelta, createDelta, createSignature, parseSignature, rollingChecksum, rotateChecksum } from '../src/index.js';
import { collector, commandsOf, lcgBytes } from './helpers.js';

// Every vector of the api doc §3.3. (a): Octodiff's own test data, the 520-byte self-signed certificate of
// Octodiff.Tests/Util/Helpers.cs. (b): vectors of a reference port over LCG bytes.
const CERTIFICATE = Buffer.from(
  'MIICBDCCAaugAwIBAgIUGNg/B3GL5BId8KGNdhD6+NejvsQwCgYIKoZIzj0EAwIwWDELMAkGA1UEBhMCQVUxEzARBgNVBAgMClNvbWUtU3RhdGUxFzAVBgNVBAoMDk9jdG9wdXMgRGVwbG95MQwwCgYDVQQLDANSJkQxDTALBgNVBAMMBFRFU1QwHhcNMjMwMzIwMDk0ODQyWhcNMjQwMzE5MDk0ODQyWjBYMQswCQYDVQQGEwJBVTETMBEGA1UECAwKU29tZS1TdGF0ZTEXMBUGA1UECgwOT2N0b3B1cyBEZXBsb3kxDDAKBgNVBAsMA1ImRDENMAsGA1UEAwwEVEVTVDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABFBLdySNg+Lj4gm7sil6Dk0k/0Xnnv+I3RZeZBmumFEtq9IhnaRuk9f/mNWhy4AxSlfzfQkx7PfzvUvOISz9LLqjUzBRMB0GA1UdDgQWBBS63SeKMeASd2r7/aTq2P3OkE8O/DAfBgNVHSMEGDAWgBS63SeKMeASd2r7/aTq2P3OkE8O/DAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0cAMEQCIFmc75IBFbZKfQvH3lWoS7p/Be54uekDr3y1K0pdzI6iAiAGV1RF2rnCEyWkjeO9fOUaNGEgFadGSHh8en4DJkU3cA==',
  'base64',
);
const A = lcgBytes(520);
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const sha1 = (bytes: Uint8Array) => crypto.hash('sha1', bytes, 'hex');

async function delta(newFile: Buffer, signature: Buffer): Promise<Buffer> {
  const out = collector();
  await createDelta(newFile, signature, out.stream);
  return out.bytes();
}

async function apply(basis: Buffer, deltaBytes: Buffer): Promise<Buffer> {
  const out = collector();
  await applyDelta(basis, deltaBytes, out.stream);
  return out.bytes();
}

describe('§3.3 (a) Octodiff vectors', () => {
  it('the test data is the 520-byte certificate with the SHA-1 in the vectors', () => {
    assert.equal(CERTIFICATE.length, 520);
    assert.equal(sha1(CERTIFICATE), '330bd06982d3b5dbda6c1a6ad16687a0cdb03c0d');
    assert.equal(rollingChecksum('Adler32', CERTIFICATE), 4037189623);
  });

  it('signature with default settings', async () => {
    assert.equal(
      hex(await createSignature(CERTIFICATE)),
      '4f43544f5349470104534841310741646c657233323e3e3e' + '0802' + 'f79fa2f0' + '330bd06982d3b5dbda6c1a6ad16687a0cdb03c0d',
    );
  });

  it('signature with Adler32V2', async () => {
    const signature = hex(await createSignature(CERTIFICATE, { rollingChecksum: 'Adler32V2' }));
    assert.equal(
      signature,
      '4f43544f534947010453484131' + '0941646c6572333256323e3e3e0802f79fe5f8330bd06982d3b5dbda6c1a6ad16687a0cdb03c0d',
    );
  });

  it('no-op delta of the data against its own signature', async () => {
    const expected =
      '4f43544f44454c5441' +
      '01' +
      '0453484131' +
      '14000000' +
      '330bd06982d3b5dbda6c1a6ad16687a0cdb03c0d' +
      '3e3e3e' +
      '60' +
      '0000000000000000' +
      '0802000000000000';
    const bytes = await delta(CERTIFICATE, await createSignature(CERTIFICATE));
    assert.equal(hex(bytes), expected);
    assert.deepEqual(await apply(CERTIFICATE, bytes), CERTIFICATE);
  });

  it('WriteCopyCommand(315412, 9874563)', async () => {
    const written: Uint8Array[] = [];
    const writer = new DeltaWriter({ write: async (bytes) => void written.push(bytes), close: async () => {}, abort: async () => {} });
    writer.copy(315412, 9874563);
    await writer.finish();
    assert.equal(hex(Buffer.concat(written)), '60' + '14d0040000000000' + '83ac960000000000');
  });
});

describe('§3.3 (b) reference-port vectors', () => {
  it('input generator, SHA-1 and both checksums of A', () => {
    assert.equal(hex(A.subarray(0, 16)), 'c67e816b4bfbe2fb54f6bddf7c1ce187');
    assert.equal(sha1(A), 'acfee5fad8d01a4b2ad66e4adb418322b315b00e');
    assert.equal(rollingChecksum('Adler32', A), 0x4600f5c2);
    assert.equal(rollingChecksum('Adler32V2', A), 0x54f1f5c2);
  });

  it('checksums of "Wikipedia" and of 300 x 0xFF', () => {
    const wikipedia = Buffer.from('Wikipedia', 'ascii');
    assert.equal(rollingChecksum('Adler32', wikipedia), 0x11e60398);
    assert.equal(rollingChecksum('Adler32V2', wikipedia), 0x11e60398);
    const ff = Buffer.alloc(300, 0xff);
    assert.equal(rollingChecksum('Adler32', ff), 0xaece2ad5);
    assert.equal(rollingChecksum('Adler32V2', ff), 0xb90f2ae4);
  });

  it('the worked V2 rotation example gives the correct value, not the C# or Go one', () => {
    assert.equal(rotateChecksum('Adler32V2', 0xd692e125, 137, 133, 2048), 0x6f85e121);
  });

  it('signatures of A with chunk sizes 2048 and 128, and of an empty file', async () => {
    assert.equal(
      hex(await createSignature(A)),
      '4f43544f5349470104534841310741646c657233323e3e3e0802c2f50046acfee5fad8d01a4b2ad66e4adb418322b315b00e',
    );
    const sig128 = await createSignature(A, { chunkSize: 128 });
    assert.equal(sig128.length, 154);
    assert.equal(
      hex(sig128),
      '4f43544f5349470104534841310741646c657233323e3e3e8000e33e1c763e38bc9ad3e828a09034a02c5ca21e53e65602aa8000ac3ee4194ec7c9d1b528d414acd904c938239dd941895f008000003b71455a7719c3215f2a7c29fcf1c6ee5279efbb394ca58000cc391e51540da8e7e5824b95fc5b5c5ff6988f64a306198c08006b03390f769057a026d93fb6be76428ef8b4b1c91c747d3e',
    );
    assert.equal(hex(await createSignature(Buffer.alloc(0))), '4f43544f5349470104534841310741646c657233323e3e3e');
  });

  it('delta(A, sig2048(A))', async () => {
    const bytes = await delta(A, await createSignature(A));
    assert.equal(
      hex(bytes),
      '4f43544f44454c544101045348413114000000acfee5fad8d01a4b2ad66e4adb418322b315b00e3e3e3e6000000000000000000802000000000000',
    );
    assert.deepEqual(await apply(A, bytes), A);
  });

  it('delta(0xAA + A, sig128(A)): DATA 1 byte, then one merged COPY 0..520', async () => {
    const newFile = Buffer.concat([Buffer.from([0xaa]), A]);
    const bytes = await delta(newFile, await createSignature(A, { chunkSize: 128 }));
    assert.equal(bytes.length, 69);
    assert.equal(
      hex(bytes),
      '4f43544f44454c544101045348413114000000c2ffe960a4f38df636664d7f5559ac1bd782a2803e3e3e800100000000000000aa6000000000000000000802000000000000',
    );
    assert.deepEqual(await apply(A, bytes), newFile);
  });

  it('delta(A with bytes 32..34 changed, sig128(A)): DATA 128, COPY 128..520', async () => {
    const newFile = Buffer.from(A);
    newFile.set([0xaa, 0xab, 0xac], 32);
    const bytes = await delta(newFile, await createSignature(A, { chunkSize: 128 }));
    assert.equal(bytes.length, 196);
    assert.equal(
      hex(bytes),
      '4f43544f44454c5441010453484131140000009445de349eae8f6bdd7c9a189feadaec087a45643e3e3e808000000000000000c67e816b4bfbe2fb54f6bddf7c1ce18701bf31de56720f4767668759aa883c59aaabac7bd285a1d83c54552f37ae655bda027998cce31a768e5fd9998f1f3f36ee43784d0dfabea6dae4868edc296d4eff56e17020fb8fb1580590c509dc53cdaa3b489952d3529d069feab5c206139849b2011eac3288319c52469571368f576080000000000000008801000000000000',
    );
    assert.deepEqual(await apply(A, bytes), newFile);
  });

  it('delta(A, sig(empty)): 571 bytes, one DATA with all of A', async () => {
    const bytes = await delta(A, await createSignature(Buffer.alloc(0)));
    assert.equal(bytes.length, 571);
    assert.equal(hex(bytes.subarray(42, 51)), '800802000000000000');
    assert.deepEqual(bytes.subarray(51), A);
    assert.deepEqual(await apply(Buffer.alloc(0), bytes), A);
  });

  it('B2 = B with "HELLO OCTOPUS" inserted at 50,000: COPY(0,49152), DATA(2061), COPY(51200,48800)', async () => {
    const B = lcgBytes(100_000, 42);
    const B2 = Buffer.concat([B.subarray(0, 50_000), Buffer.from('HELLO OCTOPUS', 'ascii'), B.subarray(50_000)]);
    assert.equal(sha1(B), '1991a4854eed9efb01f11113d5dbec9988ce9cb6');
    assert.equal(sha1(B2), '8748d6d68ca906db33c2a5717958947f945efef0');
    const signature = await createSignature(B);
    assert.equal(signature.length, 1298);
    assert.equal(sha1(signature), '822a443ee433a97c0a8810309a5cb2e63ca5d52e');
    const bytes = await delta(B2, signature);
    assert.equal(bytes.length, 2146);
    assert.equal(sha1(bytes), '7a1d1239ad123b7da7287cbe5858e9d3393b8c75');
    assert.deepEqual(commandsOf(bytes), [
      { type: 'COPY', start: 0, length: 49152 },
      { type: 'DATA', length: 2061 },
      { type: 'COPY', start: 51200, length: 48800 },
    ]);
    assert.deepEqual(await apply(B, bytes), B2);
    assert.equal(parseSignature(signature).count, 49);
  });
});
