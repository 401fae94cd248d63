// Preloaded (node -r) by the package spec: at exit, writes to stderr the files from node_modules
// that the process loaded through require (and CommonJS files loaded through import).
process.on('exit', () => {
  const files = Object.keys(require.cache).filter((file) => file.includes('/node_modules/'));
  process.stderr.write(JSON.stringify(files));
});
