import assert from 'node:assert/strict';
import { compareVersions, parsePackageFileName, versionKey } from '../src/index.js';

/** Calamari's patterns as regular expressions: the oracle, run only on names short enough for backtracking. */
const VERSION = String.raw`\d+(?:\.\d+){0,3}(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?`;
const ID = String.raw`\w+(?:[_.-]\w+)*?`;
const TAR = /^(?<fileName>.*)(?<extension>\.tar(\.[a-zA-Z0-9]+)?)$/i;
const BARE = new RegExp(`^(?<id>${ID})\\.(?<version>${VERSION})$`, 'i');
const WITH_EXTENSION = new RegExp(`^(?<id>${ID})\\.(?<version>${VERSION})(?<extension>(\\.[a-zA-Z0-9]+)+)$`, 'i');

function oracle(fileName: string): { packageId: string; version: string; extension: string } | undefined {
  const tar = TAR.exec(fileName);
  if (tar?.groups) {
    const bare = BARE.exec(tar.groups.fileName!);
    if (bare?.groups) return { packageId: bare.groups.id!, version: bare.groups.version!, extension: tar.groups.extension! };
  }
  const match = WITH_EXTENSION.exec(fileName);
  return match?.groups && { packageId: match.groups.id!, version: match.groups.version!, extension: match.groups.extension! };
}

/** A small deterministic generator, so that a failure names a reproducible input. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('package file names (Calamari P2, linear time)', () => {
  it('reads the names of octopus-api.md §4.3 as Calamari does', () => {
    const table: [string, string, string, string][] = [
      ['My.App.1.0.0-beta.1.zip', 'My.App', '1.0.0-beta.1', '.zip'],
      ['hello-world.1.0.0.zip', 'hello-world', '1.0.0', '.zip'],
      ['App.1.0.0+build.5.zip', 'App', '1.0.0+build.5', '.zip'],
      ['App.2016.09.01-beta.0001.zip', 'App', '2016.09.01-beta.0001', '.zip'],
      ['App.1.zip', 'App', '1', '.zip'],
      ['MyApp.v2.1.0.0.zip', 'MyApp.v2', '1.0.0', '.zip'],
      ['App.1.0.0.tar.gz', 'App', '1.0.0', '.tar.gz'],
      ['App.1.0.0-rc.1.tar.gz', 'App', '1.0.0-rc.1', '.tar.gz'],
      ['App.1.0.0-beta.1+sha.abc.tgz', 'App', '1.0.0-beta.1+sha.abc', '.tgz'],
      ['Foo.1.2.3.4.5.zip', 'Foo', '1.2.3.4', '.5.zip'],
      ['App.1.0.0.0.0.zip', 'App', '1.0.0.0', '.0.zip'],
      ['Package.2.Core.1.0.0.zip', 'Package', '2', '.Core.1.0.0.zip'],
      ['My_App-2.1.0.nupkg', 'My_App-2', '1.0', '.nupkg'],
      ['App.1.0.0.7z', 'App', '1.0.0', '.7z'],
      ['App.1.0.0.TAR', 'App', '1.0.0', '.TAR'],
    ];
    for (const [name, packageId, version, extension] of table) {
      assert.deepEqual(parsePackageFileName(name), { packageId, version, extension }, name);
    }
    assert.equal(parsePackageFileName('App.1.0.0-beta_1.zip'), undefined);
    assert.equal(parsePackageFileName('Standard76.zip'), undefined);
    assert.equal(parsePackageFileName(''), undefined);
  });

  it('agrees with the backtracking patterns on 20 000 generated names', () => {
    const random = lcg(12);
    const alphabet = ['a', 'B', '1', '0', '.', '.', '-', '_', '+', 'tar', '.tar', '.gz', 'zip', '!'];
    for (let round = 0; round < 20_000; round++) {
      const length = 1 + Math.floor(random() * 9);
      let name = '';
      for (let i = 0; i < length; i++) name += alphabet[Math.floor(random() * alphabet.length)];
      assert.deepEqual(parsePackageFileName(name), oracle(name), JSON.stringify(name));
    }
  });

  it('parses names that make the pattern backtrack exponentially, and a 10 000-character one', () => {
    // 60 characters froze the old feed for 51 s: `_` is both a word character and a separator, so the ID group
    // can split `a_a_a…` in 2^28 ways, and a backtracking engine tries every one before failing at the `!`.
    const sixty = `${'a_'.repeat(28)}a.1!`;
    assert.equal(sixty.length, 60);
    assert.equal(parsePackageFileName(sixty), undefined);
    assert.deepEqual(parsePackageFileName(`${'a_'.repeat(28)}a.1.zip`), {
      packageId: `${'a_'.repeat(28)}a`,
      version: '1',
      extension: '.zip',
    });
    assert.equal(parsePackageFileName(`${'a_'.repeat(5000)}a.1!`), undefined);
    assert.equal(parsePackageFileName(`${'a.'.repeat(29)}!!`), undefined);
    const versions = `${'1.'.repeat(29)}-!`;
    assert.equal(parsePackageFileName(versions), undefined);
    const long = `${'a.'.repeat(5000)}1.zip`;
    assert.equal(long.length, 10_005);
    assert.deepEqual(parsePackageFileName(long), { packageId: 'a.'.repeat(5000).slice(0, -1), version: '1', extension: '.zip' });
    const longVersion = `App.1.0.0-${'x.'.repeat(5000)}y.zip`;
    assert.deepEqual(parsePackageFileName(longVersion), { packageId: 'App', version: `1.0.0-${'x.'.repeat(5000)}y`, extension: '.zip' });
    const longBad = `${'a.1-'.repeat(2500)}!`;
    assert.equal(parsePackageFileName(longBad), undefined);
  });
});

describe('versions', () => {
  it('are equal when they mean the same, and build metadata tells them apart', () => {
    assert.equal(versionKey('1.0.0.0'), versionKey('1.0.0'));
    assert.equal(versionKey('2016.01.02'), versionKey('2016.1.2'));
    assert.equal(versionKey('1.0.0-Beta'), versionKey('1.0.0-beta'));
    assert.notEqual(versionKey('1.3.0-alpha.1+35'), versionKey('1.3.0-alpha.1+36'));
  });

  it('compare exactly, whatever the number of digits', () => {
    // Through Number both are 100000000000000000000: the old feed took them for one version.
    assert.notEqual(versionKey('1.0.99999999999999999999'), versionKey('1.0.100000000000000000000'));
    assert.equal(compareVersions('1.0.99999999999999999999', '1.0.100000000000000000000'), -1);
    assert.equal(compareVersions('1.0.100000000000000000000', '1.0.99999999999999999999'), 1);
    assert.equal(versionKey('1.0.000099999999999999999999'), versionKey('1.0.99999999999999999999'));
    assert.equal(compareVersions('1.0.0-rc.99999999999999999999', '1.0.0-rc.100000000000000000000'), -1);
    assert.equal(compareVersions('3.0.0-beta.10', '3.0.0-beta.9'), 1);
    assert.equal(compareVersions('1.0.0', '1.0.0-rc.1'), 1);
    assert.equal(compareVersions('1.0', '1.0.0.0'), 0);
  });
});
