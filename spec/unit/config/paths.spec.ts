import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfigPath } from '../../../lib/config/paths.js';

describe('defaultConfigPath()', () => {
  it('prefers $D365FO_AUTH_CONFIG on every platform', () => {
    const env = { D365FO_AUTH_CONFIG: '/srv/ci/auth.json', XDG_CONFIG_HOME: '/x', APPDATA: 'C:\\A' };
    assert.equal(defaultConfigPath(env, 'linux', '/home/u'), '/srv/ci/auth.json');
    assert.equal(defaultConfigPath(env, 'darwin', '/Users/u'), '/srv/ci/auth.json');
    assert.equal(defaultConfigPath(env, 'win32', 'C:\\Users\\u'), '/srv/ci/auth.json');
  });

  it('ignores an empty $D365FO_AUTH_CONFIG', () => {
    assert.equal(defaultConfigPath({ D365FO_AUTH_CONFIG: '' }, 'linux', '/home/u'), '/home/u/.config/d365fo-auth/config.json');
  });

  it('uses $XDG_CONFIG_HOME on Linux', () => {
    assert.equal(defaultConfigPath({ XDG_CONFIG_HOME: '/cfg' }, 'linux', '/home/u'), '/cfg/d365fo-auth/config.json');
  });

  it('falls back to ~/.config on Linux without $XDG_CONFIG_HOME or with a relative one', () => {
    assert.equal(defaultConfigPath({}, 'linux', '/home/u'), '/home/u/.config/d365fo-auth/config.json');
    assert.equal(defaultConfigPath({ XDG_CONFIG_HOME: 'rel/cfg' }, 'linux', '/home/u'), '/home/u/.config/d365fo-auth/config.json');
  });

  it('uses ~/Library/Application Support on macOS', () => {
    assert.equal(
      defaultConfigPath({ XDG_CONFIG_HOME: '/cfg' }, 'darwin', '/Users/u'),
      '/Users/u/Library/Application Support/d365fo-auth/config.json',
    );
  });

  it('uses %APPDATA% on Windows, else the roaming folder under the home', () => {
    assert.equal(
      defaultConfigPath({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u'),
      'C:\\Users\\u\\AppData\\Roaming\\d365fo-auth\\config.json',
    );
    assert.equal(defaultConfigPath({}, 'win32', 'C:\\Users\\u'), 'C:\\Users\\u\\AppData\\Roaming\\d365fo-auth\\config.json');
  });

  it('treats other Unixes like Linux', () => {
    assert.equal(defaultConfigPath({}, 'freebsd', '/home/u'), '/home/u/.config/d365fo-auth/config.json');
  });
});
