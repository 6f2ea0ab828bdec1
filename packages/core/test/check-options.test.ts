import assert from 'node:assert/strict';
import { type OctoError } from '../src/index.js';
import { checkOptions, nearMiss } from '../src/internal.js';

const schema = {
  outFolder: { type: 'string', nonEmpty: true },
  insecure: { type: 'boolean' },
  concurrency: { type: 'number', integer: true, min: 1, max: 16 },
  format: { type: 'string', oneOf: ['zip', 'tar.gz', 'tar'] },
  proxy: [{ type: 'string' }, { type: 'literal', value: false }],
  apiKey: { type: 'string', nonEmpty: true },
} as const;

function failure(options: unknown): OctoError {
  try {
    checkOptions('pack()', options, schema);
  } catch (error) {
    return error as OctoError;
  }
  assert.fail('expected ERR_OCTO_INVALID_OPTION');
}

describe('checkOptions()', () => {
  it('accepts valid options, and undefined values as absent', () => {
    checkOptions('pack()', { outFolder: 'out', insecure: false, concurrency: 2, format: 'tar', proxy: false, apiKey: undefined }, schema);
    checkOptions('pack()', undefined, schema);
  });

  it('names an unknown key and its near miss', () => {
    const error = failure({ outfolder: 'out' });
    assert.equal(error.code, 'ERR_OCTO_INVALID_OPTION');
    assert.equal(error.option, 'outfolder');
    assert.match(error.message, /pack\(\) has no option `outfolder`/);
    assert.match(error.hint, /Did you mean `outFolder`\?/);
    assert.match(failure({ zzz: 1 }).hint, /Known options: `outFolder`, `insecure`/);
  });

  it('refuses wrong types: a string "false" is not a boolean, "two" is not a number', () => {
    const insecure = failure({ insecure: 'false' });
    assert.match(insecure.message, /`insecure` of pack\(\) must be a boolean, not the string "false"/);
    assert.equal(insecure.option, 'insecure');
    assert.match(failure({ concurrency: 'two' }).message, /must be a whole number from 1 to 16, not the string "two"/);
    assert.match(failure(123).message, /pack\(\) takes an options object, not number 123/);
  });

  it('refuses values out of range, with the near miss of an enum', () => {
    assert.match(failure({ concurrency: 0 }).message, /is 0, below 1/);
    assert.match(failure({ concurrency: 1.5 }).message, /not a whole number/);
    assert.match(failure({ concurrency: Number.NaN }).message, /not a finite number/);
    assert.match(failure({ format: 'tar.gzip' }).message, /not one of zip, tar.gz, tar \(did you mean "tar.gz"\?\)/);
    assert.match(failure({ outFolder: '  ' }).message, /is empty/);
    assert.match(failure({ proxy: true }).message, /must be a string or false, not boolean true/);
  });

  it('never shows the value of a secret option', () => {
    const error = failure({ apiKey: ['API-SECRET123'] });
    assert.doesNotMatch(JSON.stringify({ ...error.toJSON(), stack: error.stack }), /SECRET123/);
  });
});

describe('nearMiss()', () => {
  it('finds case slips, typos and swaps, and nothing far away', () => {
    assert.equal(nearMiss('outfolder', ['outFolder', 'format']), 'outFolder');
    assert.equal(nearMiss('fromat', ['outFolder', 'format']), 'format');
    assert.equal(nearMiss('basepth', ['basePath']), 'basePath');
    assert.equal(nearMiss('x', ['id', 'format']), undefined);
    assert.equal(nearMiss('server', ['version', 'format']), undefined);
  });
});
