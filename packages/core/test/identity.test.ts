import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { idFromPackageName, parseWithCalamari, parseWithClientRegex, validateIdentity } from '../src/index.js';

describe('package identity', () => {
  it('turns a scoped npm name into an Octopus id', () => {
    assert.equal(idFromPackageName('@acme/web'), 'acme.web');
    assert.equal(idFromPackageName('plain-name'), 'plain-name');
  });

  it('accepts SemVer 2 and up to four numeric parts', () => {
    for (const version of ['1', '1.2', '1.2.3', '1.2.3.4', '1.0.0-beta.1', '1.0.0+build.5', '2016.09.01-beta.0001', '1.0.0-rc.1+sha.abc']) {
      assert.equal(validateIdentity({ id: 'My.App', version }, 'zip'), `My.App.${version}.zip`);
    }
  });

  it('refuses bad versions and ids with their own codes', () => {
    for (const version of ['', 'v1.0.0', '1.2.3.4.5', '1.0.0_beta', '1.0.0-beta/1']) {
      assert.throws(
        () => validateIdentity({ id: 'App', version }, 'zip'),
        (error: { code: string }) => ['ERR_OCTO_INVALID_VERSION', 'ERR_OCTO_AMBIGUOUS_NAME'].includes(error.code),
        version,
      );
    }
    for (const id of ['', 'my app', 'app!', 'ünï', '.app', 'app.', 'a'.repeat(101)]) {
      assert.throws(() => validateIdentity({ id, version: '1.0.0' }, 'zip'), { code: 'ERR_OCTO_INVALID_ID' }, id);
    }
  });

  it("refuses names that Octopus's two parsers read differently", () => {
    assert.throws(() => validateIdentity({ id: 'Package.2.Core', version: '1.0.0' }, 'zip'), { code: 'ERR_OCTO_AMBIGUOUS_NAME' });
    assert.throws(() => validateIdentity({ id: 'App.2', version: '1.0.0' }, 'zip'), /purely numeric/);
    assert.equal(validateIdentity({ id: 'MyApp.v2', version: '1.0.0' }, 'tar.gz'), 'MyApp.v2.1.0.0.tar.gz');
  });

  it('parses file names as the documented table says (octopus-api.md §4.3)', () => {
    assert.deepEqual(parseWithClientRegex('Foo.1.2.3.4.5.zip'), { id: 'Foo.1', version: '2.3.4.5', extension: '.zip' });
    assert.deepEqual(parseWithCalamari('Foo.1.2.3.4.5.zip'), { id: 'Foo', version: '1.2.3.4', extension: '.5.zip' });
    assert.deepEqual(parseWithCalamari('App.1.0.0-rc.1.tar.gz'), { id: 'App', version: '1.0.0-rc.1', extension: '.tar.gz' });
    assert.deepEqual(parseWithClientRegex('App.1.0.0.tar.gz'), { id: 'App', version: '1.0.0', extension: '.tar.gz' });
    assert.equal(parseWithClientRegex('App.1.0.0-beta_1.zip'), undefined);
  });
});

describe('package identity: linear-time matching', () => {
  // The parsers' regexes as octopus-api.md §4.3 gives them: exponential in JavaScript, used here only on short strings.
  const VERSION = String.raw`\d+(?:\.\d+){0,3}(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?`;
  const ID = String.raw`\w+(?:[_.-]\w+)*?`;
  const CLIENT = new RegExp(`^(?<id>${ID})\\.(?<version>${VERSION})$`);
  const TAR = /^(?<fileName>.*)(?<extension>\.tar(\.[a-zA-Z0-9]+)?)$/i;
  const BARE = new RegExp(`^(?<id>${ID})\\.(?<version>${VERSION})$`, 'i');
  const WITH_EXT = new RegExp(`^(?<id>${ID})\\.(?<version>${VERSION})(?<extension>(\\.[a-zA-Z0-9]+)+)$`, 'i');
  const referenceClient = (fileName: string): unknown => {
    let stem = fileName;
    let extension = path.extname(stem);
    stem = stem.slice(0, stem.length - extension.length);
    if (stem.toLowerCase().endsWith('.tar')) {
      extension = stem.slice(-4) + extension;
      stem = stem.slice(0, -4);
    }
    const match = CLIENT.exec(stem);
    return match?.groups ? { id: match.groups.id, version: match.groups.version, extension } : undefined;
  };
  const referenceCalamari = (fileName: string): unknown => {
    const tar = TAR.exec(fileName);
    if (tar?.groups) {
      const bare = BARE.exec(tar.groups.fileName!);
      if (bare?.groups) return { id: bare.groups.id, version: bare.groups.version, extension: tar.groups.extension };
    }
    const match = WITH_EXT.exec(fileName);
    return match?.groups ? { id: match.groups.id, version: match.groups.version, extension: match.groups.extension } : undefined;
  };

  it('gives what the regexes give, on 20,000 short strings of a hostile alphabet', () => {
    let seed = 12345;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = ['a', 'Z', '_', '.', '.', '-', '+', '1', '0', '9', '!', 't', 'a', 'r', '.tar', '.zip', '.gz', 'é'];
    let parsed = 0;
    for (let round = 0; round < 20_000; round++) {
      const pick = (from: readonly string[], max: number): string => {
        let text = '';
        const length = 1 + Math.floor(random() * max);
        for (let index = 0; index < length; index++) text += from[Math.floor(random() * from.length)];
        return text;
      };
      // Half free-form, half shaped like id.version.ext with hostile parts.
      const name =
        round % 2 === 0
          ? pick(alphabet, 12)
          : `${pick(['a', 'Z', '_', '.', '-', '1'], 5)}.${pick(['1', '0', '.', '-', '+', 'a', 'x'], 8)}${pick(['.zip', '.tar', '.gz', '.1', '.x', ''], 2)}`;
      const client = parseWithClientRegex(name);
      const calamari = parseWithCalamari(name);
      assert.deepEqual(client, referenceClient(name), `client: ${name}`);
      assert.deepEqual(calamari, referenceCalamari(name), `calamari: ${name}`);
      if (client) parsed++;
      if (calamari) parsed++;
      const [id, version] = [name.split('.')[0]!, name.slice(name.indexOf('.') + 1)];
      const idOk = /^[A-Za-z0-9_]+(?:[_.-][A-Za-z0-9_]+)*$/.test(name);
      assert.equal(
        validates(() => validateIdentity({ id: name, version: '1.0.0' }, 'zip'), 'ERR_OCTO_INVALID_ID'),
        !idOk,
        `id ${name}`,
      );
      const versionOk = new RegExp(`^${VERSION}$`).test(version);
      assert.equal(
        validates(() => validateIdentity({ id: 'App', version }, 'zip'), 'ERR_OCTO_INVALID_VERSION'),
        !versionOk,
        `version ${version} (${id})`,
      );
    }
    assert.ok(parsed > 700, `enough strings parse (${parsed}) for the comparison to mean something`);
  });

  it('answers at once for adversarial names thousands of characters long', function () {
    this.timeout(30_000);
    // In a child process with a hard time limit: a backtracking regex blocks its thread, so mocha's
    // own timeout could never end the test. The regexes took minutes at 60 characters; 20 s is generous.
    const script = `
      import assert from 'node:assert/strict';
      import { parseWithCalamari, parseWithClientRegex, validateIdentity } from ${JSON.stringify(path.resolve('packages/core/src/index.ts'))};
      const long = 5000;
      assert.throws(() => validateIdentity({ id: 'a_'.repeat(long) + '!', version: '1.0.0' }, 'zip'), { code: 'ERR_OCTO_INVALID_ID' });
      assert.throws(() => validateIdentity({ id: 'App', version: '1.0.0-' + 'a.'.repeat(long) + '!' }, 'zip'), { code: 'ERR_OCTO_INVALID_VERSION' });
      assert.equal(parseWithClientRegex('a_'.repeat(long) + '.1.0.0!.zip'), undefined);
      assert.equal(parseWithCalamari('a_'.repeat(long) + '.1.0.0!.zip'), undefined);
      assert.equal(parseWithCalamari('a.1-'.repeat(long) + '!.zip'), undefined);
      assert.deepEqual(parseWithCalamari('a_'.repeat(long) + 'b.1.0.0.zip'), { id: 'a_'.repeat(long) + 'b', version: '1.0.0', extension: '.zip' });
      assert.deepEqual(parseWithClientRegex('A.' + '1-1.'.repeat(long) + 'x.zip'), { id: 'A', version: '1-1.'.repeat(long) + 'x', extension: '.zip' });
      assert.deepEqual(parseWithCalamari('A.1.' + '0.'.repeat(long) + 'zip'), { id: 'A', version: '1.0.0.0', extension: '.' + '0.'.repeat(long - 3) + 'zip' });
      console.log('ok');
    `;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
      killSignal: 'SIGKILL',
    });
    assert.equal(output.trim(), 'ok');
  });
});

function validates(run: () => unknown, code: string): boolean {
  try {
    run();
    return false;
  } catch (error) {
    return (error as { code?: string }).code === code;
  }
}
