// The recipes pogogen ships, by name: `import { recipes } from 'pogogen'`.
export { jemalloc } from './jemalloc.ts';
export { liburing } from './liburing.ts';
export { mimalloc } from './mimalloc.ts';
export { openssl } from './openssl.ts';
