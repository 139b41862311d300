// Validates an AsyncAPI document with the AsyncAPI project's own parser (@asyncapi/parser),
// the one its CLI, Studio and generators use: a document it refuses is one partners' tools
// refuse too. Prints every diagnostic; exits 1 if any has severity error (or the document
// cannot be read), 2 on bad usage.
//
// The parser follows every $ref, into the JSON Schemas under docs/events/schemas too, but has
// no validator for their dialect (draft 2020-12, a custom schemaFormat AsyncAPI 3 allows):
// shared/tests/test_event_docs.py checks the schemas themselves.
//
//   node validate.mjs ../../docs/events/asyncapi.yaml

import { resolve } from "node:path";
import { DiagnosticSeverity, Parser, fromFile } from "@asyncapi/parser";

const LABELS = {
  [DiagnosticSeverity.Error]: "error",
  [DiagnosticSeverity.Warning]: "warning",
  [DiagnosticSeverity.Information]: "info",
  [DiagnosticSeverity.Hint]: "hint",
};

function where(diagnostic) {
  const path = diagnostic.path?.length ? diagnostic.path.join(".") : "(document)";
  const line = diagnostic.range?.start ? `:${diagnostic.range.start.line + 1}` : "";
  const source = diagnostic.source ? `${diagnostic.source}${line}` : "";
  return source ? `${path} (${source})` : path;
}

async function main(argv) {
  if (argv.length !== 1) {
    console.error("usage: node validate.mjs <asyncapi document>");
    return 2;
  }
  // An absolute source, so the document's relative $refs (./schemas/…) resolve next to it.
  const source = resolve(argv[0]);
  let parsed;
  try {
    parsed = await fromFile(new Parser(), source).parse();
  } catch (error) {
    console.error(`${argv[0]}: cannot be parsed: ${error.message}`);
    return 1;
  }
  const { document, diagnostics } = parsed;
  const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
  for (const diagnostic of diagnostics) {
    const label = LABELS[diagnostic.severity] ?? String(diagnostic.severity);
    const stream = diagnostic.severity === DiagnosticSeverity.Error ? console.error : console.log;
    stream(`${label} ${diagnostic.code}: ${diagnostic.message}\n  at ${where(diagnostic)}`);
  }
  const warnings = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Warning).length;
  const summary = `${argv[0]}: ${errors.length} error(s), ${warnings} warning(s)`;
  if (errors.length > 0 || document === undefined) {
    console.error(`${summary}: not a valid AsyncAPI document`);
    return 1;
  }
  console.log(`${summary}: valid AsyncAPI ${document.version()}`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
