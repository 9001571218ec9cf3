// Path names taken apart lexically: no file system is asked, so `..` simply
// drops the component before it (what a shell's cd -L, a Dockerfile's paths
// and the kernel's record of a working directory mean by it).

/** A path cleaned as Go's path.Clean does, relative: no `.`, no empty components, `..` resolved, no leading `/`. */
export function cleanPath(path: string): string {
  const out: string[] = [];
  for (const c of path.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') out.pop();
    else out.push(c);
  }
  return out.join('/');
}

/** The same as an absolute path (`..` of the root is the root). */
export function normalizePath(path: string): string {
  return '/' + cleanPath(path);
}
