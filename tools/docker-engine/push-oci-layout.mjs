#!/usr/bin/env node
// Pushes the image of an OCI image layout (index.json + blobs/) to a plain-HTTP
// registry, byte for byte: node push-oci-layout.mjs LAYOUT_DIR HOST:PORT REPO TAG...
// up.sh uses it to put cached base images into a fresh registry without rebuilding.
import { readFileSync, statSync, createReadStream } from 'node:fs';
import { join } from 'node:path';

const [layout, registry, repo, ...tags] = process.argv.slice(2);
if (!layout || !registry || !repo || tags.length === 0) {
  console.error('usage: push-oci-layout.mjs LAYOUT_DIR HOST:PORT REPO TAG...');
  process.exit(2);
}
const base = `http://${registry}/v2/${repo}`;
const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);

const blobPath = (digest) => join(layout, 'blobs', ...digest.split(':'));

async function check(res, what) {
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`);
  return res;
}

async function pushBlob(digest) {
  const head = await fetch(`${base}/blobs/${digest}`, { method: 'HEAD' });
  if (head.ok) return;
  const start = await check(await fetch(`${base}/blobs/uploads/`, { method: 'POST' }), `start upload of ${digest}`);
  const location = new URL(start.headers.get('location'), `http://${registry}`);
  location.searchParams.set('digest', digest);
  const path = blobPath(digest);
  await check(
    await fetch(location, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(statSync(path).size) },
      body: createReadStream(path),
      duplex: 'half',
    }),
    `upload of ${digest}`,
  );
}

async function putManifest(reference, mediaType, body) {
  await check(
    await fetch(`${base}/manifests/${reference}`, { method: 'PUT', headers: { 'Content-Type': mediaType }, body }),
    `manifest ${repo}:${reference}`,
  );
}

// Children first: a registry accepts an index only when the manifests it names exist.
async function pushDescriptor(desc, reference) {
  const body = readFileSync(blobPath(desc.digest));
  const doc = JSON.parse(body.toString('utf8'));
  if (INDEX_TYPES.has(desc.mediaType)) {
    for (const child of doc.manifests) await pushDescriptor(child, child.digest);
  } else {
    for (const blob of [doc.config, ...doc.layers]) await pushBlob(blob.digest);
  }
  await putManifest(reference, desc.mediaType, body);
}

const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
if (!index.manifests || index.manifests.length !== 1) {
  throw new Error(`${layout}/index.json should name exactly one image, it names ${index.manifests?.length ?? 0}`);
}
const top = index.manifests[0];
await pushDescriptor(top, top.digest);
for (const tag of tags) await putManifest(tag, top.mediaType, readFileSync(blobPath(top.digest)));
console.log(`${registry}/${repo}@${top.digest} tagged ${tags.join(', ')}`);
