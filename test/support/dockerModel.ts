import * as net from 'node:net';
import { createDockerodeApi } from '../../src/docker/dockerodeApi';
import { parseEngineAddress, toDockerodeOptions } from '../../src/docker/engineAddress';
import type { EngineApi } from '../../src/docker/engineApi';
import type { DockerModel } from '../../src/docker/model';
import { toContainer, toImage, toNetwork, toVolume } from '../../src/docker/normalize';

export function apiFor(host: string): EngineApi {
  return createDockerodeApi(toDockerodeOptions(parseEngineAddress(host)), host);
}

/** The model's lists in comparable form (the status line's relative times left out). */
export function modelView(model: Pick<DockerModel, 'containers' | 'images' | 'volumes' | 'networks'>) {
  const sorted = <T>(items: Iterable<T>, key: (t: T) => string) =>
    [...items].sort((a, b) => key(a).localeCompare(key(b)));
  return {
    containers: sorted(model.containers.values(), (c) => c.id).map(({ status: _status, ...rest }) => rest),
    images: sorted(model.images.values(), (i) => i.id),
    volumes: sorted(model.volumes.values(), (v) => v.name),
    networks: sorted(model.networks.values(), (n) => n.id),
  };
}

/** A fresh listing from the engine, through a separate client, in the same form. */
export async function freshView(host: string) {
  const api = apiFor(host);
  try {
    const [containers, images, volumes, networks] = await Promise.all([
      api.listContainers(),
      api.listImages(),
      api.listVolumes(),
      api.listNetworks(),
    ]);
    return modelView({
      containers: new Map(containers.map((c) => [c.Id, toContainer(c)])),
      images: new Map(images.map((i) => [i.Id, toImage(i)])),
      volumes: new Map(volumes.map((v) => [v.Name, toVolume(v)])),
      networks: new Map(networks.map((n) => [n.Id, toNetwork(n)])),
    });
  } finally {
    api.close();
  }
}

/** Polls `check` (no sleeping in the model itself) until it holds or the time is up; returns the last result. */
export async function waitUntil<T>(check: () => T | Promise<T>, timeoutMs: number, interval = 10): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await check();
  while (!last && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, interval));
    last = await check();
  }
  return last;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}
