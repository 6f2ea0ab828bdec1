// octopackjs 0.2.4 packing a folder (argv[2]) into <argv[3]>/bench.1.0.0.zip, the way its README shows.
const octo = require('@octopusdeploy/octopackjs');

const [root, outFolder] = process.argv.slice(2);
process.chdir(root);
octo
  .pack('zip', { id: 'bench', version: '1.0.0' })
  .appendSubDir('.', true)
  .toFile(outFolder, (error) => {
    if (error) {
      console.error(error);
      process.exit(1);
    }
  });
