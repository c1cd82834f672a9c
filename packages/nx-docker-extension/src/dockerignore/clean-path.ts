/**
 * Go's `filepath.Clean` for slash paths, which Docker applies to every .dockerignore pattern:
 * repeated slashes collapse, `.` elements go, `x/..` pairs go, `..` at a rooted start goes,
 * trailing slashes go; an empty result is `.`.
 */
export function cleanPath(path: string): string {
  const rooted = path.startsWith('/');
  const parts: string[] = [];
  for (const element of path.split('/')) {
    if (element === '' || element === '.') continue;
    if (element === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
      else if (!rooted) parts.push('..');
      continue;
    }
    parts.push(element);
  }
  const cleaned = (rooted ? '/' : '') + parts.join('/');
  return cleaned === '' ? '.' : cleaned;
}
