/*
 * image: the host's images, from the shell (tk_image, tk_container:
 * docs/IMAGES.md).
 *   image pull REF            fetch REF (what the store has is not fetched again)
 *   image ls                  the images in the store
 *   image rm REF...           drop REF and the blobs no other image uses
 *   image inspect REF         its config and layers, as JSON
 *   image build [-t REF] [-f DOCKERFILE] [--build-arg NAME[=VALUE]]...
 *               [--target STAGE] [--output oci:DIR] [--no-cache] CONTEXT
 *                             build an image from a Dockerfile: the kernel
 *                             reads the arguments as `tabkernel image build`
 *                             does and runs the build (RUN in containers of
 *                             this kernel); progress and RUN's output on stderr
 *   image run [-e NAME[=VALUE]]... [--entrypoint PATH] REF [ARG]...
 *                             run REF's command in a fresh container (pulled
 *                             first if the store lacks it): this process
 *                             becomes the container's first, so the shell's
 *                             job control, pipes and signals work as for any
 *                             command. ARGs replace the image's Cmd.
 * Pulls show per-layer progress on stderr (the kernel writes it there while
 * tk_image runs: a bar per layer on a terminal, a line per layer otherwise);
 * ls and inspect print the kernel's text, which is what `tabkernel image`
 * prints (kernel/image/listing.ts). Exit status: 0; 1 when an image
 * operation fails; 2 for a usage error; run: 125 when the container cannot
 * start, else the command's own status.
 */
#include "lib/util.h"
#include <tabkernel.h>

static void usage(void) {
  fputs("usage: image pull REF | image ls | image rm REF... | image inspect REF\n"
        "       image build [-t REF] [-f DOCKERFILE] [--build-arg NAME[=VALUE]]... [--target STAGE]\n"
        "                   [--output oci:DIR] [--no-cache] CONTEXT\n"
        "       image run [-e NAME[=VALUE]]... [--entrypoint PATH] REF [ARG]...\n", stderr);
  exit(2);
}

/* tk_image's text for op on ref, in a malloc'd NUL-terminated buffer, progress
   on stderr; errno and NULL on a failure (its message printed, after "ref: "
   when named is set). */
static char *call(int op, const char *ref, int named) {
  size_t cap = 64 * 1024, used = 0;
  for (;;) {
    char *buf = xmalloc(cap + 1);
    int32_t e = tk_image(op, ref, strlen(ref), STDERR_FILENO, buf, cap, &used);
    if (e == ERANGE && used > cap) {
      free(buf);
      cap = used;
      continue;
    }
    buf[used <= cap ? used : cap] = 0;
    if (e == 0) return buf;
    if (used > 0 && named) warnx_("%s: %s", ref, buf);
    else if (used > 0) warnx_("%s", buf);
    else warnx_("%s: %s", ref, strerror(e));
    free(buf);
    errno = e;
    return NULL;
  }
}

/* The value of JSON string field "name" in text (no escapes: references and digests have none). */
static const char *field(const char *text, const char *name, char *out, size_t n) {
  char key[64];
  snprintf(key, sizeof key, "\"%s\":\"", name);
  const char *at = strstr(text, key);
  if (!at) return "";
  at += strlen(key);
  size_t len = strcspn(at, "\"");
  if (len >= n) len = n - 1;
  memcpy(out, at, len);
  out[len] = 0;
  return out;
}

static int pull(const char *ref) {
  fprintf(stderr, "pulling %s\n", ref);
  char *r = call(TK_IMAGE_PULL, ref, 0);
  if (!r) return 1;
  char name[512], digest[128];
  printf("%s: %s\n", field(r, "reference", name, sizeof name), field(r, "manifestDigest", digest, sizeof digest));
  free(r);
  return 0;
}

static int list(void) {
  char *r = call(TK_IMAGE_LIST, "", 0);
  if (!r) return 1;
  fputs(r, stdout);
  free(r);
  return 0;
}

static int rm(int n, char **refs) {
  int status = 0;
  for (int i = 0; i < n; i++) {
    char *r = call(TK_IMAGE_REMOVE, refs[i], 0);
    if (!r) {
      status = 1;
      continue;
    }
    printf("Untagged: %s\n", refs[i]);
    for (char *line = r; *line; line = strchr(line, '\n') + 1) printf("Deleted: %.*s\n", (int)strcspn(line, "\n"), line);
    free(r);
  }
  return status;
}

static int inspect(const char *ref) {
  char *r = call(TK_IMAGE_INSPECT, ref, 0);
  if (!r) return 1;
  fputs(r, stdout);
  free(r);
  return 0;
}

/* Strings packed NUL-terminated back to back, as tk_container takes them. */
struct packed {
  char *buf;
  size_t len;
};

static void pack(struct packed *p, const char *s) {
  size_t n = strlen(s) + 1;
  p->buf = xrealloc(p->buf, p->len + n);
  memcpy(p->buf + p->len, s, n);
  p->len += n;
}

/* The arguments go to the kernel as they are (packed); it answers the result
   as JSON: the reference tagged (if any) and the manifest's digest. */
static int build(int argc, char **argv) {
  struct packed args = {0};
  for (int i = 0; i < argc; i++) pack(&args, argv[i]);
  size_t cap = 64 * 1024, used = 0;
  char *buf = xmalloc(cap + 1);
  int32_t e = tk_image(TK_IMAGE_BUILD, args.buf ? args.buf : "", args.len, STDERR_FILENO, buf, cap, &used);
  buf[used <= cap ? used : cap] = 0;
  if (e != 0) {
    if (used > 0) fprintf(stderr, "image build: %s%s", buf, buf[strlen(buf) - 1] == '\n' ? "" : "\n");
    else warnx_("build: %s", strerror(e));
    return e == EINVAL ? 2 : 1;
  }
  char name[512], digest[128];
  field(buf, "manifestDigest", digest, sizeof digest);
  if (*field(buf, "reference", name, sizeof name)) printf("%s: %s\n", name, digest);
  else printf("%s\n", digest);
  return 0;
}

static int run(int argc, char **argv) {
  struct packed env = {0}, args = {0};
  const char *entrypoint = "";
  int i = 0;
  for (; i < argc && argv[i][0] == '-'; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0) {
      i++;
      break;
    }
    if ((strcmp(a, "-e") == 0 || strcmp(a, "--env") == 0) && i + 1 < argc) {
      const char *v = argv[++i];
      /* A bare NAME takes this shell's value (as docker run -e does), or unsets. */
      const char *have = strchr(v, '=') ? NULL : getenv(v);
      if (have) {
        char *both = xmalloc(strlen(v) + strlen(have) + 2);
        sprintf(both, "%s=%s", v, have);
        pack(&env, both);
        free(both);
      } else {
        pack(&env, v);
      }
    } else if (strcmp(a, "--entrypoint") == 0 && i + 1 < argc) {
      entrypoint = argv[++i];
    } else {
      warnx_("unknown option %s", a);
      usage();
    }
  }
  if (i >= argc) usage();
  const char *ref = argv[i++];
  for (; i < argc; i++) pack(&args, argv[i]);
  /* Pulled here if the store lacks it, so that its progress shows. */
  char *fetched = call(TK_IMAGE_FETCH, ref, 1);
  if (!fetched) return 125;
  free(fetched);
  char msg[4096];
  size_t used = 0;
  int32_t e = tk_container(ref, strlen(ref), entrypoint, strlen(entrypoint), args.buf ? args.buf : "", args.len,
                           env.buf ? env.buf : "", env.len, msg, sizeof msg - 1, &used);
  /* Only a failure comes back. */
  msg[used < sizeof msg ? used : sizeof msg - 1] = 0;
  if (used > 0) warnx_("%s: %s", ref, msg);
  else warnx_("%s: %s", ref, strerror(e));
  return 125;
}

int main(int argc, char **argv) {
  prog = "image";
  if (argc < 2) usage();
  const char *cmd = argv[1];
  if (strcmp(cmd, "pull") == 0 && argc == 3) return pull(argv[2]);
  if (strcmp(cmd, "ls") == 0 && argc == 2) return list();
  if (strcmp(cmd, "rm") == 0 && argc >= 3) return rm(argc - 2, argv + 2);
  if (strcmp(cmd, "inspect") == 0 && argc == 3) return inspect(argv[2]);
  if (strcmp(cmd, "run") == 0) return run(argc - 2, argv + 2);
  if (strcmp(cmd, "build") == 0) return build(argc - 2, argv + 2);
  usage();
}
