#!/usr/bin/env node
// slipway's bridge from solc's command line to solcjs (the npm `solc`
// package). It answers the two calls a build driver makes:
//   --version          prints "Version: X.Y.Z" without loading the compiler
//   --standard-json    reads standard-JSON input on stdin, writes the output
// `--base-path DIR` and `--include-path DIR` are honoured for imports that are
// not in the input; other flags (such as --allow-paths) are accepted and
// ignored, since solcjs reads no files of its own.
'use strict';
const fs = require('fs');
const path = require('path');

const args = process.argv.slice(2);
const solcDir = path.join(__dirname, 'node_modules', 'solc');

function flagValues(name) {
  const values = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name && i + 1 < args.length) values.push(args[++i]);
  }
  return values;
}

if (args.includes('--version')) {
  const version = JSON.parse(fs.readFileSync(path.join(solcDir, 'package.json'), 'utf8')).version;
  process.stdout.write('solc, the solidity compiler commandline interface\nVersion: ' + version + '\n');
  process.exit(0);
}

if (!args.includes('--standard-json')) {
  process.stderr.write('slipway solcjs shim: only --version and --standard-json are supported\n');
  process.exit(2);
}

const roots = [process.cwd(), ...flagValues('--base-path'), ...flagValues('--include-path')];

function findImports(importPath) {
  for (const root of roots) {
    const candidate = path.resolve(root, importPath);
    try {
      return { contents: fs.readFileSync(candidate, 'utf8') };
    } catch (_) {
      // try the next root
    }
  }
  return { error: 'File not found: ' + importPath + ' (searched ' + roots.join(', ') + ')' };
}

const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  const solc = require(solcDir);
  const input = Buffer.concat(chunks).toString('utf8');
  // solcjs 0.4 and 0.5 take standard JSON through compileStandardWrapper
  // with a plain import callback (their compile() is the legacy API);
  // 0.6 and later take it through compile() with { import }.
  const output = typeof solc.compileStandardWrapper === 'function'
    ? solc.compileStandardWrapper(input, findImports)
    : solc.compile(input, { import: findImports });
  process.stdout.write(typeof output === 'string' ? output : JSON.stringify(output));
});
