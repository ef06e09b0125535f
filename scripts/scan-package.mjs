// n8n's own verification scanner (@n8n/scan-community-package, offline): the packed tarball as npm
// would publish it, and the sources, linted with the rules n8n checks community packages against.
// Needs `npm run build` first. Exits 1 on any violation.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'heygen-scan-'));
try {
	const packed = JSON.parse(
		execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
			cwd: root,
			encoding: 'utf8',
		}),
	)[0].filename;
	execFileSync('tar', ['-xzf', join(work, packed), '-C', work]);
	const legs = [
		['tarball', await analyzePackage(join(work, 'package'), ['**/*.js', 'package.json'])],
		['sources', await analyzePackage(root, SOURCE_FILE_PATTERNS)],
	];
	for (const [leg, result] of legs) {
		console.log(`n8n community package scan, ${leg}: ${result.passed ? 'passed' : 'FAILED'}`);
		if (!result.passed) console.log(result.message, result.details ?? '');
	}
	if (legs.some(([, result]) => !result.passed)) process.exitCode = 1;
} finally {
	rmSync(work, { recursive: true, force: true });
}
