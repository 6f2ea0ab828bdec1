import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { type PushOptions, createPackage, push } from '../src/index.js';
import { useTempDir } from '../../../test/helpers/temp-dir.js';
import { type TestServer, json, startServer } from './hostile-server.js';

const KEY = 'API-SECRETKEY1234567890ABCD';
const TOKEN = 'tok_Zx9SuperSecretBearer77';

/** Every form a server may echo a secret in: other case, percent-encoded (once or twice), base64 at each alignment. */
function echoes(secret: string): Record<string, string> {
  const forms: Record<string, string> = {
    lower: secret.toLowerCase(),
    upper: secret.toUpperCase(),
    'percent (dash only)': encodeURIComponent(secret).replace(/-/g, '%2D'),
    'percent (every byte)': [...Buffer.from(secret)].map((byte) => `%${byte.toString(16).toUpperCase()}`).join(''),
    'percent (lower-case hex)': [...Buffer.from(secret)].map((byte) => `%${byte.toString(16)}`).join(''),
    'percent twice': encodeURIComponent(encodeURIComponent(secret).replace(/-/g, '%2D')),
    spaced: secret.split('').join(' '),
  };
  for (const prefix of ['', 'a', 'ab', 'api:']) {
    const base64 = Buffer.from(prefix + secret).toString('base64');
    forms[`base64 after ${JSON.stringify(prefix)}`] = base64;
    forms[`base64url after ${JSON.stringify(prefix)}`] = Buffer.from(prefix + secret).toString('base64url');
    forms[`base64 in a URL after ${JSON.stringify(prefix)}`] = encodeURIComponent(base64);
  }
  return forms;
}

/** The text of the secret's core, as the forms above would show it if unredacted. */
function leaks(text: string, secret: string): string[] {
  const core = secret.slice(4, -4);
  const found: string[] = [];
  for (const [name, form] of Object.entries(echoes(secret))) {
    // The middle of each form: redaction may leave a character or two of the edges of a base64 run.
    const middle = form.slice(Math.floor(form.length / 3), Math.floor((form.length * 2) / 3));
    if (text.includes(middle)) found.push(name);
  }
  if (text.toLowerCase().includes(core.toLowerCase())) found.push('plain core');
  return found;
}

function everything(error: unknown): string {
  return inspect(error, { depth: 10, showHidden: true }) + JSON.stringify(error) + String((error as Error).stack);
}

describe('push() redacts a secret the server echoes in another form', () => {
  const tmp = useTempDir();
  const servers: TestServer[] = [];
  let zip: string;
  const options = (server: TestServer, extra: PushOptions): PushOptions => ({
    server: server.url,
    retries: 0,
    retryDelay: 1,
    env: {},
    ...extra,
  });

  beforeEach(async () => {
    zip = (await createPackage({ id: 'Acme.Web', version: '1.0.0' }).addBuffer('index.js', 'x').toFile(tmp.path)).file;
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  for (const [credential, secret] of [
    ['apiKey', KEY],
    ['accessToken', TOKEN],
  ] as const) {
    it(`${credential}: in ErrorMessage, Errors, an HTML page and a Location header, in every form`, async () => {
      const echo = Object.entries(echoes(secret))
        .map(([name, form]) => `${name}=${form}`)
        .join(' | ');
      const answers: ((response: import('node:http').ServerResponse) => void)[] = [
        (response) => json(response, 401, { ErrorMessage: `Invalid: ${echo}`, Errors: [echo, `again ${echo}`] }),
        (response) => json(response, 400, { ErrorMessage: `Bad: ${echo}`, Errors: [echo] }),
        (response) => response.writeHead(500, { 'content-type': 'text/html' }).end(`<html><body>Boom ${echo}</body></html>`),
        (response) => response.writeHead(302, { location: `http://127.0.0.1:1/api?echo=${encodeURIComponent(echo)}` }).end(),
      ];
      for (const answer of answers) {
        const server = await startServer((_request, response) => answer(response));
        servers.push(server);
        const warnings: string[] = [];
        const error = await push(zip, options(server, { [credential]: secret, onWarning: (message) => warnings.push(message) })).then(
          () => assert.fail('should have failed'),
          (failure: unknown) => failure,
        );
        assert.match((error as { code: string }).code, /^ERR_OCTO_/);
        assert.deepEqual(leaks(everything(error) + warnings.join('\n'), secret), []);
      }
    });
  }

  it('leaves ordinary text alone', async () => {
    const server = await startServer((_request, response) => json(response, 400, { ErrorMessage: 'Package index.js is invalid' }));
    servers.push(server);
    const error = await push(zip, options(server, { apiKey: KEY })).catch((failure: Error) => failure);
    assert.match(String(error), /Package index\.js is invalid/);
  });
});

describe('push() with a malformed proxy URL', () => {
  const tmp = useTempDir();
  let server: TestServer;
  let zip: string;
  const PROXY = 'http://alice:ProxySecret99@127.0.0.1:1:2';
  const saved = {
    HTTP_PROXY: process.env.HTTP_PROXY,
    http_proxy: process.env.http_proxy,
    NO_PROXY: process.env.NO_PROXY,
    no_proxy: process.env.no_proxy,
  };

  beforeEach(async () => {
    zip = (await createPackage({ id: 'Acme.Web', version: '1.0.0' }).addBuffer('index.js', 'x').toFile(tmp.path)).file;
    server = await startServer((_request, response) => json(response, 500, {}));
  });
  afterEach(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await server.close();
  });

  const failure = (options: PushOptions): Promise<Error & { code: string; option?: string; hint: string }> =>
    push(zip, { server: server.url, apiKey: KEY, retries: 0, env: {}, ...options }).then(
      () => assert.fail('should have failed'),
      (error: Error & { code: string; option?: string; hint: string }) => error,
    );

  it('the `proxy` option is ERR_OCTO_INVALID_OPTION naming `proxy`, without the password, before any request', async () => {
    for (const proxy of [PROXY, 'http://alice:ProxySecret99@', 'ftp://alice:ProxySecret99@127.0.0.1:21']) {
      const error = await failure({ proxy });
      assert.equal(error.code, 'ERR_OCTO_INVALID_OPTION', proxy);
      assert.equal(error.option, 'proxy');
      assert.match(error.message, /`proxy`/);
      assert.equal(error.cause, undefined);
      assert.doesNotMatch(everything(error), /ProxySecret99/);
    }
    assert.equal(server.seen.length, 0);
  });

  it('HTTP_PROXY from the environment is ERR_OCTO_INVALID_OPTION naming the variable, without the password', async () => {
    delete process.env.http_proxy;
    delete process.env.NO_PROXY;
    delete process.env.no_proxy;
    process.env.HTTP_PROXY = PROXY;
    const error = await failure({});
    assert.equal(error.code, 'ERR_OCTO_INVALID_OPTION');
    assert.equal(error.option, 'proxy');
    assert.match(error.message, /HTTP_PROXY/);
    assert.doesNotMatch(everything(error), /ProxySecret99/);
    assert.equal(server.seen.length, 0);
  });
});
