// octopackjs 0.2.4 pushing a package: argv[2] is the file, argv[3] 'path' or 'stream' (its pack-then-push flow), argv[4] the server.
const fs = require('node:fs');
const path = require('node:path');
const octo = require('@octopusdeploy/octopackjs');

const [file, kind, host] = process.argv.slice(2);
const input = kind === 'stream' ? fs.createReadStream(file) : file;
octo.push(input, { host, apikey: process.env.OCTOPUS_API_KEY, name: path.basename(file) }, (error) => {
  if (error) {
    console.error(error.statusCode ?? error.message ?? error);
    process.exit(1);
  }
});
