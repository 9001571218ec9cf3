#!/usr/bin/env node
// The tabkernel command. Rebuilds dist/ first when the kernel sources changed,
// so it works straight from a checkout after `npm ci`.
import { build, stale } from '../scripts/build.js';

if (stale()) build();
const { main } = await import('../dist/cli.js');
main(process.argv.slice(2));
