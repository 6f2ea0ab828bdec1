import { open } from 'node:fs/promises';
import type { Readable, Transform } from 'node:stream';
import {
  type BuildInformation,
  type LegacyPushOptions,
  OctoError,
  type PushOptions as CorePushOptions,
  formatBytes,
  type PushResult,
  push as pushPackage,
  checkConnection,
  pushBuildInformationAfterPush,
  safeUrl,
  spoolStream,
} from '@octojs/core';
import { AFTER_PUSH_SCHEMA, adapterPushOptions, transferText } from '@octojs/core/internal';
import log from 'fancy-log';
import { objectTransform } from 'through2';
import type Vinyl from 'vinyl';
import { forwardErrors } from './forward-errors.js';
import { toPluginError } from './plugin-error.js';

/** Every core push option, and the originals' names `host`, `apikey` and `spaceId`. */
export interface PushOptions extends CorePushOptions, LegacyPushOptions {
  /** After each push, push its build information too: detected from the CI and git (`true`), or as given. */
  buildInformation?: true | BuildInformation;
  /** Where git is read for detected build information. Default: the file's cwd. */
  cwd?: string;
}

/** A buffer read as text (gulp 5 without `encoding: false`) is no longer the file: refuse it rather than push a corrupt package. */
function checkBuffer(file: Vinyl): void {
  const size = file.stat?.size;
  const length = (file.contents as Buffer).byteLength;
  if (typeof size === 'number' && size !== length) {
    throw new OctoError(
      'ERR_OCTO_UNREADABLE_FILE',
      `${file.relative} holds ${length} bytes but the file on disk has ${size}: it was read as text, which corrupts a package.`,
      { hint: "Read packages as bytes: gulp.src('bin/*.zip', { encoding: false }).", path: file.path },
    );
  }
}

/**
 * Pushes each package that passes through to Octopus, then passes it on unchanged, so that
 * `.pipe(gulp.dest('bin'))` can follow. Options are checked when the stream is made; a stage that
 * receives no package fails, as grunt's octo-push and `octojs push` do.
 */
export function push(options: PushOptions = {}): Transform {
  let core: CorePushOptions;
  let buildInformation: PushOptions['buildInformation'];
  let cwd: string | undefined;
  let server: string;
  try {
    const {
      buildInformation: info,
      cwd: folder,
      ...checked
    } = adapterPushOptions<PushOptions>('gulp-octo push()', options, {
      extra: AFTER_PUSH_SCHEMA,
    });
    buildInformation = info;
    cwd = folder;
    core = {
      ...checked,
      onWarning: (message) => {
        log.warn(`gulp-octo: ${message}`);
        options.onWarning?.(message);
      },
    };
    // Throws for a missing server or key before any file flows; its warnings come again with each push.
    server = safeUrl(checkConnection({ ...core, onWarning: () => {} }).server.href);
  } catch (error) {
    throw toPluginError(error);
  }
  let pushed = 0;

  const pushFile = async (file: Vinyl): Promise<void> => {
    let result: PushResult;
    if (file.isBuffer()) {
      checkBuffer(file);
      result = await pushPackage({ data: file.contents, name: file.basename }, core);
    } else if (file.isStream()) {
      // A stream has no length and cannot be read twice: spool it, push the file, and pass its bytes on.
      const spooled = await spoolStream(file.contents as Readable, file.basename);
      try {
        result = await pushPackage(spooled.path, core);
        const handle = await open(spooled.path);
        file.contents = handle.createReadStream({ highWaterMark: 1024 * 1024 }); // still readable once the file is removed
      } finally {
        await spooled.dispose();
      }
    } else {
      return; // folders and files that were not read have nothing to push
    }
    pushed++;
    const how = transferText(result);
    log(`gulp-octo: pushed '${result.fileName}' (${formatBytes(result.size)}) to ${server}: ${result.outcome}${how ? `, ${how}` : ''}`);
    if (buildInformation) {
      for (const sent of await pushBuildInformationAfterPush([result], buildInformation, { ...core, cwd: cwd ?? file.cwd })) {
        for (const entry of sent.packages) {
          if (!entry.ok) throw entry.error;
          log(`gulp-octo: build information for ${entry.packageId} ${entry.version}${sent.ci ? ` (${sent.ci})` : ''}: ${entry.outcome}`);
        }
      }
    }
  };

  const stage = objectTransform(
    async (file: Vinyl) => {
      await pushFile(file).catch((error: unknown) => Promise.reject(toPluginError(error, file.path)));
      return file;
    },
    async () => {
      if (pushed > 0) return;
      throw toPluginError(
        new OctoError('ERR_OCTO_PACKAGE_NOT_FOUND', 'gulp-octo push() received no package, so nothing was pushed.', {
          hint: "Check the globs of gulp.src (e.g. gulp.src('bin/*.zip', { encoding: false })), and that the pack stage runs before push.",
        }),
      );
    },
  ) as unknown as Transform;
  return forwardErrors(stage); // on to dest(), which gulp watches
}
