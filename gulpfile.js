const path = require('node:path');
const { task, src, dest } = require('gulp');

// Node and credential icons (and the node's codex file) go beside the compiled code in dist/.
function copyAssets() {
	const sources = [
		path.resolve('nodes', '**', '*.{png,svg}'),
		path.resolve('nodes', '**', '*.node.json'),
		path.resolve('credentials', '**', '*.{png,svg}'),
	];
	return src(sources, { base: '.', encoding: false }).pipe(dest('dist'));
}

task('build:icons', copyAssets);
