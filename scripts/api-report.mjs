#!/usr/bin/env node
// @ts-check
// API Extractor reports of every public package, one Markdown file each in api/<unscoped name>.api.md,
// read from the built declarations (dist/index.d.ts). No per-package config: a new provider package is
// picked up as it is generated.
//   pnpm api                          build, then rewrite the reports
//   node scripts/api-report.mjs --check   write nothing; exit 1 when a report differs from the built API
//   --root DIR                        work on another checkout (the tests use a copy)
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Extractor, ExtractorConfig } from "@microsoft/api-extractor";
import { publicPackages } from "./lib/workspace-packages.mjs";

const args = process.argv.slice(2);
const rootIndex = args.indexOf("--root");
const root = rootIndex >= 0 ? resolve(args[rootIndex + 1] ?? ".") : join(dirname(fileURLToPath(import.meta.url)), "..");
const check = args.includes("--check");
const reportFolder = join(root, "api");
const scratch = mkdtempSync(join(tmpdir(), "opwatch-api-"));

const packages = publicPackages(root).map(({ path, json }) => ({ dir: path, json }));
const stale = [];
try {
  mkdirSync(reportFolder, { recursive: true });
  for (const { dir, json } of packages) {
    const entry = join(dir, json.types ?? "dist/index.d.ts");
    if (!existsSync(entry)) throw new Error(`api: ${entry} is missing; run \`pnpm build\` first`);
    const reportName = json.name.replace(/^@[^/]+\//, "");
    const config = ExtractorConfig.prepare({
      configObject: {
        projectFolder: dir,
        mainEntryPointFilePath: entry,
        compiler: {
          overrideTsconfig: {
            compilerOptions: {
              target: "ES2022",
              lib: ["ES2023", "DOM", "DOM.Iterable"],
              module: "NodeNext",
              moduleResolution: "NodeNext",
              strict: true,
              // The declarations were type-checked by the build; re-checking every lib .d.ts costs ~5x the time.
              skipLibCheck: true,
              types: [],
            },
            files: [entry],
          },
        },
        apiReport: {
          enabled: true,
          reportFileName: reportName,
          reportFolder,
          reportTempFolder: scratch,
          includeForgottenExports: false,
        },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        newlineKind: "lf",
        messages: {
          // Findings go into the report (reviewed in the diff) instead of failing the run.
          compilerMessageReporting: { default: { logLevel: "warning" } },
          extractorMessageReporting: {
            default: { logLevel: "warning", addToApiReportFile: true },
            "ae-missing-release-tag": { logLevel: "none" },
            // A missing doc comment is a review matter, not API surface; listed with line numbers it would make
            // every edit above it rewrite the report.
            "ae-undocumented": { logLevel: "none", addToApiReportFile: false },
          },
          tsdocMessageReporting: { default: { logLevel: "none" } },
        },
      },
      configObjectFullPath: undefined,
      packageJsonFullPath: join(dir, "package.json"),
    });
    const result = Extractor.invoke(config, {
      localBuild: !check,
      showVerboseMessages: false,
      messageCallback: (message) => {
        // API Extractor's own chatter ("Analysis will use the bundled TypeScript version …") stays quiet.
        if (message.logLevel === "info" || message.logLevel === "verbose") message.handled = true;
      },
    });
    if (result.errorCount > 0) throw new Error(`api: API Extractor failed for ${json.name}`);
    if (check && result.apiReportChanged) stale.push(`api/${reportName}.api.md`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

if (stale.length > 0) {
  console.error(
    `api --check: the public API differs from the committed report(s):\n${stale.map((f) => `  ${f}`).join("\n")}\n` +
      "Run `pnpm api`, review the diff and commit it.",
  );
  process.exit(1);
}
console.log(
  `api${check ? " --check" : ""}: ${packages.length} packages, reports in api/ ${check ? "match" : "written"}.`,
);
