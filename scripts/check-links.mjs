// Checks every relative link and #anchor in the project's markdown files (GitHub's anchor rules).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? '.');
const files = process.argv.slice(3);

function stripFences(text) {
	// Drops fenced code blocks (also indented ones inside lists), line by line.
	let fence = null;
	return text
		.split('\n')
		.filter((line) => {
			const open = /^\s*(```+|~~~+)/.exec(line);
			if (fence) {
				if (open && open[1].startsWith(fence)) fence = null;
				return false;
			}
			if (open) {
				fence = open[1];
				return false;
			}
			return true;
		})
		.join('\n');
}
function stripCode(text) {
	return stripFences(text).replace(/`[^`\n]*`/g, '');
}

function slug(heading) {
	return heading
		.trim()
		.toLowerCase()
		.replace(/<[^>]+>/g, '')
		.replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
		.replace(/ /g, '-');
}

const anchorCache = new Map();
function anchorsOf(file) {
	if (anchorCache.has(file)) return anchorCache.get(file);
	const text = stripFences(readFileSync(file, 'utf8'));
	const seen = new Map();
	const anchors = new Set();
	for (const match of text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
		// Heading text as rendered: links keep their text, code spans their content.
		const rendered = match[1].replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/`/g, '');
		const base = slug(rendered);
		const n = seen.get(base) ?? 0;
		seen.set(base, n + 1);
		anchors.add(n === 0 ? base : `${base}-${n}`);
	}
	for (const match of text.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(match[1]);
	anchorCache.set(file, anchors);
	return anchors;
}

let problems = 0;
let checked = 0;
for (const file of files) {
	const path = resolve(root, file);
	const text = stripCode(readFileSync(path, 'utf8'));
	const targets = [
		...[
			...text.matchAll(/!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g),
		].map((m) => m[1]),
		...[...text.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)].map((m) => m[1]),
		...[...text.matchAll(/<(?:a|img)\s[^>]*(?:href|src)="([^"]+)"/g)].map((m) => m[1]),
	];
	for (const target of targets) {
		if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
		checked++;
		const [rawPath, anchor] = target.split('#');
		const dest = rawPath ? resolve(dirname(path), decodeURIComponent(rawPath)) : path;
		const where = `${file}: (${target})`;
		if (!existsSync(dest)) {
			console.log(`${where}: no such file ${relative(root, dest)}`);
			problems++;
			continue;
		}
		if (anchor !== undefined) {
			if (statSync(dest).isDirectory() || !dest.endsWith('.md')) {
				console.log(`${where}: an anchor into something that is not a markdown file`);
				problems++;
			} else if (!anchorsOf(dest).has(anchor)) {
				console.log(`${where}: no heading #${anchor} in ${relative(root, dest)}`);
				problems++;
			}
		}
	}
}
console.log(`${checked} relative links checked in ${files.length} files, ${problems} broken`);
process.exit(problems ? 1 : 0);
