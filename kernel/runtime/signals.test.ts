import { describe, expect, it } from 'vitest';
import { importSignatures } from '../abi/imports.js';
import { WRAP_ARITY } from './signals.js';

describe('the signal-check wrapper', () => {
  it('passes on every parameter of every import (container takes eleven)', () => {
    const widest = Math.max(...Object.values(importSignatures).flatMap((m) => Object.values(m).map(([params]) => params.length)));
    expect(widest).toBeLessThanOrEqual(WRAP_ARITY);
  });
});
