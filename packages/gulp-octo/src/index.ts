import { pack } from './pack.js';
import { push } from './push.js';

export type { PackOptions } from './pack.js';
export type { PushOptions } from './push.js';
export { pack, push };

const gulpOcto = { pack, push };
export default gulpOcto;
// `require('gulp-octo')` in a CommonJS gulpfile returns this object itself, with no `.default` to reach for.
export { gulpOcto as 'module.exports' };
