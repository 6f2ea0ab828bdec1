import { open } from 'node:fs/promises';
import type { Readable, Transform } from 'node:stream';
import {
  type BuildInformation,
  type LegacyPushOptions,
  type PushOptions as CorePushOptions,
  formatBytes,
  fromLegacyOptions,
  type PushResult,
  normalizeOverwriteMode,
  push as pushPackage,
  checkConnection,
  pushBuildInformationAfterPush,
  safeUrl,
  spoolStream,
} from '@octojs/core';
import log from 'fancy-log';
import { objectTransform } from 'through2';
import type Vinyl from 'vinyl';
import { toPluginError } from './plugin-error.js';

/** Every core push option, and the originals' names `host`, `apikey` and `spaceId`. */
export interface PushOptions extends CorePushOptions, LegacyPushOptions {
  /** After each push, push its build information too: detected from the CI and git (`true`), or as given. */
  buildInformation?: true | BuildInformation;
  /** Where git is read for detected build information. Default: the file's cwd. */
  cwd?: string;
}

/**
 * Pushes each package that passes through to Octopus, then passes it on unchanged, so that
 * `.pipe(gulp.dest('bin'))` can follow. Options are checked when the stream is made.
 */
export function push(options: PushOptions = {}): Transform {
  const { buildInformation, cwd, ...pushOptions } = options;
  const core: CorePushOptions = {
    ...fromLegacyOptions(pushOptions),
    onWarning: (message) => {
      log.warn(`gulp-octo: ${message}`);
      options.onWarning?.(message);
    },
  };
  let server: string;
  try {
    normalizeOverwriteMode(core.overwriteMode as string | undefined, core.replace);
    // Throws for a missing server or key before any file flows; its warnings come again with each push.
    server = safeUrl(checkConnection({ ...core, onWarning: () => {} }).server.href);
  } catch (error) {
    throw toPluginError(error);
  }

  const pushFile = async (file: Vinyl): Promise<void> => {
    let result: PushResult;
    if (file.isBuffer()) {
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
    log(`gulp-octo: pushed '${result.name}' (${formatBytes(result.size)}) to ${server}: ${result.outcome}`);
    if (buildInformation) {
      for (const sent of await pushBuildInformationAfterPush([result], buildInformation, { ...core, cwd: cwd ?? file.cwd })) {
        for (const entry of sent.packages) {
          if (!entry.ok) throw entry.error;
          log(`gulp-octo: build information for ${entry.packageId} ${entry.version}${sent.ci ? ` (${sent.ci})` : ''}: ${entry.outcome}`);
        }
      }
    }
  };

  return objectTransform(async (file: Vinyl) => {
    await pushFile(file).catch((error: unknown) => Promise.reject(toPluginError(error, file.path)));
    return file;
  }) as unknown as Transform;
}
