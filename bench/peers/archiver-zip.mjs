// archiver 8 packing a folder (argv[2]) into a zip (argv[3]) at level 6, as octojs's default.
import { createWriteStream } from 'node:fs';
import { ZipArchive } from 'archiver';

const [root, output] = process.argv.slice(2);
const archive = new ZipArchive({ zlib: { level: 6 } });
const stream = createWriteStream(output);
archive.pipe(stream);
archive.glob('**/*', { cwd: root, dot: true, ignore: ['.done'] });
await archive.finalize();
await new Promise((resolve) => stream.on('close', resolve));
