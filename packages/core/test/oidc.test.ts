import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type CryptoKey, SignJWT, exportJWK, generateKeyPair } from 'jose';
import { type Feed, startFeed } from '@octojs/feed';
import { clearOidcCache, createPackage, push, pushBuildInformation } from '../src/index.js';
import { useTempDir } from '../../../test/helpers/temp-dir.js';

const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
const GITLAB_ISSUER = 'https://gitlab.example.com';
const SERVICE_ACCOUNT = 'a6b1c2d3-0000-4000-8000-000000000001';
const SUBJECT = 'repo:acme/web:ref:refs/heads/main';
const REQUEST_TOKEN = 'ghs-request-token-SECRET-0000';

interface TokenService {
  url: string;
  /** The audiences asked for, in order. */
  audiences: string[];
  close(): Promise<void>;
}

/** A stand-in for GitHub Actions' ID token service: checks the request token, signs a JWT for the audience asked. */
async function gitHubTokenService(key: CryptoKey, claims: { sub?: string; iss?: string } = {}): Promise<TokenService> {
  const audiences: string[] = [];
  const server = http.createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (request.headers.authorization !== `Bearer ${REQUEST_TOKEN}` || url.searchParams.get('api-version') !== '2.0') {
        response.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"Bad credentials"}');
        return;
      }
      const audience = url.searchParams.get('audience') ?? '';
      audiences.push(audience);
      const jwt = await new SignJWT({ repository: 'acme/web', ref: 'refs/heads/main' })
        .setProtectedHeader({ alg: 'RS256', kid: 'test' })
        .setIssuer(claims.iss ?? GITHUB_ISSUER)
        .setSubject(claims.sub ?? SUBJECT)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(key);
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ count: 1, value: jwt }));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/_apis/token?api-version=2.0`,
    audiences,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('OIDC sign-in', () => {
  const tmp = useTempDir();
  let feed: Feed;
  let github: { publicKey: CryptoKey; privateKey: CryptoKey };
  let gitlab: { publicKey: CryptoKey; privateKey: CryptoKey };
  let service: TokenService;
  let zip: string;

  before(async () => {
    github = await generateKeyPair('RS256');
    gitlab = await generateKeyPair('ES256');
  });
  beforeEach(async () => {
    clearOidcCache();
    feed = await startFeed({
      dataDir: path.join(tmp.path, 'feed'),
      apiKeys: { 'API-EXPLICIT000000000000000000000': ['BuiltInFeedPush', 'FeedView'] },
      oidc: {
        serviceAccounts: {
          [SERVICE_ACCOUNT]: {
            issuer: GITHUB_ISSUER,
            publicKey: await exportJWK(github.publicKey).then((jwk) => ({ ...jwk, alg: 'RS256' })),
            subject: SUBJECT,
            permissions: ['BuiltInFeedPush', 'FeedView', 'BuildInformationPush'],
          },
          'gitlab-account': { issuer: GITLAB_ISSUER, publicKey: gitlab.publicKey, permissions: ['BuiltInFeedPush', 'FeedView'] },
        },
      },
    });
    service = await gitHubTokenService(github.privateKey);
    zip = (await createPackage({ id: 'Acme.Oidc', version: '1.0.0' }).addBuffer('index.js', '1').toFile(tmp.path)).path;
  });
  afterEach(async () => {
    await service?.close();
    await feed?.close();
  });

  const githubEnv = (): NodeJS.ProcessEnv => ({
    GITHUB_ACTIONS: 'true',
    ACTIONS_ID_TOKEN_REQUEST_URL: service.url,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN,
  });

  /** Nothing a user or a log could see holds a token. */
  const assertNoSecrets = (text: string): void => {
    assert.ok(!text.includes(REQUEST_TOKEN), 'the request token leaked');
    assert.ok(!/eyJ[\w-]+\.[\w-]+/.test(text), 'a JWT leaked');
    assert.ok(!/oidc-[\w-]{20,}/.test(text), 'an access token leaked');
  };

  it('in GitHub Actions, exchanges the ID token (audience = service account id) at the server and pushes with the bearer token', async () => {
    const warnings: string[] = [];
    const result = await push(zip, {
      server: feed.url,
      serviceAccountId: SERVICE_ACCOUNT,
      env: githubEnv(),
      retryDelay: 5,
      onWarning: (message) => warnings.push(message),
    });
    assert.equal(result.outcome, 'created');
    assert.deepEqual(service.audiences, [SERVICE_ACCOUNT]);
    const oidcRequests = feed.requests
      .filter((request) => !request.path.startsWith('/api'))
      .map((request) => [request.method, request.path, request.status]);
    assert.deepEqual(oidcRequests, [
      ['GET', '/.well-known/openid-configuration', 200],
      ['POST', '/token/v1', 200],
    ]);
    assert.equal(feed.packages()[0]!.packageId, 'Acme.Oidc');
    assertNoSecrets(JSON.stringify({ result, warnings }));
  });

  it('reads OCTOPUS_SERVICE_ACCOUNT_ID, reuses the access token within the process, and pushes build information with it', async () => {
    const env = { ...githubEnv(), OCTOPUS_URL: feed.url, OCTOPUS_SERVICE_ACCOUNT_ID: SERVICE_ACCOUNT };
    await push(zip, { env, retryDelay: 5 });
    const info = await pushBuildInformation({
      env,
      packageIds: 'Acme.Oidc',
      version: '1.0.0',
      buildInformation: { buildNumber: '1' },
      retryDelay: 5,
    });
    assert.equal(info.packages[0]!.outcome, 'created');
    assert.equal(feed.requests.filter((request) => request.path === '/token/v1').length, 1, 'one exchange for both');
  });

  it('in GitLab CI, takes the ID token from OCTOPUS_ID_TOKEN (the id_tokens: entry)', async () => {
    const jwt = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer(GITLAB_ISSUER)
      .setSubject('project_path:acme/web:ref_type:branch:ref:main')
      .setAudience('gitlab-account')
      .setExpirationTime('5m')
      .sign(gitlab.privateKey);
    const result = await push(zip, {
      server: feed.url,
      serviceAccountId: 'gitlab-account',
      env: { GITLAB_CI: 'true', OCTOPUS_ID_TOKEN: jwt },
      retryDelay: 5,
    });
    assert.equal(result.outcome, 'created');
    assert.deepEqual(service.audiences, [], 'GitHub is not asked');
  });

  it('an explicit API key wins: no ID token is asked for', async () => {
    await push(zip, {
      server: feed.url,
      apiKey: 'API-EXPLICIT000000000000000000000',
      serviceAccountId: SERVICE_ACCOUNT,
      env: githubEnv(),
      retryDelay: 5,
    });
    assert.deepEqual(service.audiences, []);
    assert.equal(feed.requests.filter((request) => request.path === '/token/v1').length, 0);
  });

  it('falls back to {server}/token/v1 when the server has no OpenID configuration', async () => {
    feed.faults.failNext(1, 404, { path: /well-known/ });
    const result = await push(zip, { server: feed.url, serviceAccountId: SERVICE_ACCOUNT, env: githubEnv(), retryDelay: 5 });
    assert.equal(result.outcome, 'created');
    assert.deepEqual(
      feed.requests.filter((request) => !request.path.startsWith('/api')).map((request) => request.status),
      [404, 200],
    );
  });

  it('a token signed by a key the server does not trust is refused, and no token shows in the error', async () => {
    const stranger = await generateKeyPair('RS256');
    await service.close();
    service = await gitHubTokenService(stranger.privateKey);
    await assert.rejects(
      push(zip, { server: feed.url, serviceAccountId: SERVICE_ACCOUNT, env: githubEnv(), retries: 0 }),
      (error: Error & { code?: string; hint?: string; status?: number }) => {
        assert.equal(error.code, 'ERR_OCTO_AUTH');
        assert.equal(error.status, 400);
        assert.match(error.message, /did not exchange the ID token for an access token \(400: The subject token is not valid/);
        assert.match(error.hint!, /service account id/);
        assertNoSecrets(`${error.message} ${error.hint} ${JSON.stringify(error)} ${String(error.stack)}`);
        return true;
      },
    );
    assert.equal(feed.packages().length, 0);
  });

  it('a token for another subject (another repository or branch) is refused', async () => {
    await service.close();
    service = await gitHubTokenService(github.privateKey, { sub: 'repo:evil/fork:ref:refs/heads/main' });
    await assert.rejects(push(zip, { server: feed.url, serviceAccountId: SERVICE_ACCOUNT, env: githubEnv(), retries: 0 }), {
      code: 'ERR_OCTO_AUTH',
      message: /does not match an OIDC identity/,
    });
  });

  it('in GitHub Actions without id-token: write, says which permission the job needs', async () => {
    await assert.rejects(push(zip, { server: feed.url, serviceAccountId: SERVICE_ACCOUNT, env: { GITHUB_ACTIONS: 'true' } }), {
      code: 'ERR_OCTO_OIDC',
      hint: /id-token: write/,
      option: 'serviceAccountId',
    });
    await assert.rejects(push(zip, { server: feed.url, serviceAccountId: SERVICE_ACCOUNT, env: {} }), {
      code: 'ERR_OCTO_OIDC',
      hint: /id_tokens: OCTOPUS_ID_TOKEN/,
    });
  });

  it('a wrong request token at GitHub fails clearly, without the token', async () => {
    await assert.rejects(
      push(zip, {
        server: feed.url,
        serviceAccountId: SERVICE_ACCOUNT,
        env: { ...githubEnv(), ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'wrong-SECRET' },
        retries: 0,
      }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'ERR_OCTO_OIDC');
        assert.match(error.message, /GitHub Actions did not give an ID token \(401/);
        assert.ok(!JSON.stringify(error).includes('wrong-SECRET') && !error.message.includes('wrong-SECRET'));
        return true;
      },
    );
  });

  it('without a key, a token or a service account, the hint names serviceAccountId too', async () => {
    await assert.rejects(push(zip, { server: feed.url, env: {} }), { code: 'ERR_OCTO_MISSING_CREDENTIALS', hint: /serviceAccountId/ });
  });

  it('the feed refuses an expired token and a wrong audience', async () => {
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(GITHUB_ISSUER)
      .setSubject(SUBJECT)
      .setAudience(SERVICE_ACCOUNT)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 600)
      .sign(github.privateKey);
    const exchange = async (audience: string, token: string): Promise<{ status: number; body: { Errors?: string[] } }> => {
      const response = await fetch(`${feed.url}/token/v1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
          audience,
          subject_token: token,
          subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        }),
      });
      return { status: response.status, body: (await response.json()) as { Errors?: string[] } };
    };
    const old = await exchange(SERVICE_ACCOUNT, expired);
    assert.equal(old.status, 400);
    assert.match(old.body.Errors!.join(' '), /"exp" claim timestamp check failed/);
    const otherAudience = await exchange('gitlab-account', expired);
    assert.equal(otherAudience.status, 400);
    assert.equal((await exchange('nobody', expired)).status, 400);
  });

  it('never sends the ID token to a token endpoint on another origin than the server', async () => {
    let elsewhereHit = false;
    const elsewhere = http.createServer((_request, response) => {
      elsewhereHit = true;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"access_token":"stolen"}');
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    const thief = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/token`;
    const server = http.createServer((request, response) => {
      if (request.url === '/.well-known/openid-configuration') {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token_endpoint: thief }));
      } else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await assert.rejects(
        push(zip, {
          server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          serviceAccountId: SERVICE_ACCOUNT,
          env: githubEnv(),
          retries: 0,
        }),
        { code: 'ERR_OCTO_OIDC', message: /names a token endpoint on another origin/ },
      );
      assert.equal(elsewhereHit, false);
    } finally {
      server.close();
      elsewhere.close();
    }
  });
});
