/**
 * Measured figures some tests print (latencies, distributions, the permission matrix). They
 * would sit between the test results as stray lines, so they are printed only when
 * `AJPGATE_TEST_FIGURES=1` is set: `AJPGATE_TEST_FIGURES=1 bash tests/run.sh`.
 * @module
 */

const SHOW = (Deno.env.get("AJPGATE_TEST_FIGURES") ?? "") !== "";

/** Prints `parts` as console.log does, when figures are asked for. */
export function figure(...parts: unknown[]): void {
  if (SHOW) console.log(...parts);
}
