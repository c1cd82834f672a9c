#!/usr/bin/env node
// Builds the plugin and writes the installable tarball to dist/nx-docker-extension-<version>.tgz,
// the place tests and tools install it from, exactly as a user installs from npm.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
execFileSync(process.execPath, [path.join(__dirname, 'build-plugin.js')], { stdio: 'inherit' });
const built = path.join(root, 'dist/packages/nx-docker-extension');
const { version } = JSON.parse(fs.readFileSync(path.join(built, 'package.json'), 'utf8'));
const dest = path.join(root, 'dist');
const tarball = path.join(dest, `nx-docker-extension-${version}.tgz`);
fs.rmSync(tarball, { force: true });
execFileSync('npm', ['pack', '--silent', '--pack-destination', dest], {
  cwd: built,
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (!fs.existsSync(tarball)) throw new Error(`npm pack did not write ${tarball}`);
console.log(path.relative(root, tarball));
