import assert from 'node:assert/strict';
import { createSignature } from '@octojs/octodiff';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { type PushOptions, createPackage, push, pushAll } from '../src/index.js';
import { useTempDir } from '../../../test/helpers/temp-dir.js';
import { type TestServer, json, octopusHandler, rootDocument, startServer } from './hostile-server.js';

const KEY = 'API-SECRETSECRETSECRET0000000000';

/** Everything a caller could print or log about an error: message, stack, JSON, hint and every cause. */
function everything(error: unknown): string {
  const parts: string[] = [];
  for (let current = error, depth = 0; current && depth < 10; current = (current as Error).cause, depth++) {
    const item = current as Error & { hint?: string };
    parts.push(String(item.message), String(item.stack), String(item.hint), JSON.stringify(item), String(item));
  }
  return parts.join('\n');
}

async function failure(promise: Promise<unknown>): Promise<Error & { code: string; hint: string; message: string }> {
  return promise.then(
    () => assert.fail('should have failed'),
    (error: Error & { code: string; hint: string }) => error,
  );
}

describe('push() against hostile servers', () => {
  const tmp = useTempDir();
  const servers: TestServer[] = [];
  let zip: string;
  const serve = async (...args: Parameters<typeof startServer>): Promise<TestServer> => {
    const server = await startServer(...args);
    servers.push(server);
    return server;
  };
  const options = (server: TestServer, extra: PushOptions = {}): PushOptions => ({
    server: server.url,
    apiKey: KEY,
    retries: 0,
    retryDelay: 1,
    env: {},
    ...extra,
  });

  beforeEach(async () => {
    zip = (await createPackage({ id: 'Acme.Web', version: '1.0.0' }).addBuffer('index.js', 'console.log(1)').toFile(tmp.path)).path;
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  describe('secrets', () => {
    it('never shows a key the server echoes in ErrorMessage, Errors, an HTML page or a Location header', async () => {
      const cases: [string, (response: import('node:http').ServerResponse) => void][] = [
        ['ErrorMessage', (response) => json(response, 400, { ErrorMessage: `Bad key ${KEY}`, Errors: [`key=${KEY}`, `again ${KEY}`] })],
        ['401', (response) => json(response, 401, { ErrorMessage: `You gave ${KEY}` })],
        ['HTML', (response) => response.writeHead(500, { 'content-type': 'text/html' }).end(`<html><body>Key: ${KEY}</body></html>`)],
        ['Location', (response) => response.writeHead(302, { location: `https://login.example/?apikey=${KEY}&x=1` }).end()],
        ['other key', (response) => json(response, 400, { ErrorMessage: 'Another key API-OTHERKEY0000000000000000 here' })],
      ];
      for (const [name, answer] of cases) {
        const warnings: string[] = [];
        const server = await serve(octopusHandler({ upload: (_request, response) => answer(response) }));
        const error = await failure(push(zip, options(server, { onWarning: (warning) => warnings.push(warning) })));
        assert.ok(!everything(error).includes(KEY), `${name}: ${everything(error)}`);
        assert.ok(!everything(error).includes('API-OTHERKEY'), name);
        assert.ok(!warnings.join('\n').includes(KEY), name);
        assert.match(error.message, /\*\*\*/, `${name}: the redaction shows: ${error.message}`);
      }
    });

    it('redacts the key from retry warnings and from a JSON parse failure that quotes the body', async () => {
      let calls = 0;
      const server = await serve((request, response) => {
        if (calls++ === 0) return json(response, 503, { ErrorMessage: `starting, ${KEY}` });
        response.writeHead(200, { 'content-type': 'text/html' }).end(`<html>${KEY}</html>`);
      });
      const warnings: string[] = [];
      const error = await failure(push(zip, options(server, { retries: 1, onWarning: (warning) => warnings.push(warning) })));
      assert.equal(error.code, 'ERR_OCTO_NOT_OCTOPUS');
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /attempt 1 of 2 failed .*503.*retrying in \d+\.\d s/);
      assert.ok(!warnings.join().includes(KEY));
      assert.ok(!everything(error).includes(KEY));
    });

    it('takes a key from the server URL query, sends it as a header, appends /api to the path, and never shows it', async () => {
      const server = await serve(
        octopusHandler({ upload: (_request, response) => json(response, 409, { ErrorMessage: `exists ${KEY}` }) }),
      );
      const warnings: string[] = [];
      const error = await failure(
        push(zip, { server: `${server.url}/?apikey=${KEY}`, env: {}, retries: 0, onWarning: (warning) => warnings.push(warning) }),
      );
      assert.equal(error.code, 'ERR_OCTO_CONFLICT');
      assert.equal(server.seen[0]!.url, '/api');
      assert.ok(server.seen.every((request) => request.headers['x-octopus-apikey'] === KEY && !request.url.includes(KEY)));
      assert.ok(!everything(error).includes(KEY));
      assert.ok(!warnings.join().includes(KEY));
      const created = await serve(octopusHandler());
      const result = await push(zip, { server: `${created.url}/octopus?ApiKey=${KEY}#/x`, env: {}, retries: 0 });
      assert.equal(result.outcome, 'created');
      assert.equal(created.seen[0]!.url, '/octopus/api');
      assert.ok(!JSON.stringify(result).includes(KEY));
    });
  });

  describe('hosts', () => {
    it('refuses links to another port, host or scheme, and the other server never gets the key', async () => {
      const other = await serve((_request, response) => json(response, 201, { Hash: '0'.repeat(40) }));
      const links: Record<string, string>[] = [
        { PackageUpload: `${other.url}/api/Spaces-1/packages/raw{?overwriteMode}` },
        { PackageUpload: `//127.0.0.1:${other.port}/api/Spaces-1/packages/raw{?overwriteMode}` },
        { Packages: `${other.url}/api/Spaces-1/packages{/id}` },
        { PackageUpload: `https://127.0.0.1:${other.port}/api/Spaces-1/packages/raw{?overwriteMode}` },
      ];
      for (const link of links) {
        const server = await serve(octopusHandler({ root: rootDocument(link) }));
        const error = await failure(push(zip, options(server)));
        assert.equal(error.code, 'ERR_OCTO_FOREIGN_LINK', JSON.stringify(link));
        assert.match(error.message, /not to http:\/\/127\.0\.0\.1:\d+/);
        assert.ok(!server.seen.some((request) => request.method === 'POST'));
      }
      const spaced = await serve(octopusHandler({ root: rootDocument({ SpaceHome: `${other.url}/api/{spaceId}` }) }));
      assert.equal((await failure(push(zip, options(spaced, { space: 'Spaces-2' })))).code, 'ERR_OCTO_FOREIGN_LINK');
      assert.equal(other.seen.length, 0, 'the other server received nothing, so no key');
    });

    it('resolves /… links against the origin and ~/… links against the virtual directory, as Octopus clients do', async () => {
      const server = await serve(
        octopusHandler({
          root: rootDocument({
            Packages: '~/api/Spaces-1/packages{/id}',
            PackageUpload: '/octopus/api/Spaces-1/packages/raw{?overwriteMode}',
          }),
        }),
      );
      const result = await push(zip, options(server, { server: `${server.url}/octopus` }));
      assert.equal(result.outcome, 'created');
      assert.deepEqual(
        server.seen.map((request) => `${request.method} ${request.url}`),
        [
          'GET /octopus/api',
          'GET /octopus/api/Spaces-1/packages/Acme.Web.1.0.0',
          'POST /octopus/api/Spaces-1/packages/raw?overwriteMode=FailIfExists',
        ],
      );
    });

    it('takes a URL copied from the browser, the API or the NuGet feed back to the server root, and refuses other API paths', async () => {
      const server = await serve(octopusHandler());
      for (const copied of [
        `${server.url}/app#/Spaces-1/projects`,
        `${server.url}/api`,
        `${server.url}/api/`,
        `${server.url}/nuget/packages`,
      ]) {
        const warnings: string[] = [];
        server.seen.length = 0;
        const result = await push(zip, options(server, { server: copied, onWarning: (warning) => warnings.push(warning) }));
        assert.equal(result.outcome, 'created', copied);
        assert.equal(server.seen[0]!.url, '/api', copied);
        assert.match(warnings.join(), new RegExp(`using ${server.url.replace(/\./g, '\\.')}`), copied);
      }
      const error = await failure(push(zip, options(server, { server: `${server.url}/octopus/api/Spaces-1/packages/raw` })));
      assert.equal(error.code, 'ERR_OCTO_INVALID_OPTION');
      assert.match(error.hint, new RegExp(`${server.url.replace(/\./g, '\\.')}/octopus$`));
    });
  });

  describe('time limits', () => {
    const timed = async (promise: Promise<unknown>): Promise<{ error: Error & { code: string }; ms: number }> => {
      const started = Date.now();
      const error = await failure(promise);
      return { error, ms: Date.now() - started };
    };

    it('an answer that trickles a byte every 100 ms fails with ERR_OCTO_TIMEOUT at the deadline (timeout 400 ms)', async () => {
      const server = await serve((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        const timer = setInterval(() => response.write(' '), 100);
        response.on('close', () => clearInterval(timer));
      });
      const { error, ms } = await timed(push(zip, options(server, { timeout: 400 })));
      assert.equal(error.code, 'ERR_OCTO_TIMEOUT');
      assert.match(error.message, /deadline/);
      assert.ok(ms < 1200, `took ${ms} ms`);
    });

    it('an answer that never ends (a flood) fails at the deadline; an upload answer that trickles too', async () => {
      const flood = await serve((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        const timer = setInterval(() => response.write(Buffer.alloc(16 * 1024, 32)), 5);
        response.on('close', () => clearInterval(timer));
      });
      const first = await timed(push(zip, options(flood, { timeout: 300 })));
      assert.equal(first.error.code, 'ERR_OCTO_TIMEOUT');
      assert.ok(first.ms < 1000, `took ${first.ms} ms`);
      const trickle = await serve(
        octopusHandler({
          upload: (_request, response) => {
            response.writeHead(201, { 'content-type': 'application/json' });
            const timer = setInterval(() => response.write(' '), 100);
            response.on('close', () => clearInterval(timer));
          },
        }),
      );
      const second = await timed(push(zip, options(trickle, { timeout: 300 })));
      assert.equal(second.error.code, 'ERR_OCTO_TIMEOUT');
      assert.ok(second.ms < 1200, `took ${second.ms} ms`);
    });

    it('a server that says nothing fails after `timeout` of silence per attempt, with one warning line per retry', async () => {
      const silent = await serve(() => {});
      const warnings: string[] = [];
      const { error, ms } = await timed(
        push(zip, options(silent, { timeout: 200, retries: 2, onWarning: (warning) => warnings.push(warning) })),
      );
      assert.equal(error.code, 'ERR_OCTO_TIMEOUT');
      assert.equal((error as { attempts?: number }).attempts, 3);
      assert.equal(warnings.length, 2);
      assert.match(
        warnings[0]!,
        /^GET http:\/\/127\.0\.0\.1:\d+\/api: attempt 1 of 3 failed \(.*(no byte was sent or received for 200 ms|deadline of 200 ms).*\); retrying in/,
      );
      assert.ok(ms < 1500, `took ${ms} ms`);
    });
  });

  describe('malformed answers', () => {
    const roots: [string, unknown, RegExp][] = [
      ['an array', [], /root document is an array/],
      ['no ApiVersion', { Links: {} }, /ApiVersion is missing/],
      ['Links a string', { ApiVersion: '3.0.0', Links: 'nope' }, /Links are a string/],
      ['PackageUpload a number', rootDocument({ PackageUpload: 42 }), /PackageUpload link is a number/],
      ['Packages an object', rootDocument({ Packages: { href: '/x' } }), /Packages link is an object/],
      ['no PackageUpload', rootDocument({ PackageUpload: undefined }), /no package upload link/],
      ['null', null, /root document is null/],
    ];
    for (const [name, root, expected] of roots) {
      it(`a root document with ${name} is ERR_OCTO_NOT_OCTOPUS saying so`, async () => {
        const server = await serve(octopusHandler({ root }));
        const error = await failure(push(zip, options(server)));
        assert.equal(error.code, 'ERR_OCTO_NOT_OCTOPUS', error.stack);
        assert.match(error.message, expected);
      });
    }

    it('a malformed space list, space document or package resource is ERR_OCTO_NOT_OCTOPUS, never a TypeError', async () => {
      const answers: [string, (url: URL) => unknown, PushOptions, RegExp][] = [
        [
          'space list',
          (url) => (url.pathname === '/api/spaces/all' ? { Items: [] } : undefined),
          { space: 'Team' },
          /list of spaces is an object/,
        ],
        [
          'space id',
          (url) => (url.pathname === '/api/spaces/all' ? [{ Id: 7, Name: 'Team' }] : undefined),
          { space: 'Team' },
          /Id that is a number/,
        ],
        [
          'space document',
          (url) => (url.pathname === '/api/Spaces-2' ? { Links: [] } : undefined),
          { space: 'Spaces-2' },
          /Links are an array/,
        ],
        ['package Hash', (url) => (url.pathname.startsWith('/api/Spaces-1/packages/') ? { Hash: 12 } : undefined), {}, /Hash is a number/],
      ];
      for (const [name, answer, extra, expected] of answers) {
        const server = await serve((request, response) => {
          const url = new URL(request.url!, 'http://x');
          if (url.pathname === '/api') return json(response, 200, rootDocument());
          const body = answer(url);
          return body === undefined ? json(response, 404, {}) : json(response, 200, body);
        });
        const error = await failure(push(zip, options(server, extra)));
        assert.equal(error.code, 'ERR_OCTO_NOT_OCTOPUS', `${name}: ${error.stack}`);
        assert.match(error.message, expected, name);
      }
    });
  });

  describe('error codes', () => {
    it('a 404 on the upload is ERR_OCTO_NOT_FOUND, not an unknown space', async () => {
      const server = await serve(octopusHandler({ upload: (_request, response) => json(response, 404, { ErrorMessage: 'No route' }) }));
      const error = await failure(push(zip, options(server)));
      assert.equal(error.code, 'ERR_OCTO_NOT_FOUND');
      assert.match(error.hint, /`server`/);
    });

    it('a legacy server: IgnoreIfExists then a conflict says why, and does not advise IgnoreIfExists again', async () => {
      const legacyRoot = rootDocument({ PackageUpload: '/api/Spaces-1/packages/raw{?replace}' });
      const existing = await serve((request, response) => {
        const url = new URL(request.url!, 'http://x');
        if (url.pathname === '/api') return json(response, 200, legacyRoot);
        return json(response, 200, { PackageId: 'Acme.Web', Version: '1.0.0', Hash: 'f'.repeat(40) });
      });
      const warnings: string[] = [];
      const before = await failure(
        push(zip, options(existing, { overwriteMode: 'ignore', onWarning: (warning) => warnings.push(warning) })),
      );
      assert.equal(before.code, 'ERR_OCTO_CONFLICT');
      assert.match(before.message, /older than 2019\.7\.9/);
      assert.doesNotMatch(before.hint, /IgnoreIfExists/);
      assert.match(before.hint, /OverwriteExisting/);
      assert.match(warnings.join(), /2019\.7\.9/);
      // A key that may not look uploads blindly: the server's 409 carries the warning too.
      const blind = await serve(
        octopusHandler({
          root: legacyRoot,
          upload: (_request, response) => json(response, 409, { ErrorMessage: 'A package with the same ID and version already exists.' }),
        }),
      );
      const after = await failure(push(zip, options(blind, { overwriteMode: 'IgnoreIfExists' })));
      assert.equal(after.code, 'ERR_OCTO_CONFLICT');
      assert.match(after.message, /older than 2019\.7\.9/);
      assert.doesNotMatch(after.hint, /IgnoreIfExists/);
      assert.ok(blind.seen.some((request) => request.url === '/api/Spaces-1/packages/raw?replace=false'));
    });

    it('pushAll keeps each package its own error', async () => {
      const fake = path.join(tmp.path, 'Fake.1.0.0.zip');
      writeFileSync(fake, 'not a zip at all');
      const server = await serve(octopusHandler({ upload: (_request, response) => json(response, 409, { ErrorMessage: 'exists' }) }));
      const results = await pushAll([fake, zip, path.join(tmp.path, 'Gone.1.0.0.zip')], { ...options(server), continueOnError: true });
      assert.deepEqual(
        results.map((entry) => (entry.ok ? entry.outcome : entry.error.code)),
        ['ERR_OCTO_UNSUPPORTED_FORMAT', 'ERR_OCTO_CONFLICT', 'ERR_OCTO_PACKAGE_NOT_FOUND'],
      );
      assert.ok(results.every((entry) => !entry.ok && entry.outcome === 'failed'));
    });
  });

  describe('formats', () => {
    it('refuses a text file named .zip (or .tar.gz, .tar), as a path, bytes or a stream, before any request', async () => {
      const server = await serve(octopusHandler());
      const text = Buffer.from('hello, I am not an archive\n'.repeat(40));
      const inputs = [
        path.join(tmp.path, 'Fake.1.0.0.zip'),
        path.join(tmp.path, 'Fake.1.0.0.tar.gz'),
        path.join(tmp.path, 'Fake.1.0.0.tar'),
      ];
      for (const file of inputs) writeFileSync(file, text);
      for (const input of [...inputs, { data: text, name: 'Fake.1.0.0.zip' }, { stream: Readable.from([text]), name: 'Fake.1.0.0.zip' }]) {
        const error = await failure(push(input, options(server)));
        assert.equal(error.code, 'ERR_OCTO_UNSUPPORTED_FORMAT');
        assert.match(error.message, /but its bytes are text; nothing was sent/);
      }
      assert.equal(server.seen.length, 0);
    });

    it('accepts a real tar, a real tar.gz and an empty zip (end record only)', async () => {
      const server = await serve(octopusHandler());
      const tar = (await createPackage({ id: 'Acme.Tar', version: '1.0.0', format: 'tar' }).addBuffer('a', 'b').toFile(tmp.path)).path;
      const tgz = (await createPackage({ id: 'Acme.Tgz', version: '1.0.0', format: 'tar.gz' }).addBuffer('a', 'b').toFile(tmp.path)).path;
      const empty = Buffer.concat([Buffer.from('PK\x05\x06', 'latin1'), Buffer.alloc(18)]);
      for (const input of [tar, tgz, { data: empty, name: 'Acme.Empty.1.0.0.zip' }]) {
        assert.equal((await push(input, options(server))).outcome, 'created');
      }
    });
  });

  describe('options', () => {
    it('checks every option before any request: types, ranges, unknown keys with the near miss', async () => {
      const server = await serve(octopusHandler());
      const cases: [Record<string, unknown>, string, RegExp?][] = [
        [{ insecure: 'false' }, 'insecure'],
        [{ timeout: -1 }, 'timeout'],
        [{ timeout: '30' }, 'timeout'],
        [{ retries: 1.5 }, 'retries'],
        [{ overwritemode: 'ignore' }, 'overwritemode', /`overwriteMode`/],
        [{ overwriteMode: 'sometimes' }, 'overwriteMode'],
        [{ proxy: true }, 'proxy'],
        [{ apiKey: 42 }, 'apiKey'],
        [{ concurrency: 2 }, 'concurrency'],
        [{ ca: [Buffer.from('pem'), 42] }, 'ca'],
        [{ caFile: '' }, 'caFile'],
      ];
      for (const [extra, option, hint] of cases) {
        const error = await failure(push(zip, { ...options(server), ...extra } as PushOptions));
        assert.equal(error.code, 'ERR_OCTO_INVALID_OPTION', JSON.stringify(extra));
        assert.equal((error as { option?: string }).option, option);
        if (hint) assert.match(error.hint, hint);
      }
      for (const concurrency of ['two', 0, 2.5]) {
        const error = await failure(pushAll([zip], { ...options(server), concurrency } as never));
        assert.equal(error.code, 'ERR_OCTO_INVALID_OPTION');
        assert.equal((error as { option?: string }).option, 'concurrency');
      }
      assert.equal(server.seen.length, 0);
      // An array of PEM texts and Buffers mixed is a valid `ca`.
      assert.equal((await push(zip, options(server, { ca: [Buffer.from('-----'), '-----'] }))).outcome, 'created');
    });

    it('useDeltaCompression: true without delta links pushes in full; a delta link to another origin is not followed', async () => {
      const server = await serve(octopusHandler());
      const plain = await push(zip, options(server, { useDeltaCompression: true }));
      assert.equal(plain.outcome, 'created');
      assert.equal(plain.method, 'full');
      assert.equal(plain.fullUploadReason, 'no-delta-support');
      assert.equal((await push(zip, options(server, { useDeltaCompression: false }))).fullUploadReason, undefined);
      const foreign = await serve(
        octopusHandler({
          root: rootDocument({
            PackageDeltaSignature: 'http://127.0.0.2:9/api/Spaces-1/packages/{packageId}/{version}/delta-signature',
            PackageDeltaUpload: '/api/Spaces-1/packages/{packageId}/{baseVersion}/delta{?replace,overwriteMode}',
          }),
        }),
      );
      const warnings: string[] = [];
      const result = await push(zip, options(foreign, { useDeltaCompression: true, onWarning: (message) => warnings.push(message) }));
      assert.equal(result.method, 'full');
      assert.equal(result.fullUploadReason, 'signature-failed');
      assert.match(warnings.join('\n'), /PackageDeltaSignature link points to http:\/\/127\.0\.0\.2:9/);
      assert.ok(foreign.seen.every((seen) => !seen.url.includes('delta')));
    });

    it('a delta upload link to another origin is not followed: the whole package goes to the configured server', async () => {
      const signature = (await createSignature(zip)).toString('base64'); // the delta is a single COPY
      const server = await serve((request, response, self) => {
        const url = new URL(request.url ?? '/', 'http://x');
        if (url.pathname.endsWith('/delta-signature')) return json(response, 200, { BaseVersion: '0.9.0', Signature: signature });
        return octopusHandler({
          root: rootDocument({
            PackageDeltaSignature: '/api/Spaces-1/packages/{packageId}/{version}/delta-signature',
            PackageDeltaUpload: 'http://127.0.0.2:9/api/Spaces-1/packages/{packageId}/{baseVersion}/delta{?replace,overwriteMode}',
          }),
        })(request, response, self);
      });
      const warnings: string[] = [];
      const result = await push(zip, options(server, { useDeltaCompression: true, onWarning: (message) => warnings.push(message) }));
      assert.equal(result.method, 'full');
      assert.equal(result.fullUploadReason, 'delta-upload-failed');
      assert.match(warnings.join('\n'), /PackageDeltaUpload link points to http:\/\/127\.0\.0\.2:9/);
      assert.ok(server.seen.some((seen) => seen.method === 'POST' && seen.url.includes('/packages/raw')));
    });

    it('an onProgress that throws is reported once and does not end the push (nor the process)', async () => {
      const server = await serve(octopusHandler());
      const warnings: string[] = [];
      let calls = 0;
      const result = await push(
        zip,
        options(server, {
          onWarning: (warning) => warnings.push(warning),
          onProgress: () => {
            calls++;
            throw new Error('progress bar broke');
          },
        }),
      );
      assert.equal(result.outcome, 'created');
      assert.equal(calls, 1);
      assert.match(warnings.join(), /onProgress threw \(progress bar broke\)/);
    });

    it('results use the shared vocabulary, with the old names as aliases', async () => {
      const server = await serve(octopusHandler());
      const result = await push(zip, options(server));
      assert.equal(result.fileName, 'Acme.Web.1.0.0.zip');
      assert.equal(result.name, result.fileName);
      assert.equal(result.sha1, '0'.repeat(40));
      assert.equal(result.hash, result.sha1);
    });
  });
});

describe('links and server URLs (pure rules)', () => {
  it('never downgrades https to http, nor follows another host, port or a protocol-relative link', async () => {
    const { resolveLink } = await import('../src/octopus/documents.js');
    const { Redactor } = await import('../src/octopus/redact.js');
    const base = new URL('https://octopus.example/octopus');
    const redactor = new Redactor([KEY]);
    assert.equal(resolveLink('/octopus/api/Spaces-1', base, 'SpaceHome', redactor), 'https://octopus.example/octopus/api/Spaces-1');
    assert.equal(resolveLink('~/api/x', base, 'x', redactor), 'https://octopus.example/octopus/api/x');
    for (const link of [
      'http://octopus.example/octopus/api',
      '//evil.example/api',
      'https://octopus.example:8443/api',
      'https://evil.example/api',
    ]) {
      assert.throws(() => resolveLink(link, base, 'PackageUpload', redactor), { code: 'ERR_OCTO_FOREIGN_LINK' }, link);
    }
  });

  it('normalises the server URL copied from a browser and keeps a virtual directory', async () => {
    const { parseServerUrl } = await import('../src/octopus/server-url.js');
    const root = (text: string): string => parseServerUrl(text).base.toString();
    assert.equal(root('https://host/app#/Spaces-1/projects'), 'https://host/');
    assert.equal(root('https://host/octopus/app#/Spaces-1'), 'https://host/octopus');
    assert.equal(root('https://host/octopus/api/'), 'https://host/octopus');
    assert.equal(root('https://host/Spaces-1/nuget/packages'), 'https://host/');
    assert.equal(root('https://host/octopus/'), 'https://host/octopus');
    assert.equal(parseServerUrl(`https://host/?apikey=${KEY}`).apiKey, KEY);
    assert.equal(parseServerUrl('https://host/octopus').normalised, undefined);
    assert.throws(() => parseServerUrl('https://host/api/Spaces-1/projects'), { code: 'ERR_OCTO_INVALID_OPTION', hint: /https:\/\/host$/ });
    assert.throws(() => parseServerUrl('ftp://host'), { code: 'ERR_OCTO_INVALID_OPTION' });
  });
});
