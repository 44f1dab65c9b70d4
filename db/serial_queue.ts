/**
 * Runs async tasks one at a time, in call order.
 *
 * libsql's local driver waits for a busy lock synchronously, blocking the event
 * loop; two overlapping write transactions in one process therefore stall until
 * the 5 s busy timeout fails the second. Queueing them avoids that.
 * @module
 */

/** A FIFO of async tasks; a task's failure does not stop later ones. */
export interface SerialQueue {
  run<T>(task: () => Promise<T>): Promise<T>;
}

/** Creates an empty {@linkcode SerialQueue}. */
export function createSerialQueue(): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      const result = tail.then(task);
      tail = result.catch(() => {});
      return result;
    },
  };
}
