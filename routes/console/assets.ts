/**
 * The console's static files, embedded in the program (and so in the compiled binary) as
 * text modules: uPlot from npm, and the console's own script and stylesheet. Nothing is
 * read from disk or the network at run time.
 * @module
 */
import uplotCss from "uplot/dist/uPlot.min.css" with { type: "text" };
import uplotJs from "uplot/dist/uPlot.iife.min.js" with { type: "text" };
import consoleCss from "./client/console.css" with { type: "text" };
import consoleJs from "./client/console.js" with { type: "text" };

const JS = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";

/** File name under /console/assets/ -> body and type. */
export const ASSETS: ReadonlyMap<string, { body: string; type: string }> = new Map([
  ["uPlot.iife.min.js", { body: uplotJs, type: JS }],
  ["uPlot.min.css", { body: uplotCss, type: CSS }],
  ["console.js", { body: consoleJs, type: JS }],
  ["console.css", { body: consoleCss, type: CSS }],
]);
