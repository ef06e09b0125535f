// @ts-check
/** Test files for the upload benchmarks. */
'use strict';

const fs = require('node:fs');

const MiB = 1024 * 1024;

/**
 * Writes a file of `sizeMiB` MiB (one byte value throughout), a MiB at a time.
 * @param {string} file @param {number} sizeMiB @returns {string} the file
 */
function writeFileOfMiB(file, sizeMiB) {
	const chunk = Buffer.alloc(MiB, 0x42);
	const fd = fs.openSync(file, 'w');
	try {
		for (let i = 0; i < sizeMiB; i++) fs.writeSync(fd, chunk);
	} finally {
		fs.closeSync(fd);
	}
	return file;
}

module.exports = { MiB, writeFileOfMiB };
