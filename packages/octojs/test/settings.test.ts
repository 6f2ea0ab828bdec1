import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from '../src/args/parse-args.js';
import { type Config, loadConfig } from '../src/config/load-config.js';
import { resolveSettings } from '../src/config/settings.js';
import { CliError } from '../src/errors.js';

const none: Config = { values: {}, source: undefined };

function settings(command: 'pack' | 'push' | 'publish', args: string[], config: Config = none, env: NodeJS.ProcessEnv = {}) {
  return resolveSettings(command, parseArgs(command, args), config, '/work', env);
}

describe('octojs settings', () => {
  it('passes --ignore-file and --npm-files to core as ignoreFiles and useNpmFiles', () => {
    const { pack } = settings('pack', ['--ignore-file', '.gitignore', '--ignore-file', 'deploy\\.ignore', '--npm-files']);
    assert.deepEqual(pack.ignoreFiles, ['.gitignore', 'deploy/.ignore']);
    assert.equal(pack.useNpmFiles, true);
    const fromConfig = settings('pack', [], { values: { ignoreFiles: ['.gitignore'], useNpmFiles: true }, source: '.octojsrc.json' }).pack;
    assert.deepEqual([fromConfig.ignoreFiles, fromConfig.useNpmFiles], [['.gitignore'], true]);
    assert.equal(settings('pack', []).pack.ignoreFiles, undefined, 'absent unless given');
  });

  it('takes the server and key from flags, then OCTOPUS_*, then OCTOPUS_CLI_*, then the config file', () => {
    const config: Config = { values: { server: 'https://from-config', apiKey: 'API-CONFIG' }, source: '.octojsrc.json' };
    const env = { OCTOPUS_CLI_SERVER: 'https://octo-exe', OCTOPUS_CLI_API_KEY: 'API-OCTOEXE' };
    const viaConfig = settings('push', ['a.1.0.0.zip'], config).push;
    assert.deepEqual(
      [viaConfig.server, viaConfig.env?.OCTOPUS_URL, viaConfig.env?.OCTOPUS_API_KEY],
      [undefined, 'https://from-config', 'API-CONFIG'],
    );
    const viaOctoExe = settings('push', ['a.1.0.0.zip'], config, env).push;
    assert.deepEqual([viaOctoExe.env?.OCTOPUS_URL, viaOctoExe.env?.OCTOPUS_API_KEY], ['https://octo-exe', 'API-OCTOEXE']);
    const viaOurs = settings('push', ['a.1.0.0.zip'], config, { ...env, OCTOPUS_URL: 'https://ours', OCTOPUS_API_KEY: 'API-OURS' }).push;
    assert.deepEqual([viaOurs.env?.OCTOPUS_URL, viaOurs.env?.OCTOPUS_API_KEY], ['https://ours', 'API-OURS']);
    const viaFlags = settings('push', ['a.1.0.0.zip', '--server', 'https://flag', '--apiKey', 'API-FLAG'], config, env).push;
    assert.deepEqual([viaFlags.server, viaFlags.apiKey], ['https://flag', 'API-FLAG']);
  });

  it("puts Octo.exe's --proxyUser and --proxyPass into the proxy URL", () => {
    const { push } = settings('push', ['a.1.0.0.zip', '--proxy', 'http://proxy:3128', '--proxyUser', 'me', '--proxyPass', 'p@ss word']);
    assert.equal(push.proxy, 'http://me:p%40ss%20word@proxy:3128/');
    const fromEnv = settings('push', ['a.1.0.0.zip', '--proxyUser', 'me'], none, { HTTPS_PROXY: 'http://corp:8080' }).push;
    assert.equal(fromEnv.proxy, 'http://me@corp:8080/');
  });

  it('turns Octo.exe and Octopus CLI values into core options', () => {
    const { push, continueOnError, concurrency } = settings('push', [
      'a.1.0.0.zip',
      '--replace-existing',
      '--timeout',
      '00:01:30',
      '--concurrency',
      '1',
    ]);
    assert.deepEqual([push.replace, push.timeout, continueOnError, concurrency], [true, 90_000, false, 1]);
    // 0 uploads at once is not "1": a usage error, as the message says.
    assert.throws(() => settings('push', ['a.1.0.0.zip', '--concurrency', '0']), {
      code: 'ERR_OCTO_USAGE',
      message: '--concurrency takes a whole number of 1 or more, not "0".',
    });
    assert.equal(settings('push', ['a', '--overwrite', 'Replace']).push.overwriteMode, 'OverwriteExisting');
    const { pack } = settings('pack', [
      '--format',
      'ZIP',
      '--compressionLevel',
      'Fast',
      '--dependencies',
      'Prod',
      '--exclude',
      'public\\img\\**',
    ]);
    assert.deepEqual([pack.format, pack.compressionLevel, pack.dependencies, pack.exclude], ['zip', 1, 'prod', ['public/img/**']]);
    assert.equal(settings('push', ['a', '--use-delta-compression', 'true']).push.useDeltaCompression, true);
    assert.equal(settings('push', ['a', '-d']).push.useDeltaCompression, true);
    assert.equal(settings('push', ['a', '--use-delta-compression', 'false']).push.useDeltaCompression, undefined, 'false is accepted');
    assert.throws(() => settings('pack', ['a', 'b']), /takes one base path, not 2/);
    assert.deepEqual(settings('pack', ['--include', '/bin/*.dll', '--include', './web/**', '--exclude', '.\\obj\\**']).pack, {
      basePath: '/work',
      outFolder: '/work/bin',
      include: ['bin/*.dll', 'web/**'],
      exclude: ['obj/**'],
    });
  });

  it('reads .octojsrc.json before package.json, and checks what it reads', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'octojs-config-'));
    try {
      writeFileSync(path.join(folder, 'package.json'), JSON.stringify({ octojs: { format: 'tar' } }));
      assert.deepEqual(await loadConfig(folder), { values: { format: 'tar' }, source: 'package.json ("octojs")' });
      writeFileSync(path.join(folder, '.octojsrc.json'), JSON.stringify({ $schema: 'x', include: 'dist/**', timeout: 30 }));
      assert.deepEqual(await loadConfig(folder), { values: { include: ['dist/**'], timeout: 30 }, source: '.octojsrc.json' });
      writeFileSync(path.join(folder, '.octojsrc.json'), JSON.stringify({ apiKey: 42 }));
      await assert.rejects(loadConfig(folder), (error: CliError) => error.code === 'ERR_OCTO_CONFIG' && !error.message.includes('42'));
      writeFileSync(path.join(folder, '.octojsrc.json'), '[1]');
      await assert.rejects(loadConfig(folder), /must be an object of settings, not an array/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
