// Progressive enhancement only: every page works without JavaScript.
// Loaded as a module, so it runs only in browsers that GOV.UK Frontend supports.
import { initAll } from "./govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
