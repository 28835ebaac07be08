#!/usr/bin/env node
// Lints Dockerfiles with dockerfile-utils (offline; the checks of the VS Code Docker extension): syntax, unknown
// instructions and flags, bad arguments. Usage: node lint-dockerfiles.js FILE... ; exit code 1 on any finding.
'use strict';
const fs = require('fs');
const { validate } = require('dockerfile-utils');

let findings = 0;
for (const file of process.argv.slice(2)) {
  const diagnostics = validate(fs.readFileSync(file, 'utf8'));
  for (const d of diagnostics) {
    findings++;
    console.error(`${file}:${d.range.start.line + 1}: ${d.message}`);
  }
}
if (findings) process.exit(1);
console.log(`ok: ${process.argv.length - 2} Dockerfile(s) without findings`);
