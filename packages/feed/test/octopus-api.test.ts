import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, OverwriteMode, PackageRepository } from '@octopusdeploy/api-client';
import { type Feed, startFeed } from '../src/index.js';
import { useTempDir } from '../../../test/helpers/temp-dir.js';
import { ADMIN_KEY, KEYS, PUSH_KEY, get, sha1, uploadOrThrow } from './helpers/upload.js';

const run = promisify(execFile);

interface Collection {
  ItemType: string;
  TotalResults: number;
  ItemsPerPage: number;
  NumberOfPages: number;
  LastPageNumber: number;
  Items: { PackageId?: string; Version?: string; Name?: string; Id: string }[];
  Links: Record<string, string>;
}

describe('feed answers like Octopus', () => {
  const tmp = useTempDir('octojs-feed-');
  let feed: Feed;
  beforeEach(async () => {
    feed = await startFeed({
      dataDir: path.join(tmp.path, 'data'),
      apiKeys: { ...KEYS, 'API-TEAM2': { permissions: ['FeedView'], spaces: ['Spaces-2'], user: { id: 'Users-7', username: 'team2' } } },
      spaces: [
        { id: 'Spaces-1', name: 'Default', isDefault: true },
        { id: 'Spaces-2', name: 'Team Two' },
        { id: 'Spaces-3', name: 'Team Three' },
      ],
    });
  });
  afterEach(async () => {
    await feed.close();
  });

  const push = async (fileName: string, content = Buffer.from(fileName)): Promise<void> => {
    const answer = await uploadOrThrow(feed.url, { fileName, content, key: ADMIN_KEY });
    assert.equal(answer.status, 201, answer.body);
  };
  const list = async (query: string, key = ADMIN_KEY): Promise<Collection> => {
    const answer = await get(feed.url, `/api/Spaces-1/packages${query}`, key);
    assert.equal(answer.status, 200, answer.body);
    return answer.json<Collection>();
  };

  it('pages every list: skip, take, ItemsPerPage, TotalResults, NumberOfPages, LastPageNumber, Page links', async () => {
    for (let minor = 0; minor < 7; minor++) await push(`Paged.1.${minor}.0.zip`);
    const first = await list('?take=3');
    assert.equal(first.TotalResults, 7);
    assert.equal(first.ItemsPerPage, 3);
    assert.equal(first.NumberOfPages, 3);
    assert.equal(first.LastPageNumber, 2);
    assert.deepEqual(
      first.Items.map((item) => item.Version),
      ['1.6.0', '1.5.0', '1.4.0'],
    );
    assert.equal(first.Links['Page.Current'], '/api/Spaces-1/packages?take=3&skip=0');
    assert.equal(first.Links['Page.Next'], '/api/Spaces-1/packages?take=3&skip=3');
    assert.equal(first.Links['Page.Last'], '/api/Spaces-1/packages?take=3&skip=6');
    assert.equal(first.Links['Page.All'], '/api/Spaces-1/packages?take=2147483647&skip=0');
    // Following Page.Next until it is gone visits every package once.
    const seen: string[] = [];
    for (let link: string | undefined = first.Links['Page.Current']; link;) {
      const page: Collection = (await get(feed.url, link, ADMIN_KEY)).json<Collection>();
      seen.push(...page.Items.map((item) => item.Version!));
      link = page.Links['Page.Next'];
    }
    assert.deepEqual(seen, ['1.6.0', '1.5.0', '1.4.0', '1.3.0', '1.2.0', '1.1.0', '1.0.0']);
    const last = await list('?skip=6&take=3');
    assert.equal(last.Items.length, 1);
    assert.equal(last.Links['Page.Next'], undefined);
    const beyond = await list('?skip=50');
    assert.deepEqual(beyond.Items, []);
    const defaults = await list('');
    assert.equal(defaults.ItemsPerPage, 30);
    assert.equal(defaults.NumberOfPages, 1);
    assert.equal(defaults.LastPageNumber, 0);
  });

  it('filter is a partial id match, nuGetPackageId an exact one, latest=true the highest version of each id', async () => {
    await push('Acme.Web.1.0.0.zip');
    await push('Acme.Web.1.10.0.zip');
    await push('Acme.Web.1.9.0.zip');
    await push('Acme.Api.2.0.0-beta.1.zip');
    await push('Acme.Api.2.0.0.zip');
    await push('Other.3.0.0.tar.gz');
    const ids = (page: Collection): string[] => page.Items.map((item) => `${item.PackageId} ${item.Version}`);
    assert.deepEqual(ids(await list('?filter=acme')), [
      'Acme.Api 2.0.0',
      'Acme.Api 2.0.0-beta.1',
      'Acme.Web 1.10.0',
      'Acme.Web 1.9.0',
      'Acme.Web 1.0.0',
    ]);
    assert.deepEqual(ids(await list('?filter=WEB')), ['Acme.Web 1.10.0', 'Acme.Web 1.9.0', 'Acme.Web 1.0.0']);
    assert.deepEqual(ids(await list('?nuGetPackageId=Acme')), []);
    assert.deepEqual(ids(await list('?latest=true')), ['Acme.Api 2.0.0', 'Acme.Web 1.10.0', 'Other 3.0.0']);
    assert.deepEqual(ids(await list('?latest=true&filter=web')), ['Acme.Web 1.10.0']);
    const page = await list('?latest=true&take=1');
    assert.equal(page.TotalResults, 3);
    assert.equal(page.Links['Page.Next'], '/api/Spaces-1/packages?latest=true&take=1&skip=1');
  });

  it('GET /api/users/me and the CurrentUser link; the user sees only its spaces', async () => {
    const root = (await get(feed.url, '/api')).json<{ Links: Record<string, string> }>();
    assert.equal(root.Links.CurrentUser, '/api/users/me');
    assert.equal((await get(feed.url, root.Links.CurrentUser!)).status, 401);
    const me = (await get(feed.url, root.Links.CurrentUser!, ADMIN_KEY)).json<{
      Id: string;
      Username: string;
      Links: Record<string, string>;
    }>();
    assert.equal(me.Id, 'Users-1');
    const spaces = (await get(feed.url, me.Links.Spaces!, ADMIN_KEY)).json<{ Id: string; IsDefault: boolean }[]>();
    assert.deepEqual(
      spaces.map((space) => space.Id),
      ['Spaces-1', 'Spaces-2', 'Spaces-3'],
    );
    assert.equal(spaces.find((space) => space.IsDefault)?.Id, 'Spaces-1');
    const team = (await get(feed.url, '/api/users/me', 'API-TEAM2')).json<{
      Id: string;
      Username: string;
      Links: Record<string, string>;
    }>();
    assert.deepEqual([team.Id, team.Username], ['Users-7', 'team2']);
    const teamSpaces = (await get(feed.url, team.Links.Spaces!, 'API-TEAM2')).json<{ Id: string }[]>();
    assert.deepEqual(
      teamSpaces.map((space) => space.Id),
      ['Spaces-2'],
    );
  });

  it('spaces: name (exact, case-insensitive), partialName, ids, and paging', async () => {
    const names = async (query: string): Promise<string[]> =>
      (await get(feed.url, `/api/spaces${query}`, ADMIN_KEY)).json<Collection>().Items.map((space) => space.Name!);
    assert.deepEqual(await names('?name=team%20two'), ['Team Two']);
    assert.deepEqual(await names('?name=Team'), []);
    assert.deepEqual(await names('?partialName=Team'), ['Team Two', 'Team Three']);
    assert.deepEqual(await names('?partialName=three'), ['Team Three']);
    assert.deepEqual(await names('?ids=Spaces-3,Spaces-1'), ['Default', 'Team Three']);
    const paged = (await get(feed.url, '/api/spaces?take=2', ADMIN_KEY)).json<Collection>();
    assert.deepEqual([paged.TotalResults, paged.NumberOfPages, paged.Items.length], [3, 2, 2]);
    assert.equal(paged.Links['Page.Next'], '/api/spaces?take=2&skip=2');
  });

  it("the real @octopusdeploy/api-client pushes, lists, pages and gets, and reads the feed's conflict", async () => {
    const folder = tmp.path;
    const files = ['Client.App.1.0.0.zip', 'Client.App.1.1.0.zip', 'Client.App.2.0.0.tar.gz'].map((name) => {
      const file = path.join(folder, name);
      writeFileSync(file, `contents of ${name}`);
      return file;
    });
    const client = await Client.create({ instanceURL: feed.url, apiKey: ADMIN_KEY, userAgentApp: 'octojs-feed-test' });
    const packages = new PackageRepository(client, 'Default');
    await packages.push(files);
    assert.equal(feed.packages().length, 3);
    await assert.rejects(packages.push([files[0]!], OverwriteMode.FailIfExists), /already exists/);
    await packages.push([files[0]!], OverwriteMode.IgnoreIfExists);
    await packages.push([files[0]!], OverwriteMode.OverwriteExisting);
    const all = await packages.list({ filter: 'client', take: 2 });
    assert.equal(all.TotalResults, 3);
    assert.equal(all.Items.length, 2);
    assert.equal(all.NumberOfPages, 2);
    const second = await packages.list({ filter: 'client', take: 2, skip: 2 });
    assert.deepEqual(
      second.Items.map((item) => item.Version),
      ['1.0.0'],
    );
    const latest = await packages.list({ latest: true });
    assert.deepEqual(
      latest.Items.map((item) => item.Version),
      ['2.0.0'],
    );
    const one = (await packages.get('packages-Client.App.1.1.0')) as unknown as { PackageSizeBytes: number; Hash: string };
    assert.equal(one.PackageSizeBytes, 'contents of Client.App.1.1.0.zip'.length);
    assert.equal(one.Hash, sha1(Buffer.from('contents of Client.App.1.1.0.zip')));
  });

  it('takes the curl form of the docs: curl -F "data=@Demo.1.0.0.zip"', async function () {
    const file = path.join(tmp.path, 'Demo.1.0.0.zip');
    writeFileSync(file, 'PK demo bytes');
    const curl = await run('curl', ['--version']).catch(() => undefined);
    if (!curl) {
      console.log('      (skipped: curl is not installed on this machine)');
      this.skip();
    }
    const { stdout } = await run(
      'curl',
      [
        '-sS',
        '-X',
        'POST',
        '-H',
        `X-Octopus-ApiKey: ${ADMIN_KEY}`,
        '-F',
        `data=@${file}`,
        '-w',
        '\n%{http_code}',
        `${feed.url}/api/Spaces-1/packages/raw`,
      ],
      { cwd: tmp.path },
    );
    const [body, status] = stdout.split('\n');
    assert.equal(status, '201', body);
    assert.equal(JSON.parse(body!).Hash, sha1(Buffer.from('PK demo bytes')));
    // curl sends the path it was given as the name only when told to: a `;filename=` with a folder is refused.
    const withPath = await run(
      'curl',
      [
        '-sS',
        '-H',
        `X-Octopus-ApiKey: ${ADMIN_KEY}`,
        '-F',
        `data=@${file};filename=sub/Demo.1.0.1.zip`,
        '-w',
        '\n%{http_code}',
        `${feed.url}/api/Spaces-1/packages/raw`,
      ],
      { cwd: tmp.path },
    );
    assert.equal(withPath.stdout.split('\n')[1], '400');
    assert.match(withPath.stdout, /\[PackageName\] contains invalid characters/);
  });

  describe('keys', () => {
    it('a push-only key using IgnoreIfExists learns that the package exists, and nothing of the stored file', async () => {
      await push('Secret.1.0.0.zip', Buffer.from('the stored secret bytes'));
      const answer = await uploadOrThrow(feed.url, {
        fileName: 'secret.1.0.0.tar.gz',
        content: Buffer.from('a guess'),
        key: PUSH_KEY,
        query: 'overwriteMode=IgnoreIfExists',
      });
      assert.equal(answer.status, 200);
      const body = answer.json();
      for (const hidden of ['Hash', 'PackageSizeBytes', 'Published', 'FileExtension'])
        assert.ok(!(hidden in body), `${hidden} is not told`);
      assert.equal(body.PackageId, 'secret', 'the names it sent, not the stored spelling');
      assert.doesNotMatch(answer.body, /Secret|\.zip|stored/);
      // What a 403 tells: the package exists. The same key gets nothing more from reads.
      assert.equal((await get(feed.url, '/api/Spaces-1/packages', PUSH_KEY)).status, 403);
      const overwrite = await uploadOrThrow(feed.url, {
        fileName: 'Secret.1.0.0.zip',
        content: Buffer.from('x'),
        key: PUSH_KEY,
        query: 'overwriteMode=OverwriteExisting',
      });
      assert.equal(overwrite.status, 403);
    });

    it('query-string keys work, and never reach feed.requests or the log', async () => {
      const lines: string[] = [];
      await feed.close();
      feed = await startFeed({ dataDir: path.join(tmp.path, 'data'), apiKeys: KEYS, log: (line) => lines.push(line) });
      const answer = await get(feed.url, `/api/Spaces-1/packages?ApiKey=${ADMIN_KEY}&take=5`);
      assert.equal(answer.status, 200);
      assert.equal((await get(feed.url, `/api/users/me?apikey=${encodeURIComponent(ADMIN_KEY)}`)).status, 200);
      assert.ok(!JSON.stringify(answer.json()).includes(ADMIN_KEY), 'not in the page links either');
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(
        feed.requests.map((request) => request.query),
        ['?ApiKey=REDACTED&take=5', '?apikey=REDACTED'],
      );
      assert.equal(lines.length, 2);
      assert.ok(!lines.join('\n').includes(ADMIN_KEY));
    });

    it('keys and tokens under any parameter spelling, in a path or percent-encoded never reach feed.requests or the log', async () => {
      const lines: string[] = [];
      const token = 'TOKEN-BEARER0000000000000000000';
      await feed.close();
      feed = await startFeed({
        dataDir: path.join(tmp.path, 'data'),
        apiKeys: KEYS,
        accessTokens: { [token]: ['FeedView'] },
        log: (line) => lines.push(line),
      });
      const encoded = (text: string): string => [...text].map((character) => `%${character.charCodeAt(0).toString(16)}`).join('');
      const targets: [string, string][] = [
        [`/api/Spaces-1/packages?api-key=${ADMIN_KEY}&take=5`, '?api-key=REDACTED&take=5'],
        [`/api?api_key=${ADMIN_KEY}`, '?api_key=REDACTED'],
        [`/api?X-Octopus-ApiKey=${ADMIN_KEY}`, '?X-Octopus-ApiKey=REDACTED'],
        [`/api?API%2DKEY=${ADMIN_KEY}`, '?API%2DKEY=REDACTED'],
        [`/api?token=${token}&access_token=${token}&Access-Token=x`, '?token=REDACTED&access_token=REDACTED&Access-Token=REDACTED'],
        [`/api?q=${ADMIN_KEY}&skip=0`, '?q=REDACTED&skip=0'],
        [`/api?q=${encoded(ADMIN_KEY)}`, '?q=REDACTED'],
        [`/api?q=x${ADMIN_KEY}y`, '?q=xREDACTEDy'],
        [`/api?${ADMIN_KEY}`, '?REDACTED'],
      ];
      for (const [target] of targets) await get(feed.url, target);
      // The last: shaped as the access tokens the feed's own /token/v1 issues.
      const issued = `oidc-${'Ab_-'.repeat(8)}`;
      const paths = [`/api/Spaces-1/packages/${ADMIN_KEY}`, `/api/${encoded(token)}/x`, `/api/users/me/${PUSH_KEY}.zip`, `/api/${issued}`];
      for (const target of paths) await get(feed.url, target);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const recorded = JSON.stringify(feed.requests);
      const logged = lines.join('\n');
      for (const secret of [ADMIN_KEY, PUSH_KEY, token, issued, encoded(ADMIN_KEY), encoded(token), 'ADMIN0000', 'BEARER0000']) {
        assert.ok(!recorded.includes(secret), `${secret} recorded: ${recorded}`);
        assert.ok(!logged.includes(secret), `${secret} logged: ${logged}`);
      }
      assert.deepEqual(
        feed.requests.map((request) => request.query),
        [...targets.map(([, query]) => query), '', '', '', ''],
      );
      assert.deepEqual(
        feed.requests.slice(targets.length).map((request) => request.path),
        ['/api/Spaces-1/packages/REDACTED', '/api/REDACTED/x', '/api/users/me/REDACTED.zip', '/api/REDACTED'],
      );
      assert.equal(lines.length, targets.length + paths.length);
      assert.match(lines[0]!, /^GET \/api\/Spaces-1\/packages\?api-key=REDACTED&take=5 \d{3} \d+ ms$/);
    });

    it('only configured keys and tokens are accepted; prototype names are not keys', async () => {
      for (const key of [
        '__proto__',
        'constructor',
        'API-ADMIN0000000000000000000000',
        `${ADMIN_KEY}0`,
        'api-admin00000000000000000000000',
      ]) {
        assert.equal((await get(feed.url, '/api/users/me', key)).status, 401, key);
      }
    });
  });
});
