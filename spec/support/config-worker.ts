// A child process for the config store's concurrency specs: one mode per run, driven by argv; it checks nothing itself.
//   add PATH I        add OData config "cfg-I", then counter + 1 through update()
//   loop PATH         rewrite the file forever (gen + 1, a large blob matching gen); prints "wrote" once
//   hold PATH         take the lock, print "locked", never release
import { openConfigStore } from '../../lib/config/store.js';
import { blobOf } from './config-blob.js';
import { configFile } from './config-file.js';

const [mode, path, arg] = process.argv.slice(2);
if (mode === undefined || path === undefined) throw new Error('usage: config-worker MODE PATH [ARG]');
const store = openConfigStore({ path });

switch (mode) {
  case 'add':
    await store.odata.add(`cfg-${arg}`, {
      tenant: 'contoso.onmicrosoft.com',
      url: `https://env${arg}.operations.dynamics.com/`,
      clientId: '11111111-2222-3333-4444-555555555555',
      clientSecret: `secret-${arg}`,
    });
    await configFile(store.path).update((draft) => {
      draft['counter'] = (typeof draft['counter'] === 'number' ? draft['counter'] : 0) + 1;
    });
    break;
  case 'loop': {
    let announced = false;
    for (;;) {
      await configFile(store.path).update((draft) => {
        const gen = (typeof draft['gen'] === 'number' ? draft['gen'] : 0) + 1;
        draft['gen'] = gen;
        draft['blob'] = blobOf(gen);
      });
      if (!announced) {
        process.stdout.write('wrote\n');
        announced = true;
      }
    }
  }
  case 'hold':
    await configFile(store.path).update(async () => {
      process.stdout.write('locked\n');
      await new Promise(() => setInterval(() => undefined, 1000));
    });
    break;
  default:
    throw new Error(`unknown mode ${mode}`);
}
