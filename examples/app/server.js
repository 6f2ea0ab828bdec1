const http = require('node:http');
const picomatch = require('picomatch');

const isAsset = picomatch('public/**');
http
  .createServer((request, response) => {
    response.end(isAsset(request.url.slice(1)) ? 'an asset\n' : 'Hello from the octojs example app\n');
  })
  .listen(process.env.PORT || 3000);
