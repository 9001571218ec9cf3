/* sha256sum: print or check SHA256 digests (lib/digest.h). Spec: GNU coreutils sha256sum. */
#include "lib/digest.h"
#include "lib/util.h"

int main(int argc, char **argv) {
  prog = "sha256sum";
  return digest_main(argc, argv, SHA256);
}
