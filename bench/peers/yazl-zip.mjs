// yazl packing a folder (argv[2]) into a zip (argv[3]), as a hand-written JS packer would: one entry at a time, level 6.
import { createWriteStream, lstatSync, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import yazl from 'yazl';

const [root, output] = process.argv.slice(2);
const zip = new yazl.ZipFile();
const walk = (folder, prefix) => {
  for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const file = path.join(folder, entry.name);
    const name = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (name === '.done') continue;
    const stats = lstatSync(file);
    if (stats.isDirectory()) {
      zip.addEmptyDirectory(name, { mtime: stats.mtime, mode: stats.mode });
      walk(file, name);
    } else if (stats.isSymbolicLink()) {
      zip.addBuffer(Buffer.from(readlinkSync(file)), name, { mtime: stats.mtime, mode: stats.mode, compressionLevel: 0 });
    } else {
      zip.addFile(file, name, { mtime: stats.mtime, mode: stats.mode, compressionLevel: 6 });
    }
  }
};
walk(root, '');
zip.end();
await new Promise((resolve, reject) => zip.outputStream.pipe(createWriteStream(output)).on('close', resolve).on('error', reject));
