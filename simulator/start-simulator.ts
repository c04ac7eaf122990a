import {createServer} from 'node:http';
import type {AddressInfo} from 'node:net';
import {handleMbRequest, type SimulatorOptions} from './handle-mb-request.js';

export interface RunningSimulator {
  /** Origin, e.g. http://127.0.0.1:41234; v4 base URL is `${url}/api/v4`, legacy is `${url}/v4`. */
  readonly url: string;
  /** Requests served so far. */
  readonly requests: number;
  close(): Promise<void>;
}

/** Serves the fake MB API over real HTTP. Loopback by default: it is a test double, not a public service. */
export async function startSimulator(
  options: SimulatorOptions & {host?: string; port?: number; onRequest?: (method: string, url: string, status: number) => void},
): Promise<RunningSimulator> {
  let requests = 0;
  const server = createServer((request, response) => {
    requests++;
    const url = new URL(request.url ?? '/', 'http://simulator');
    const result =
      request.method === 'GET'
        ? handleMbRequest(url, options)
        : {status: 405, headers: {'content-type': 'application/json'}, body: '{"code":"API|METHOD|NOT_ALLOWED"}'};
    options.onRequest?.(request.method ?? 'GET', `${url.pathname}${url.search}`, result.status);
    const send = () => {
      if (!response.destroyed) response.writeHead(result.status, result.headers).end(result.body);
    };
    if (result.delayMs) setTimeout(send, result.delayMs).unref();
    else send();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
