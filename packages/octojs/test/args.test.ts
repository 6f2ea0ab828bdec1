import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FLAGS, configKeys } from '../src/args/flags.js';
import { parseArgs } from '../src/args/parse-args.js';
import { compressionLevel, slashGlob, timeoutMs, verbosityOf } from '../src/args/values.js';
import { CliError, inFlagTerms } from '../src/errors.js';
import { commandHelp } from '../src/help.js';

function usage(run: () => unknown): CliError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof CliError, String(error));
    return error;
  }
  assert.fail('expected a usage error');
}

describe('octojs flags', () => {
  it('takes each spelling users bring, long ones ignoring case and hyphens', () => {
    const { values, positionals } = parseArgs('push', [
      '--package',
      'A.1.0.0.zip',
      '-p',
      'B.1.0.0.zip',
      '--apiKey=API-X',
      '--SERVER',
      'http://x',
      '-s',
      'Team',
      '--overwritemode',
      'ignore',
      '--replace-existing',
      '--ignoreSslErrors',
      '--no-prompt',
      '-f',
      'json',
      'C.1.0.0.zip',
    ]);
    assert.deepEqual(values, {
      packages: ['A.1.0.0.zip', 'B.1.0.0.zip'],
      apiKey: 'API-X',
      server: 'http://x',
      space: 'Team',
      overwriteMode: 'ignore',
      replace: true,
      insecure: true,
      noPrompt: true,
      outputFormat: 'json',
    });
    assert.deepEqual(positionals, ['C.1.0.0.zip']);
    assert.equal(parseArgs('push', ['--api-key', 'K']).values.apiKey, 'K');
    assert.equal(parseArgs('push', ['--overwrite', 'overwrite']).values.overwriteMode, 'overwrite', "the Octopus CLI's --overwrite <mode>");
    assert.equal(parseArgs('pack', ['--overwrite']).values.overwrite, true, "Octo.exe pack's --overwrite switch");
    assert.deepEqual(parseArgs('pack', ['--outFolder', 'o', '--basePath=b', '-v', '1.0.0']).values, {
      outFolder: 'o',
      basePath: 'b',
      version: '1.0.0',
    });
  });

  it('reads true or false after the delta switch only when it is one, and -- ends the flags', () => {
    assert.deepEqual(parseArgs('push', ['--use-delta-compression', 'false', 'A.1.0.0.zip']), {
      values: { useDeltaCompression: false },
      positionals: ['A.1.0.0.zip'],
      spelled: { useDeltaCompression: '--use-delta-compression' },
    });
    assert.deepEqual(parseArgs('push', ['-d', 'A.1.0.0.zip']).values, { useDeltaCompression: true });
    assert.deepEqual(parseArgs('push', ['--', '--weird.1.0.0.zip']).positionals, ['--weird.1.0.0.zip']);
  });

  it('says what is wrong in our words, with the near miss', () => {
    assert.equal(usage(() => parseArgs('push', ['--sever', 'x'])).hint, 'Did you mean --server?');
    assert.equal(usage(() => parseArgs('push', ['-server', 'x'])).hint, 'Did you mean --server?');
    assert.match(
      usage(() => parseArgs('pack', ['--api-key', 'x'])).message,
      /^--api-key is not a flag of octojs pack; push, publish and build-information take it\.$/,
    );
    assert.match(usage(() => parseArgs('push', ['--timeout'])).message, /^--timeout needs a value \(<seconds\|hh:mm:ss>\)\.$/);
    assert.match(usage(() => parseArgs('push', ['--api-key', '--server', 'x'])).message, /--api-key needs a value/);
    assert.match(usage(() => parseArgs('push', ['--insecure=maybe'])).message, /takes true or false/);
    assert.equal(usage(() => parseArgs('push', ['--frobnicate'])).code, 'ERR_OCTO_USAGE');
  });

  it('converts values as Octo.exe and the Octopus CLI write them', () => {
    assert.equal(timeoutMs('--timeout', '600'), 600_000);
    assert.equal(timeoutMs('--timeout', '2.5'), 2500);
    assert.equal(timeoutMs('--timeout', '00:10:00'), 600_000);
    assert.equal(timeoutMs('--timeout', '1.02:00:30'), (26 * 3600 + 30) * 1000);
    assert.equal(timeoutMs('--timeout', 30), 30_000, 'a number in a config file');
    assert.match(
      usage(() => timeoutMs('--timeout', '10m')).message,
      /^--timeout takes seconds above 0, at most 2147483 \(about 24 days\), or hh:mm:ss \(00:10:00\), not "10m"\.$/,
    );
    for (const outOfRange of ['0', 0, '99999999999', '0.0001', '24855.00:00:00']) {
      assert.match(usage(() => timeoutMs('--timeout', outOfRange)).message, /^--timeout takes seconds above 0, at most 2147483 /);
    }
    assert.equal(timeoutMs('--timeout', '2147483'), 2_147_483_000);
    assert.equal(compressionLevel('--compressionLevel', 'None'), 0);
    assert.equal(compressionLevel('--compressionLevel', 'fast'), 1);
    assert.equal(compressionLevel('--compressionLevel', 'OPTIMAL'), 6);
    assert.equal(compressionLevel('--compression-level', '9'), 9);
    assert.throws(() => compressionLevel('--compression-level', '10'), /takes 0 to 9/);
    assert.equal(verbosityOf('--logLevel', 'Verbose'), 'verbose');
    assert.equal(verbosityOf('--logLevel', 'Information'), 'normal');
    assert.equal(verbosityOf('--logLevel', 'warning'), 'warnings');
    assert.equal(verbosityOf('--logLevel', 'Fatal'), 'quiet');
    assert.equal(slashGlob('public\\img\\**'), 'public/img/**');
  });

  it("rewrites core's backticked option names to flags, and leaves other backticked words", () => {
    assert.equal(inFlagTerms('Give `outFolder` or `overwriteMode`.'), 'Give `--out-folder` or `--overwrite-mode`.');
    assert.equal(
      inFlagTerms('Use `ignoreFiles` and `useNpmFiles`, e.g. `MyApp.Web`.'),
      'Use `--ignore-file` and `--npm-files`, e.g. `MyApp.Web`.',
    );
  });

  it('--help and the README list every flag and every alias; config keys cover every option', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const help = ['pack', 'push', 'publish', 'build-information'].map((command) => commandHelp(command as 'pack')).join('\n');
    for (const flag of FLAGS) {
      for (const spelling of flag.spellings) {
        assert.ok(help.includes(spelling), `--help lists ${spelling}`);
        assert.ok(
          readme.includes(`\`${spelling}`) || readme.includes(`${spelling}\``) || readme.includes(` ${spelling}`),
          `README lists ${spelling}`,
        );
      }
    }
    const keys = [...configKeys().keys()];
    for (const key of ['packageJson', 'ignoreFiles', 'useNpmFiles', 'overwriteMode', 'timeout', 'apiKey', 'outputFormat'])
      assert.ok(keys.includes(key), key);
    for (const key of keys) assert.ok(readme.includes(`\`${key}\``), `README documents the config key ${key}`);
  });
});
