/* md5sum: print or check MD5 digests (lib/digest.h). Spec: GNU coreutils md5sum. */
#include "lib/digest.h"
#include "lib/util.h"

int main(int argc, char **argv) {
  prog = "md5sum";
  return digest_main(argc, argv, MD5);
}
