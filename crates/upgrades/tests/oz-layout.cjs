// The storage layouts OpenZeppelin's tooling records for contracts (the
// `layout` of an implementation in `.openzeppelin/<network>.json`), made
// by npm @openzeppelin/upgrades-core from a folder of build-info files:
// written as OUT/<name>.json, for slipway to read as reference layouts.
// Usage: node oz-layout.cjs BUILD_INFO_DIR OUT NAME...
const fs = require('fs');
const path = require('path');
const { validate, solcInputOutputDecoder } = require('@openzeppelin/upgrades-core');

const [dir, out, ...names] = process.argv.slice(2);
const remaining = new Set(names);
for (const file of fs.readdirSync(dir)) {
  const info = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  const decodeSrc = solcInputOutputDecoder(info.input, info.output);
  const data = validate(info.output, decodeSrc, info.solcVersion, info.input);
  for (const name of [...remaining]) {
    const key = Object.keys(data).find(k => k.endsWith(':' + name));
    if (key !== undefined) {
      fs.writeFileSync(path.join(out, name + '.json'), JSON.stringify(data[key].layout));
      remaining.delete(name);
    }
  }
}
if (remaining.size > 0) {
  console.error(`not found: ${[...remaining].join(', ')}`);
  process.exit(1);
}
