// Preloaded (node -r) by the package spec: records the V8 flags the process sets while it runs
// (v8.setFlagsFromString), the built-ins it loads after the first of them, and whether it loaded
// perf_hooks, and writes them to stderr at exit, on lines of their own.
const v8 = require('node:v8');
const set = v8.setFlagsFromString;
const flags = [];
let loadedBefore;
v8.setFlagsFromString = (value) => {
  flags.push(value);
  loadedBefore ??= process.moduleLoadList.length;
  return set.call(v8, value);
};
process.on('exit', () => {
  const after = loadedBefore === undefined ? [] : process.moduleLoadList.slice(loadedBefore);
  const builtins = after.filter((entry) => entry.startsWith('NativeModule ')).map((entry) => entry.slice('NativeModule '.length));
  const perfHooks = process.moduleLoadList.includes('NativeModule perf_hooks');
  process.stderr.write(`\nv8 flags: ${JSON.stringify(flags)}\nbuilt-ins loaded after the flag: ${JSON.stringify(builtins)}\nperf_hooks loaded: ${perfHooks}\n`);
});
