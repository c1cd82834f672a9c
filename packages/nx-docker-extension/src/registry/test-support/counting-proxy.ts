// A forwarding HTTP proxy for integration tests: counts what reaches the real registry, and can slow uploads down.
import { createServer, request as httpRequest, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Transform } from 'node:stream';

export interface ProxiedRequest {
  method: string;
  path: string;
  status?: number;
  requestBytes: number;
}

export interface CountingProxyOptions {
  /** Limit request bodies to this many bytes per second (to kill a registry mid-upload). */
  uploadBytesPerSecond?: number;
  /** Called when a blob upload body starts flowing. */
  onUploadBody?: (path: string) => void;
}

export interface CountingProxy {
  /** host:port clients use instead of the registry. */
  address: string;
  requests: ProxiedRequest[];
  /** Blob upload sessions started (POST …/blobs/uploads/ without a mount). */
  blobUploads(): number;
  /** Blob bytes sent in PUT/PATCH to upload sessions. */
  blobBytes(): number;
  mounts(): number;
  manifestPuts(): number;
  reset(): void;
  close(): Promise<void>;
}

function throttle(bytesPerSecond: number): Transform {
  const slice = Math.max(1, Math.floor(bytesPerSecond / 20));
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      const pieces: Buffer[] = [];
      for (let i = 0; i < chunk.length; i += slice) pieces.push(chunk.subarray(i, i + slice));
      const pushNext = () => {
        const piece = pieces.shift();
        if (!piece) return done();
        this.push(piece);
        setTimeout(pushNext, 50);
      };
      pushNext();
    },
  });
}

export async function startCountingProxy(target: string, options: CountingProxyOptions = {}): Promise<CountingProxy> {
  const [targetHost, targetPort] = [
    target.slice(0, target.lastIndexOf(':')),
    Number(target.slice(target.lastIndexOf(':') + 1)),
  ];
  const requests: ProxiedRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const entry: ProxiedRequest = { method: req.method ?? '', path: req.url ?? '', requestBytes: 0 };
    requests.push(entry);
    const isUploadBody =
      /\/blobs\/uploads\/[^?]+/.test(entry.path) && (entry.method === 'PUT' || entry.method === 'PATCH');
    const upstream = httpRequest(
      { host: targetHost, port: targetPort, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        entry.status = up.statusCode;
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
        up.on('error', () => res.destroy());
      },
    );
    // the registry went away: break the client's connection, as a dying registry would
    upstream.on('error', () => {
      if (!res.headersSent && entry.requestBytes === 0 && !isUploadBody) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('bad gateway: registry not reachable');
      } else res.destroy();
    });
    req.on('data', (c: Buffer) => (entry.requestBytes += c.length));
    let body: NodeJS.ReadableStream = req;
    if (isUploadBody) {
      options.onUploadBody?.(entry.path);
      if (options.uploadBytesPerSecond) body = req.pipe(throttle(options.uploadBytesPerSecond));
    }
    body.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const uploadBody = (r: ProxiedRequest) =>
    (r.method === 'PUT' || r.method === 'PATCH') && /\/blobs\/uploads\/[^?]+/.test(r.path);
  return {
    address: `127.0.0.1:${port}`,
    requests,
    blobUploads: () =>
      requests.filter(
        (r) => r.method === 'POST' && /\/blobs\/uploads\/(\?|$)/.test(r.path) && !/[?&]mount=/.test(r.path),
      ).length,
    blobBytes: () => requests.filter(uploadBody).reduce((sum, r) => sum + r.requestBytes, 0),
    mounts: () => requests.filter((r) => r.method === 'POST' && /[?&]mount=/.test(r.path)).length,
    manifestPuts: () => requests.filter((r) => r.method === 'PUT' && /\/manifests\//.test(r.path)).length,
    reset: () => {
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
