// @ts-check
/**
 * Where a benchmark's report goes: bench-results/<name>.md (git-ignored), printed path and all. The
 * figures in docs/benchmarks.md are copied from these reports by hand, with the run's date, so that a
 * run on another machine never overwrites the documented ones.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const { PROJECT_ROOT } = require('./n8n');

const RESULTS_DIR = path.join(PROJECT_ROOT, 'bench-results');

/** Writes one benchmark's report and says where. @param {string} name @param {string[]} lines */
function writeReport(name, lines) {
	fs.mkdirSync(RESULTS_DIR, { recursive: true });
	const file = path.join(RESULTS_DIR, `${name}.md`);
	fs.writeFileSync(file, `${lines.join('\n')}\n`);
	console.log(
		`\nWrote ${path.relative(PROJECT_ROOT, file)} (copy the figures into docs/benchmarks.md)`,
	);
	return file;
}

module.exports = { writeReport, RESULTS_DIR };
