'use strict';
/**
 * `node scripts/launch.js <entry> [args…]` runs dist/<entry>.js (e.g. src/main) in this process, after
 * compiling only if a source changed since the last build (scripts/build.js): `npm start`, `npm run
 * worker|fakes|cli` and `npx claim-relay` start in well under a second when nothing changed.
 */
const path = require('node:path');
const { ensureBuilt } = require('./build');

function launch(entry) {
  try {
    ensureBuilt({ log: (line) => process.stderr.write(`${line}\n`) });
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  require(path.join(__dirname, '..', 'dist', `${entry}.js`));
}

module.exports = { launch };

if (require.main === module) {
  const [entry] = process.argv.splice(2, 1); // the entry then sees its own arguments from argv[2], as when run directly
  if (!entry) {
    process.stderr.write('usage: node scripts/launch.js <entry, e.g. src/main> [args…]\n');
    process.exit(2);
  }
  process.argv[1] = path.join(__dirname, '..', 'dist', `${entry}.js`);
  launch(entry);
}
