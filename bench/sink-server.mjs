// A streaming sink that answers as an Octopus Server just enough for a push: the root document, "no such package" for
// the pre-flight check, and 201 for an upload whose body it reads and counts but does not keep. With --multipart it
// parses the body with busboy as a server does (the "streaming multipart sink"); without, it only counts bytes.
// Octopus answers an upload with the package's SHA-1; the sink gives SINK_HASH, which the bench computed beforehand,
// so that it spends no CPU of its own. It measures clients against the network alone; @octojs/feed (which parses,
// hashes and stores) is the other receiver.
import { createServer } from 'node:http';
import busboy from 'busboy';

const multipart = process.argv.includes('--multipart');

const root = {
  Application: 'Octopus Deploy',
  Version: '2024.1.0',
  ApiVersion: '3.0.0',
  Links: {
    Packages: '/api/packages{/id}{?nuGetPackageId,filter,latest,skip,take,includeNotes}',
    PackageUpload: '/api/packages/raw{?replace,overwriteMode}',
  },
};

const server = createServer((request, response) => {
  const send = (status, body) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  if (request.method === 'GET' && request.url === '/api') return send(200, root);
  if (request.method === 'GET') return send(404, { ErrorMessage: 'Not found' });
  let size = 0;
  const done = () => send(201, { PackageId: 'Bench.Push', PackageSizeBytes: size, Hash: process.env.SINK_HASH });
  if (!multipart) {
    request.on('data', (chunk) => (size += chunk.length));
    request.on('end', done);
    return;
  }
  const parser = busboy({ headers: request.headers, highWaterMark: 4 * 1024 * 1024, fileHwm: 4 * 1024 * 1024 });
  parser.on('file', (_name, file) => file.on('data', (chunk) => (size += chunk.length)));
  parser.on('close', done);
  parser.on('error', () => send(400, { ErrorMessage: 'Bad multipart body' }));
  request.pipe(parser);
});
server.listen(0, '127.0.0.1', () => console.log(`sink listening on http://127.0.0.1:${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
