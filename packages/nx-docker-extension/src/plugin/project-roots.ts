import { posix } from 'node:path';

/** Which projects a workspace path belongs to or contains, from the projects' roots. */
export class ProjectRoots {
  private readonly byRoot = new Map<string, string>();
  /** Roots sorted, for range lookups of the projects inside a folder. */
  private readonly sorted: string[];

  constructor(projects: Record<string, { root: string }>) {
    for (const [name, project] of Object.entries(projects)) this.byRoot.set(project.root || '.', name);
    this.sorted = [...this.byRoot.keys()].filter((r) => r !== '.').sort();
  }

  /** The project owning `path` (workspace-relative, `/`-separated): the one with the deepest root above it. */
  owner(path: string): string | undefined {
    for (let p = path === '' ? '.' : path; ; p = posix.dirname(p)) {
      const name = this.byRoot.get(p);
      if (name !== undefined) return name;
      if (p === '.' || p === '/') return undefined;
    }
  }

  /** Projects whose root is strictly inside the directory `dir`. */
  inside(dir: string): string[] {
    const prefix = dir === '' || dir === '.' ? '' : `${dir}/`;
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    const names: string[] = [];
    for (let i = lo; i < this.sorted.length && this.sorted[i].startsWith(prefix); i++) {
      if (this.sorted[i] !== dir) names.push(this.byRoot.get(this.sorted[i])!);
    }
    return names;
  }
}
