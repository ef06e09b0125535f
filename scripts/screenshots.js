// @ts-check
/**
 * `npm run screenshots`: the node in the real n8n editor, in a real browser (Debian's chromium,
 * driven by playwright-core; no browser download). Starts the same local product as `npm start`
 * (in a throwaway user folder, on free ports), opens the audit example, opens the HeyGen node,
 * checks that its fields render — Return All, Limit, Filters with the folder picker listing the
 * stand-in's folders — and saves screenshots under docs/. Exits non-zero when a check fails.
 *
 * Needs chromium: `apt-get install -y chromium` (or set CHROMIUM_PATH).
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { chromium } = require('playwright-core');
const { PROJECT_ROOT, freePort } = require('./lib/n8n');
const { startSession } = require('./lib/session');

const DOCS = path.join(PROJECT_ROOT, 'docs');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// Chromium flags for a closed network, as root, without a display.
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

/** @param {boolean} ok @param {string} what */
function check(ok, what) {
	console.log(`${ok ? 'ok  ' : 'FAIL'}  ${what}`);
	if (!ok) process.exitCode = 1;
}

async function main() {
	if (!fs.existsSync(CHROMIUM))
		throw new Error(
			`No chromium at ${CHROMIUM}: apt-get install -y chromium, or set CHROMIUM_PATH`,
		);
	const home = fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-screens-'));
	const session = await startSession({
		home,
		port: await freePort(),
		say: (message) => console.log(`[screenshots] ${message}`),
	});
	const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
	try {
		fs.mkdirSync(DOCS, { recursive: true });
		const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		const login = await context.request.post(`${session.url}/rest/login`, {
			data: { emailOrLdapLoginId: session.owner.email, password: session.owner.password },
		});
		check(login.ok(), `signed in to n8n as ${session.owner.email}`);
		const page = await context.newPage();
		await page.goto(`${session.url}/workflow/hgAssetAudit0001`);
		const heyGenNode = page
			.locator('[data-test-id="canvas-node"]')
			.filter({ hasText: 'List all HeyGen assets' });
		await heyGenNode.waitFor({ timeout: 60_000 });
		await page.waitForTimeout(1500);
		check(
			(await page.locator('[data-test-id="canvas-node"]').count()) === 8,
			'the audit example shows its eight nodes',
		);
		await page.screenshot({ path: path.join(DOCS, 'editor-audit-workflow.png') });

		await heyGenNode.dblclick();
		const ndv = page.locator('[data-test-id="ndv"]');
		await ndv.waitFor();
		check(
			await ndv.getByText('Return All', { exact: true }).isVisible(),
			'the HeyGen node shows "Return All"',
		);
		check(
			(
				await ndv.locator('[data-test-id="parameter-input-apiVersion"] input').inputValue()
			).startsWith('V3'),
			'the HeyGen node is version 2: API Version is v3',
		);
		await ndv.locator('[data-test-id="parameter-input-returnAll"]').click();
		const limit = ndv.locator('[data-test-id="parameter-input-limit"]');
		await limit.waitFor();
		check(
			(await limit.locator('input').inputValue()) === '50',
			'turning Return All off shows "Limit", 50 by default',
		);
		await ndv.locator('[data-test-id="collection-parameter-add"]').click();
		await page.getByRole('option', { name: 'Folder' }).click();
		const picker = ndv.locator('[data-test-id="resource-locator-folderId"]');
		await picker.waitFor();
		check(
			await ndv.getByText('Filters', { exact: true }).isVisible(),
			'the node shows "Filters" with a Folder picker',
		);
		await picker.locator('[data-test-id="rlc-input"]').click();
		const expected = session.backend.standIn?.folders.map((folder) => folder.name) ?? [];
		const first = expected[0];
		if (first) await page.getByText(first, { exact: true }).first().waitFor({ timeout: 20_000 });
		await page.waitForTimeout(500);
		const shown = await Promise.all(
			expected.map((name) => page.getByText(name, { exact: true }).first().isVisible()),
		);
		check(
			expected.length > 0 && shown.every(Boolean),
			`the folder picker lists the stand-in's ${expected.length} folders (${expected.join(', ')})`,
		);
		await page.screenshot({ path: path.join(DOCS, 'node-folder-picker.png') });
		await page.keyboard.press('Escape');
		await ndv.locator('[data-test-id="parameter-input-operation"]').click();
		const operations = ['Delete', 'Get', 'Get Many', 'Upload'];
		await page.getByText('Upload', { exact: true }).first().waitFor({ timeout: 10_000 });
		await page.waitForTimeout(800);
		const listed = await Promise.all(
			operations.map((name) => page.getByText(name, { exact: true }).last().isVisible()),
		);
		check(listed.every(Boolean), `the Asset operations are ${operations.join(', ')}`);
		await page.screenshot({ path: path.join(DOCS, 'node-operations.png') });
		console.log(
			`screenshots: ${path.relative(PROJECT_ROOT, DOCS)}/editor-audit-workflow.png, node-folder-picker.png, node-operations.png`,
		);
	} finally {
		await browser.close();
		await session.stop();
		fs.rmSync(home, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(`[screenshots] ${error.message}`);
	process.exit(1);
});
