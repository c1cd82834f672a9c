#!/usr/bin/env node
// A self-hosted Nx remote cache in a few lines: Nx's HTTP cache API (GET/PUT /v1/cache/<hash>)
// over one directory, so two clones of a workspace share their cache the way two CI agents do.
// Usage: node cache-server.cjs <directory> <token>; prints the port it listens on (127.0.0.1).
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

const [dir, token] = process.argv.slice(2);
fs.mkdirSync(dir, { recursive: true });

const server = http.createServer((req, res) => {
  const match = /^\/v1\/cache\/([A-Za-z0-9]+)$/.exec(req.url ?? '');
  if (!match) return res.writeHead(404).end();
  if (req.headers.authorization !== `Bearer ${token}`) return res.writeHead(403).end();
  const file = path.join(dir, match[1]);
  if (req.method === 'GET') {
    if (!fs.existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    return fs.createReadStream(file).pipe(res);
  }
  if (req.method === 'PUT') {
    if (fs.existsSync(file)) return res.writeHead(409).end();
    const temp = `${file}.${process.pid}.part`;
    const out = fs.createWriteStream(temp);
    req.pipe(out);
    out.on('finish', () => {
      fs.renameSync(temp, file);
      res.writeHead(202).end();
    });
    return undefined;
  }
  return res.writeHead(405).end();
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
