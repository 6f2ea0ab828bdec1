import type { Transform } from 'node:stream';

type Destination = NodeJS.WritableStream & { destroy?: (error?: Error) => unknown; destroyed?: boolean };

/**
 * Passes a stage's error on to the stages piped after it, as `stream.pipeline` would. `.pipe()` forwards no
 * errors, and gulp 5's `src()` (a streamx stream) listens for errors on the stage it pipes into only to destroy
 * itself: in `src().pipe(pack()).pipe(dest())` the error reached nobody, and gulp, which watches the last stage,
 * only saw it never end ("Did you forget to signal async completion?").
 */
export function forwardErrors<T extends Transform>(stage: T): T {
  const downstream = new Set<Destination>();
  const pipe = stage.pipe.bind(stage) as (destination: Destination, options?: { end?: boolean }) => Destination;
  stage.pipe = ((destination: Destination, options?: { end?: boolean }) => {
    downstream.add(destination);
    destination.on('unpipe', (source: unknown) => {
      if (source === stage && !stage.destroyed) downstream.delete(destination); // the user took it off on purpose
    });
    return pipe(destination, options);
  }) as T['pipe'];
  stage.once('error', (error: Error) => {
    for (const destination of downstream) {
      if (destination.destroyed) continue;
      if (typeof destination.destroy === 'function') destination.destroy(error);
      else destination.emit('error', error);
    }
  });
  return stage;
}
