#!/usr/bin/env node
/*
 * Removes optional dependencies that the registry could not provide from
 * package-lock.json, so that `npm ci` accepts the lockfile.
 *
 * Native tools such as @swc/core and rollup list one optional package per
 * platform. The registry these machines use does not carry every platform's
 * build at every version, so `npm install` leaves those edges unresolved and
 * `npm ci` then refuses the lockfile as "out of sync". An optional dependency
 * that resolves to nothing is never installed on any platform, so dropping the
 * edge changes nothing that gets installed. Run after `npm install`.
 */
const fs = require('fs');
const path = require('path');

const lockPath = path.resolve(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
const packages = lock.packages;

/** Whether a dependency name resolves from a package location the way node does. */
function resolves(fromLocation, name) {
  let dir = fromLocation;
  for (;;) {
    const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[candidate]) return true;
    if (!dir) return false;
    const idx = dir.lastIndexOf('/node_modules/');
    dir = idx === -1 ? '' : dir.slice(0, idx);
  }
}

let removed = 0;
for (const [location, pkg] of Object.entries(packages)) {
  if (!pkg.optionalDependencies) continue;
  const from = pkg.link ? pkg.resolved : location;
  for (const name of Object.keys(pkg.optionalDependencies)) {
    if (!resolves(location, name) && !resolves(from ?? location, name)) {
      delete pkg.optionalDependencies[name];
      removed++;
    }
  }
  if (Object.keys(pkg.optionalDependencies).length === 0) delete pkg.optionalDependencies;
}
fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`prune-lockfile: removed ${removed} unresolvable optional dependency edges`);
