/**
 * The package's layout holds: imports flow one way between the folders of nodes/HeyGen (helpers ←
 * execution ← transport ← api ← actions, methods, trigger), no file imports itself in a circle, and the
 * HTTP machinery names no HeyGen endpoint.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const NODE = join(ROOT, 'nodes', 'HeyGen');

function sourceFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return sourceFiles(path);
		return entry.name.endsWith('.ts') ? [path] : [];
	});
}

const files = [...sourceFiles(join(ROOT, 'nodes')), ...sourceFiles(join(ROOT, 'credentials'))];

/** The local files a file imports or re-exports, resolved to paths. */
function localImports(file: string): string[] {
	const text = readFileSync(file, 'utf8');
	const specifiers = [...text.matchAll(/(?:import|export)[^'";]*?from '(\.[^']*)'/g)].map(
		(match) => match[1],
	);
	return specifiers.map((specifier) => {
		const base = resolve(dirname(file), specifier);
		return files.find((candidate) => candidate === `${base}.ts`) ?? join(base, 'index.ts');
	});
}

const graph = new Map(files.map((file) => [file, localImports(file)]));
const folderOf = (file: string) => relative(NODE, file).split('/')[0];
const shown = (file: string) => relative(ROOT, file);

/** What each folder may import from, besides itself (n8n-workflow and Node's modules aside). */
const MAY_IMPORT: Record<string, string[]> = {
	helpers: [],
	execution: ['helpers'],
	transport: ['execution', 'helpers'],
	api: ['transport', 'execution', 'helpers'],
};

it('every local import resolves to a file of the package', () => {
	for (const [file, imports] of graph)
		for (const imported of imports)
			expect([shown(file), graph.has(imported)]).toEqual([shown(file), true]);
});

it.each(Object.entries(MAY_IMPORT))('%s imports only from %j', (folder, allowed) => {
	const wrong = [...graph]
		.filter(([file]) => folderOf(file) === folder)
		.flatMap(([file, imports]) =>
			imports
				.filter(
					(imported) => folderOf(imported) !== folder && !allowed.includes(folderOf(imported)),
				)
				.map((imported) => `${shown(file)} → ${shown(imported)}`),
		);
	expect(wrong).toEqual([]);
});

it('no file imports itself through a circle', () => {
	const circles: string[] = [];
	const state = new Map<string, 'visiting' | 'done'>();
	const visit = (file: string, path: string[]) => {
		if (state.get(file) === 'done') return;
		if (state.get(file) === 'visiting') {
			circles.push([...path.slice(path.indexOf(file)), file].map(shown).join(' → '));
			return;
		}
		state.set(file, 'visiting');
		for (const imported of graph.get(file) ?? []) visit(imported, [...path, file]);
		state.set(file, 'done');
	};
	for (const file of graph.keys()) visit(file, []);
	expect(circles).toEqual([]);
});

it('the HTTP machinery (transport, execution) names no HeyGen endpoint', () => {
	const named = [...graph.keys()]
		.filter((file) => ['transport', 'execution'].includes(folderOf(file)))
		.filter((file) => /['`]\/v[0-9]+\//.test(readFileSync(file, 'utf8')))
		.map(shown);
	expect(named).toEqual([]);
});

it('each operation file reaches its HTTP call through api/ in one import', () => {
	const operations = files.filter((file) => file.endsWith('.operation.ts'));
	expect(operations.length).toBeGreaterThan(5);
	for (const operation of operations) {
		const fromApi = (graph.get(operation) ?? []).filter((imported) => folderOf(imported) === 'api');
		expect([shown(operation), fromApi.length]).toEqual([shown(operation), 1]);
	}
});
