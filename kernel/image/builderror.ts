// A build that failed: the message names the step (and the Dockerfile's
// line) and why. A bad Dockerfile is a DockerfileError (dockerfile.ts);
// either is what the CLI and the shell's `image build` print.

export class BuildError extends Error {
  override name = 'BuildError';
}
