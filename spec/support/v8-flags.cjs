// Preloaded (node -r) by the package spec: records the V8 flags the process sets while it runs
// (v8.setFlagsFromString) and writes them to stderr at exit, on a line of their own.
const v8 = require('node:v8');
const set = v8.setFlagsFromString;
const flags = [];
v8.setFlagsFromString = (value) => {
  flags.push(value);
  return set.call(v8, value);
};
process.on('exit', () => process.stderr.write(`\nv8 flags: ${JSON.stringify(flags)}\n`));
