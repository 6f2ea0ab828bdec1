// archiver 8 packing the bench tree, for comparison (zip at level 6, as octojs's default).
import { createWriteStream } from 'node:fs';
import { ZipArchive } from 'archiver';

const archive = new ZipArchive({ zlib: { level: 6 } });
const output = createWriteStream(process.argv[2]);
archive.pipe(output);
archive.glob('**/*', { cwd: process.cwd(), dot: true, ignore: ['.done'] });
await archive.finalize();
await new Promise((resolve) => output.on('close', resolve));
