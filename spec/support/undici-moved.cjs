// Preloaded (node --require) by the undici-parts spec: makes undici's global-dispatcher file
// unresolvable, as if a newer undici had moved it (the transport require()s undici's files).
const Module = require('node:module');

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'undici/lib/global.js') {
    throw Object.assign(new Error(`Cannot find module '${request}'`), { code: 'MODULE_NOT_FOUND' });
  }
  return resolveFilename.call(this, request, ...rest);
};
