// The clouds and the v1 authority origin of each. Constants only: no checks, no I/O.

export type Cloud = 'public' | 'usgov' | 'china';

/** The v1 authority origin of each cloud. */
export const AUTHORITY_HOSTS: Readonly<Record<Cloud, string>> = Object.freeze({
  public: 'https://login.microsoftonline.com',
  usgov: 'https://login.microsoftonline.us',
  china: 'https://login.chinacloudapi.cn',
});
