/* sha1sum: print or check SHA1 digests (lib/digest.h). Spec: GNU coreutils sha1sum. */
#include "lib/digest.h"
#include "lib/util.h"

int main(int argc, char **argv) {
  prog = "sha1sum";
  return digest_main(argc, argv, SHA1);
}
