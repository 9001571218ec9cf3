/*
 * Copying files and trees, shared by cp and mv (mv copies when rename
 * fails with EXDEV, e.g. between a host directory and the in-memory /tmp).
 * Symbolic links inside a recursive copy are recreated, not followed,
 * unless deref is set. Times are kept when preserve is set (WASI has no
 * modes or owners to keep). Diagnostics use cp's wording under `prog`.
 */
#ifndef COPY_H
#define COPY_H

#include "util.h"

struct copy_opts {
  int recursive;    /* -r: copy directories */
  int force;        /* -f: unlink a destination that cannot be opened */
  int preserve;     /* -p: keep access and modification times */
  int deref;        /* -L: follow every symlink in the source */
  int follow_top;   /* -H: follow symlinks named on the command line */
  int no_deref;     /* -P/-d: never follow, even without -r */
  int no_clobber;   /* -n: never overwrite */
  int verbose;      /* -v */
};

/*
 * The operands of cp and mv: SOURCE DEST, SOURCE... DIR, or with -t DIR
 * (target_dir) SOURCE...; -T (no_target_dir) takes DEST as a file even when
 * it is a directory. Sets *n to the number of sources, *dest, and whether the
 * sources go into it as a directory; 0, or 1 after a diagnostic.
 */
int copy_operands(int *n, char **ops, const char *target_dir, int no_target_dir, const char **dest, int *into_dir);

/* Where source `src` goes: into `dest` under its own name, or `dest` itself (malloc'd). */
char *copy_target(const char *src, const char *dest, int into_dir);

/* Copy src to exactly dst (dst is the final name, not a directory to copy into). */
int copy_any(const char *src, const char *dst, const struct copy_opts *o, int top);

/* Remove a tree (for mv's copy-then-delete). */
int remove_tree(const char *path);

/* Is `inner` the same as or below directory `outer`? Walks inner's
 * textual parents (it may not exist yet) and compares inodes. */
int is_within(const char *outer, const char *inner);

#endif
