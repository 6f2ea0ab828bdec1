import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { OctoError, clearOidcCache, createPackage, previewPush, push, pushAll, pushBuildInformation } from '../src/index.js';
import { useTempDir } from '../../../test/helpers/temp-dir.js';

// Not JWT- or key-shaped: only the connection's redactor, which must know them, can hide these.
const ID_TOKEN = 'plain-id-token-SECRET-7f3a9c';
const ACCESS_TOKEN = 'plain-access-token-SECRET-4b8e1d';

/**
 * A hostile server: it exchanges any ID token for ACCESS_TOKEN at /token/v1, then answers every
 * /api request with a 401 that echoes the Authorization header and the ID token back.
 */
async function echoingServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    request.resume();
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const json = (status: number, body: unknown): void =>
      void response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (path === '/token/v1') return json(200, { access_token: ACCESS_TOKEN, token_type: 'Bearer', expires_in: 300 });
    if (path.startsWith('/api')) {
      const said = `You sent ${String(request.headers.authorization)}; your ID token ${ID_TOKEN} is not trusted.`;
      return json(401, { ErrorMessage: said, Errors: [said] });
    }
    json(404, { ErrorMessage: 'not here' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The error, its fields, its JSON and its whole cause chain as text. */
function everything(error: unknown): string {
  const parts: string[] = [];
  for (let current = error, depth = 0; current instanceof Error && depth < 10; current = current.cause, depth++) {
    parts.push(String(current.message), String(current.stack), JSON.stringify(current));
    if (current instanceof OctoError) parts.push(current.hint, String(current.serverMessage), JSON.stringify(current.serverErrors));
  }
  return parts.join('\n');
}

describe('OIDC sign-in keeps the tokens secret', () => {
  const tmp = useTempDir();
  let server: Awaited<ReturnType<typeof echoingServer>>;
  let zip: string;

  beforeEach(async () => {
    clearOidcCache();
    server = await echoingServer();
    zip = (await createPackage({ id: 'Acme.Secret', version: '1.0.0' }).addBuffer('index.js', '1').toFile(tmp.path)).path;
  });
  afterEach(() => server.close());

  const options = (warnings: string[]) => ({
    server: server.url,
    serviceAccountId: 'service-account',
    env: { OCTOPUS_ID_TOKEN: ID_TOKEN },
    retries: 0,
    onWarning: (message: string) => warnings.push(message),
  });

  const assertHidden = (text: string): void => {
    assert.ok(!text.includes(ACCESS_TOKEN), `the access token leaked:\n${text}`);
    assert.ok(!text.includes(ID_TOKEN), `the ID token leaked:\n${text}`);
  };

  for (const [name, run] of [
    ['push', (warnings: string[]) => push(zip, options(warnings))],
    ['pushAll', (warnings: string[]) => pushAll([zip], options(warnings))],
    ['previewPush', (warnings: string[]) => previewPush([zip], options(warnings))],
    [
      'pushBuildInformation',
      (warnings: string[]) =>
        pushBuildInformation({ ...options(warnings), packageIds: 'Acme.Secret', version: '1.0.0', buildInformation: { vcsType: 'Git' } }),
    ],
  ] as const) {
    it(`${name}: a server that echoes the exchanged access token and the ID token shows neither`, async () => {
      const warnings: string[] = [];
      const error = await run(warnings).then(
        () => assert.fail('the server refused every request'),
        (failure: unknown) => failure,
      );
      assert.ok(error instanceof OctoError, String(error));
      assert.equal(error.code, 'ERR_OCTO_AUTH');
      // The server's words are kept, with the secrets taken out.
      assert.match(error.serverMessage ?? '', /You sent Bearer \*\*\*; your ID token \*\*\* is not trusted/);
      assertHidden(`${everything(error)}\n${warnings.join('\n')}`);
    });
  }
});
