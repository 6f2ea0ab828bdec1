/// <reference types="grunt" />
import {
  type BuildInformation,
  type LegacyPushOptions,
  type PushAllOptions,
  OctoError,
  formatBytes,
  pushAll,
  checkConnection,
  pushBuildInformationAfterPush,
  safeUrl,
} from '@octojs/core';
import { AFTER_PUSH_SCHEMA, adapterPushOptions, transferText } from '@octojs/core/internal';
import { toGruntError } from './grunt-error.js';
import { taskOptions } from './task-options.js';

/** Every core push option (and pushAll's concurrency and continueOnError), and the originals' names. */
export interface PushTaskOptions extends PushAllOptions, LegacyPushOptions {
  /** After the pushes, push the packages' build information too: detected from the CI and git (`true`), or as given. */
  buildInformation?: true | BuildInformation;
  /** Where git is read for detected build information. Default: the current folder. */
  cwd?: string;
}

export async function pushTask(grunt: IGrunt, task: grunt.task.IMultiTask<unknown>): Promise<void> {
  try {
    // Bad options fail the task before anything else is looked at (never a silent success).
    const { buildInformation, cwd, ...options } = adapterPushOptions<PushTaskOptions>(
      `octo-push:${task.target}`,
      taskOptions<PushTaskOptions>(grunt, task),
      { all: true, extra: AFTER_PUSH_SCHEMA },
    );
    const files = task.filesSrc.filter((file) => grunt.file.isFile(file));
    if (files.length === 0) {
      const patterns = task.files.flatMap((mapping) => (mapping as { orig?: { src?: string[] } }).orig?.src ?? []).join(', ');
      throw new OctoError(
        'ERR_OCTO_PACKAGE_NOT_FOUND',
        `octo-push:${task.target}: no package file matched ${patterns || 'src'}, so nothing was pushed.`,
        {
          hint: 'Check the `src` globs (relative to the Gruntfile), and that octo-pack ran before octo-push.',
        },
      );
    }
    const core: PushAllOptions = {
      ...options,
      onWarning: (message) => {
        grunt.log.warn(message);
        options.onWarning?.(message);
      },
    };
    const server = safeUrl(checkConnection({ ...core, onWarning: () => {} }).server.href);
    const results = await pushAll(files, {
      ...core,
      onResult: (entry) => {
        if (entry.ok) {
          const how = transferText(entry);
          grunt.log.ok(`Pushed ${entry.fileName} (${formatBytes(entry.size)}) to ${server}: ${entry.outcome}${how ? `, ${how}` : ''}`);
          grunt.log.verbose.writeln(
            `  ${entry.packageId} ${entry.version}, SHA-1 ${entry.sha1}, space ${entry.spaceId ?? 'default'}, ${entry.attempts} attempt(s)`,
          );
        } else {
          grunt.log.error(`${entry.file}: ${entry.error.message}`);
        }
      },
    });
    if (buildInformation) {
      const pushed = results.flatMap((entry) => (entry.ok ? [entry] : []));
      for (const sent of await pushBuildInformationAfterPush(pushed, buildInformation, { ...core, ...(cwd !== undefined && { cwd }) })) {
        for (const entry of sent.packages) {
          if (!entry.ok) throw entry.error;
          grunt.log.ok(`Build information for ${entry.packageId} ${entry.version}${sent.ci ? ` (${sent.ci})` : ''}: ${entry.outcome}`);
        }
      }
    }
    const failed = results.filter((entry) => !entry.ok);
    if (failed.length > 0) {
      throw new Error(`${failed.length} of ${results.length} packages could not be pushed; see the errors above.`);
    }
  } catch (error) {
    throw toGruntError(error);
  }
}
