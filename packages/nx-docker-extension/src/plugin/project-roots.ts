/** Which projects a workspace path belongs to or contains, from the projects' roots. */
export class ProjectRoots {
  private readonly roots: { root: string; name: string }[];

  constructor(projects: Record<string, { root: string }>) {
    // Deepest roots first, so a nested project wins over the folder that holds it.
    this.roots = Object.entries(projects)
      .map(([name, p]) => ({ name, root: p.root === '' ? '.' : p.root }))
      .sort((a, b) => b.root.length - a.root.length || a.root.localeCompare(b.root));
  }

  /** The project owning `path` (workspace-relative, `/`-separated), if any. */
  owner(path: string): string | undefined {
    const p = path === '' ? '.' : path;
    return this.roots.find(({ root }) => root === '.' || p === root || p.startsWith(`${root}/`))?.name;
  }

  /** Projects whose root is strictly inside the directory `dir`. */
  inside(dir: string): string[] {
    if (dir === '' || dir === '.') return this.roots.filter((r) => r.root !== '.').map((r) => r.name);
    return this.roots.filter(({ root }) => root.startsWith(`${dir}/`)).map((r) => r.name);
  }
}
