import type { IncomingHttpHeaders } from 'node:http';
import { type BodyDecoder, BodyDecodeError } from '../octopus/session.js';

/** What the signature answer holds: `{ "BaseVersion": "…", "Signature": "<base64>" }` (PascalCase, or camelCase). */
export interface SignatureDocument {
  baseVersion: string | undefined;
  /** The decoded signature bytes; undefined when the answer has no Signature string. */
  signature: Buffer | undefined;
}

/** Why an answer is not a signature document (a message for a warning: the push falls back to a full upload). */
export class NotASignature extends BodyDecodeError {
  override readonly name = 'NotASignature';
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MAX_TEXT = 1000;
const BASE64 = /^[A-Za-z0-9+/]*$/;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

type State = 'start' | 'key' | 'colon' | 'value' | 'literal' | 'nested' | 'after' | 'done';

/**
 * Decodes the delta-signature answer as it streams in: the Signature's base64 goes straight into one buffer (sized
 * from Content-Length when given), so a 1 GiB base's 18 MB of JSON never exists as text. A flat JSON object is
 * read; values other than BaseVersion and Signature are skipped, nested ones too; escapes are honoured (.NET's
 * encoder may write `+` as `\u002B`). `maxBytes` bounds the decoded signature.
 */
export function signatureDecoder(maxBytes: number): () => BodyDecoder<SignatureDocument> {
  return () => new Decoder(maxBytes);
}

class Decoder implements BodyDecoder<SignatureDocument> {
  #state: State = 'start';
  /** The key whose value is being read, or the text of a key being read. */
  #key = '';
  #inString = false;
  #escape: string | undefined;
  #text = '';
  #depth = 0;
  #baseVersion: string | undefined;
  #out: Buffer | undefined;
  #length = 0;
  /** Base64 characters not yet decoded (fewer than four), and whether padding was seen. */
  #carry = '';
  #padded = false;
  #sawSignature = false;

  constructor(readonly maxBytes: number) {}

  start(headers: IncomingHttpHeaders): (chunk: Buffer) => void {
    const length = Number(headers['content-length']);
    if (Number.isSafeInteger(length) && length > 0) this.#out = Buffer.allocUnsafe(Math.min(this.maxBytes, Math.ceil((length * 3) / 4)));
    return (chunk) => this.#feed(chunk);
  }

  end(): SignatureDocument {
    if (this.#state !== 'done') throw new NotASignature('the answer is not a whole JSON object');
    const signature = this.#out?.subarray(0, this.#length);
    return { baseVersion: this.#baseVersion, signature: this.#sawSignature ? (signature ?? Buffer.alloc(0)) : undefined };
  }

  #feed(chunk: Buffer): void {
    for (let i = 0; i < chunk.byteLength; i++) {
      if (this.#inString) {
        i = this.#stringBytes(chunk, i);
        continue;
      }
      const c = chunk[i]!;
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        if (this.#state === 'literal') this.#state = 'after';
        continue;
      }
      this.#structural(c);
    }
  }

  #structural(c: number): void {
    const ch = String.fromCharCode(c);
    switch (this.#state) {
      case 'start':
        return ch === '{' ? void (this.#state = 'key') : this.#fail();
      case 'key':
        if (ch === '}') return void (this.#state = 'done');
        return ch === '"' ? this.#openString() : this.#fail();
      case 'colon':
        return ch === ':' ? void (this.#state = 'value') : this.#fail();
      case 'value':
        if (ch === '"') return this.#openString();
        if (ch === '{' || ch === '[') return void ((this.#state = 'nested'), (this.#depth = 1));
        if (ch === ',' || ch === '}') return this.#fail();
        return void (this.#state = 'literal');
      case 'literal':
        if (ch === ',') return void (this.#state = 'key');
        if (ch === '}') return void (this.#state = 'done');
        return;
      case 'nested':
        if (ch === '"') return this.#openString();
        if (ch === '{' || ch === '[') this.#depth++;
        if ((ch === '}' || ch === ']') && --this.#depth === 0) this.#state = 'after';
        return;
      case 'after':
        if (ch === ',') return void (this.#state = 'key');
        return ch === '}' ? void (this.#state = 'done') : this.#fail();
      case 'done':
        return this.#fail();
    }
  }

  #openString(): void {
    this.#inString = true;
    this.#text = '';
  }

  /** Reads string bytes from `i`; returns the index of the last byte consumed. */
  #stringBytes(chunk: Buffer, i: number): number {
    const signature = this.#state === 'value' && this.#key === 'signature';
    if (signature && this.#escape === undefined) {
      // The fast path: a run of plain base64 up to the next quote or backslash.
      let end = chunk.indexOf(QUOTE, i);
      const slash = chunk.indexOf(BACKSLASH, i);
      if (slash !== -1 && (end === -1 || slash < end)) end = slash;
      const stop = end === -1 ? chunk.byteLength : end;
      if (stop > i) this.#base64(chunk.toString('latin1', i, stop));
      if (end === -1) return chunk.byteLength - 1;
      i = end;
    }
    const c = chunk[i]!;
    if (this.#escape !== undefined) {
      this.#escape += String.fromCharCode(c);
      if (this.#escape.startsWith('u') && this.#escape.length < 5) return i;
      const decoded = this.#escape.startsWith('u') ? String.fromCharCode(parseInt(this.#escape.slice(1), 16)) : ESCAPES[this.#escape];
      if (decoded === undefined || Number.isNaN(decoded.charCodeAt(0))) this.#fail();
      this.#escape = undefined;
      this.#char(decoded!, signature);
      return i;
    }
    if (c === BACKSLASH) this.#escape = '';
    else if (c === QUOTE) this.#closeString();
    else this.#char(String.fromCharCode(c), signature);
    return i;
  }

  #char(ch: string, signature: boolean): void {
    if (signature) return this.#base64(ch);
    if (this.#text.length < MAX_TEXT) this.#text += ch;
  }

  #closeString(): void {
    this.#inString = false;
    if (this.#state === 'nested') return;
    if (this.#state === 'key') {
      this.#key = this.#text.toLowerCase() === 'signature' || this.#text.toLowerCase() === 'baseversion' ? this.#text.toLowerCase() : '';
      this.#state = 'colon';
      return;
    }
    // A value.
    if (this.#key === 'baseversion') this.#baseVersion = this.#text.length < MAX_TEXT ? this.#text : undefined;
    if (this.#key === 'signature') {
      if (this.#carry.replace(/=+$/, '').length % 4 === 1) this.#fail('the Signature is not base64');
      this.#decode(this.#carry.replace(/=+$/, ''), true);
      this.#sawSignature = true;
    }
    this.#key = '';
    this.#state = 'after';
  }

  #base64(text: string): void {
    if (this.#padded && !/^=*$/.test(text)) this.#fail('the Signature is not base64');
    const at = text.indexOf('=');
    if (at !== -1) {
      if (!/^=*$/.test(text.slice(at))) this.#fail('the Signature is not base64');
      this.#padded = true;
    }
    const plain = at === -1 ? text : text.slice(0, at);
    if (!BASE64.test(plain)) this.#fail('the Signature is not base64');
    const all = this.#carry + plain;
    const whole = all.length - (all.length % 4);
    this.#decode(all.slice(0, whole), false);
    this.#carry = all.slice(whole) + (at === -1 ? '' : text.slice(at));
  }

  #decode(text: string, last: boolean): void {
    if (text.length === 0) return;
    const bytes = Math.floor((text.length * 3) / 4) + (last ? 1 : 0);
    if (this.#length + bytes > this.maxBytes) this.#fail('the Signature is larger than any package this push would send');
    if (!this.#out || this.#out.byteLength < this.#length + bytes) {
      const grown = Buffer.allocUnsafe(Math.min(this.maxBytes, Math.max(this.#length + bytes, 2 * (this.#out?.byteLength ?? 1 << 20))));
      this.#out?.copy(grown, 0, 0, this.#length);
      this.#out = grown;
    }
    this.#length += this.#out.write(text, this.#length, 'base64');
  }

  #fail(why = 'the answer is not a flat JSON object'): never {
    throw new NotASignature(why);
  }
}
