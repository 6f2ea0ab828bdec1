import assert from 'node:assert/strict';
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
