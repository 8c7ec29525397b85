/**
 * Runs async operations one at a time in call order, so file updates never interleave.
 * @module
 */
export class Serial {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(operation: () => Promise<T>): Promise<T> {
    const next = this.#tail.then(operation, operation);
    this.#tail = next.catch(() => undefined);
    return next;
  }
}
