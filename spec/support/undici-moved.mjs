// Preloaded (node --import) by the undici-parts spec: a module hook that makes undici's
// global-dispatcher file unresolvable, as if a newer undici had moved it.
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
    export async function resolve(specifier, context, next) {
      if (specifier === 'undici/lib/global.js') {
        throw Object.assign(new Error('Cannot find module ' + specifier), { code: 'ERR_MODULE_NOT_FOUND' });
      }
      return next(specifier, context);
    }`)}`,
);
