// The package version, sent in x-client-Ver and User-Agent (a spec checks it matches package.json).
export const VERSION = '0.1.0';
