export { type PackTaskOptions, packTask, planEntries } from './pack-task.js';
export { type PushTaskOptions, pushTask } from './push-task.js';
