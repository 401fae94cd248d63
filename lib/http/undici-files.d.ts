// Types for the undici files lib/http/undici.ts loads (undici ships types for its main file only).
declare module 'undici/lib/api/api-request.js' {
  const request: unknown;
  export default request;
}
declare module 'undici/lib/global.js' {
  const global: unknown;
  export default global;
}
