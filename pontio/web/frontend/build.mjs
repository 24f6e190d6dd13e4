// Build Pontio's static files into ../build (Django's STATICFILES_DIRS).
// Deterministic and quick: one Sass compile and a few copies, no bundler.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "build");
const govuk = join(here, "node_modules", "govuk-frontend", "dist", "govuk");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "govuk", "assets"), { recursive: true });

const css = sass.compile(join(here, "src", "pontio.scss"), {
  loadPaths: [join(here, "node_modules")],
  style: "compressed",
  quietDeps: true,
  sourceMap: false,
});
writeFileSync(join(out, "pontio.css"), css.css + "\n");

cpSync(join(here, "src", "pontio.js"), join(out, "pontio.js"));
cpSync(join(here, "src", "images"), join(out, "images"), { recursive: true });
// The map is copied too: collectstatic's manifest storage follows the
// sourceMappingURL comment and fails when the map is missing.
for (const name of ["govuk-frontend.min.js", "govuk-frontend.min.js.map"]) {
  cpSync(join(govuk, name), join(out, "govuk", name));
}
// Images and the manifest; not the fonts (GDS Transport is for GOV.UK only).
cpSync(join(govuk, "assets", "images"), join(out, "govuk", "assets", "images"), {
  recursive: true,
});
cpSync(join(govuk, "assets", "manifest.json"), join(out, "govuk", "assets", "manifest.json"));
