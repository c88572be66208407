import type { RawEntry } from './layerListing';

/**
 * Stacks the layers' listings the way the engine unpacks them, bottom first, to tell for each entry whether it
 * adds, changes or deletes a file, and which bytes are wasted: stored in one layer for a file that a later layer
 * replaces or deletes. The files seen so far live in a tree of path segments, so a whiteout or an opaque folder
 * touches only what lies under its path: the work is linear in the entries, never entries times whiteouts.
 * `ops` counts tree nodes visited, so tests can hold that bound without timing anything. Pure.
 */

export interface LayerFile {
  path: string;
  size: number;
  kind: 'added' | 'changed' | 'deleted';
  /** An opaque-folder marker: everything earlier layers put under `path` is hidden (the folder stays). */
  opaque?: true;
}

export interface StackedLayer {
  files: LayerFile[];
  /** Bytes of the files this layer adds or changes. */
  size: number;
  /** Bytes this layer stores for files that a later layer replaces or deletes. */
  wasted: number;
}

export interface Waster {
  path: string;
  size: number;
  addedIn: number;
  removedIn: number;
}

export interface StackedLayers {
  layers: StackedLayer[];
  wasted: number;
  /** The 50 largest, biggest first. */
  wasters: Waster[];
  ops: number;
}

interface PathNode {
  children?: Map<string, PathNode>;
  /** The file at this path and the layer that put it there; undefined for a folder implied by its children. */
  file?: { size: number; layer: number };
}

export function stackLayers(raw: RawEntry[][]): StackedLayers {
  const root: PathNode = {};
  const layers: StackedLayer[] = [];
  const wasters: Waster[] = [];
  let ops = 0;

  const lose = (path: string, file: { size: number; layer: number }, by: number) => {
    if (!file.size) return;
    const added = layers[file.layer];
    if (added) added.wasted += file.size;
    wasters.push({ path, size: file.size, addedIn: file.layer, removedIn: by });
  };

  /** Every file under `node` (and the node's own file when `self`) is gone as of layer `by`. */
  const dropUnder = (node: PathNode, path: string, by: number, self: boolean) => {
    if (self && node.file) {
      lose(path, node.file, by);
      node.file = undefined;
    }
    if (!node.children) return;
    const stack: [PathNode, string][] = [...node.children].map(([name, child]) => [
      child,
      path ? `${path}/${name}` : name,
    ]);
    node.children = undefined;
    while (stack.length) {
      const [n, p] = stack.pop()!;
      ops++;
      if (n.file) lose(p, n.file, by);
      if (n.children) for (const [name, child] of n.children) stack.push([child, `${p}/${name}`]);
    }
  };

  /** The node at `path`, or undefined; with `create`, made along the way, dropping files that folders replace. */
  const walk = (
    path: string,
    create: false | number,
  ): { node: PathNode | undefined; parent: PathNode; name: string } => {
    const folders = path.split('/');
    const name = folders.pop() ?? '';
    let node: PathNode = root;
    let walked = '';
    for (const segment of folders) {
      ops++;
      let child = node.children?.get(segment);
      walked = walked ? `${walked}/${segment}` : segment;
      if (!child) {
        if (create === false) return { node: undefined, parent: node, name };
        child = {};
        (node.children ??= new Map()).set(segment, child);
      } else if (child.file && create !== false) {
        // A folder now stands where a file was: the file is gone.
        lose(walked, child.file, create);
        child.file = undefined;
      }
      node = child;
    }
    ops++;
    return { node: node.children?.get(name), parent: node, name };
  };

  raw.forEach((entries, n) => {
    const files: LayerFile[] = new Array(entries.length);
    const layer: StackedLayer = { files, size: 0, wasted: 0 };
    layers.push(layer);
    // Whiteouts hide what lower layers hold, never this layer's own files, whatever their order in the tar.
    entries.forEach((e, i) => {
      if (e.kind === 'file') return;
      const { node, parent, name } = walk(e.path, false);
      if (e.kind === 'opaque') {
        if (node) dropUnder(node, e.path, n, false);
        files[i] = { path: e.path, size: 0, kind: 'deleted', opaque: true };
        return;
      }
      if (node) {
        dropUnder(node, e.path, n, true);
        parent.children!.delete(name);
      }
      files[i] = { path: e.path, size: 0, kind: 'deleted' };
    });
    entries.forEach((e, i) => {
      if (e.kind !== 'file') return;
      const { node, parent, name } = walk(e.path, n);
      let target = node;
      const existed = !!target?.file;
      if (target) {
        // Whatever was here (a file, or a folder with files) is replaced.
        dropUnder(target, e.path, n, true);
      } else {
        target = {};
        (parent.children ??= new Map()).set(name, target);
      }
      target.file = { size: e.size, layer: n };
      files[i] = { path: e.path, size: e.size, kind: existed ? 'changed' : 'added' };
      layer.size += e.size;
    });
  });
  wasters.sort((a, b) => b.size - a.size);
  return { layers, wasted: layers.reduce((s, l) => s + l.wasted, 0), wasters: wasters.slice(0, 50), ops };
}
