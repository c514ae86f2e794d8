// node:http, https, net and tls, loaded on first use. A generation that downloads nothing never needs them, and on
// Node 24 importing node:http as an ES module loads undici too (the module's ES facade reads every export, and one
// of them is undici's): about 60 ms of start-up, measured at 50,000 sources. require() leaves those getters alone.
import { createRequire } from 'node:module';
import type Http from 'node:http';
import type Https from 'node:https';
import type Net from 'node:net';
import type Tls from 'node:tls';

const load = createRequire(import.meta.url);

export interface NetModules {
  readonly http: typeof Http;
  readonly https: typeof Https;
  readonly net: typeof Net;
  readonly tls: typeof Tls;
}

/** The network modules (require caches them: every call after the first is a lookup). */
export function netModules(): NetModules {
  return { http: load('node:http') as typeof Http, https: load('node:https') as typeof Https, net: load('node:net') as typeof Net, tls: load('node:tls') as typeof Tls };
}
