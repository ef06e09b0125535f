// @ts-check
/** The command-line options of the benchmark scripts. */
'use strict';

/**
 * The value after `--name` on the command line, or `fallback` when it is absent (or followed by
 * another option).
 * @param {string} name @param {string} fallback
 */
function arg(name, fallback) {
	const index = process.argv.indexOf(`--${name}`);
	const value = index > 0 ? process.argv[index + 1] : undefined;
	return value && !value.startsWith('--') ? value : fallback;
}

module.exports = { arg };
