// Runs awesome-lint's rules on Markdown files and prints each file's messages as JSON (one Node process
// for them all: starting Node and loading the rules costs more than linting a page).
// The repository-level rules (badge, contributing file, GitHub repo, licence, table of contents) do not
// apply to a page of a website, so they are left out; every Markdown and list-item rule runs.
// Usage: node awesome_lint.mjs NODE_MODULES_DIR FILE.md...
import path from 'node:path';
import {pathToFileURL} from 'node:url';

const [modules, ...filenames] = process.argv.slice(2);
const load = relative => import(pathToFileURL(path.join(modules, relative)).href);
const {createConfig} = await load('awesome-lint/config.js');
const rules = (await load('awesome-lint/rules/index.js')).default;
const {remark} = await load('remark/index.js');
const {readSync} = await load('to-vfile/index.js');

const notApplicable = new Set(['badge', 'contributing', 'github', 'license', 'toc'].map(name => `remark-lint:awesome-${name}`));
const kept = rules.filter(([rule]) => !notApplicable.has(rule.name));
const messages = {};
for (const filename of filenames) {
  const result = await remark().use(createConfig(kept)).process(readSync(filename));
  messages[filename] = result.messages.map(m => ({line: m.line, rule: m.ruleId, reason: m.reason}));
}
console.log(JSON.stringify({rules: kept.map(([rule]) => rule.name), messages}));
