// Copies the front-end files the page needs from node_modules into
// static/vendor/ (git-ignored), so that every asset is served by the project.
// Run by scripts/build_web.sh after `npm ci`.
import { copyFileSync, mkdirSync, rmSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const vendor = join(here, "static", "vendor");

/** @type {Array<[string, string]>} [source in node_modules, name in static/vendor] */
export const FILES = [
  ["@utrecht/component-library-css/dist/index.css", "utrecht-components.css"],
  ["@rijkshuisstijl-community/design-tokens/dist/index.css", "rhc-design-tokens.css"],
  ["socket.io-client/dist/socket.io.esm.min.js", "socket.io.esm.min.js"],
];

rmSync(vendor, { recursive: true, force: true });
mkdirSync(vendor, { recursive: true });
for (const [source, target] of FILES) {
  const from = join(here, "node_modules", source);
  if (!existsSync(from)) {
    console.error(`error: ${source} is missing; run npm ci in webchat/`);
    process.exit(1);
  }
  copyFileSync(from, join(vendor, target));
}
console.log(`==> web page: ${FILES.length} files copied to webchat/static/vendor/`);
