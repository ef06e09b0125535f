// @ts-check
/**
 * A streaming multipart/form-data reader for the stand-in: each part's bytes go to a callback as
 * they arrive, so a large upload is never held in memory.
 */
'use strict';

/**
 * @typedef {object} PartHandlers
 * @property {(headers: Record<string, string>) => void} start a part begins (header names lower-case)
 * @property {(chunk: Buffer) => void} data some bytes of the current part
 * @property {() => void} end the current part is complete
 */

/** @param {string} contentType @returns {string | undefined} */
function boundaryOf(contentType) {
	const match = /^multipart\/form-data;.*\bboundary=(?:"([^"]+)"|([^\s;]+))/i.exec(contentType);
	return match ? (match[1] ?? match[2]) : undefined;
}

/** @param {string} text */
function parseHeaders(text) {
	/** @type {Record<string, string>} */
	const headers = {};
	for (const line of text.split('\r\n')) {
		const colon = line.indexOf(':');
		if (colon > 0)
			headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
	}
	return headers;
}

/** The value of one parameter of a header such as Content-Disposition. @param {string} header @param {string} name */
function headerParameter(header, name) {
	const match =
		new RegExp(`;\\s*${name}="([^"]*)"`, 'i').exec(header) ??
		new RegExp(`;\\s*${name}=([^;\\s]+)`, 'i').exec(header);
	return match?.[1];
}

/**
 * Reads a multipart body from `source`, calling `handlers` for each part; resolves when the closing
 * boundary has been read, rejects on a malformed body.
 * @param {AsyncIterable<Buffer>} source @param {string} boundary @param {PartHandlers} handlers
 */
async function readMultipart(source, boundary, handlers) {
	const opening = Buffer.from(`--${boundary}`);
	const delimiter = Buffer.from(`\r\n--${boundary}`);
	let buffer = /** @type {Buffer} */ (Buffer.alloc(0));
	/** @type {'preamble' | 'headers' | 'body' | 'afterDelimiter' | 'done'} */
	let state = 'preamble';
	for await (const chunk of source) {
		buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
		for (;;) {
			if (state === 'preamble') {
				const at = buffer.indexOf(opening);
				if (at < 0 || buffer.length < at + opening.length + 2) break;
				buffer = buffer.subarray(at + opening.length);
				state = 'afterDelimiter';
			} else if (state === 'afterDelimiter') {
				if (buffer.length < 2) break;
				const next = buffer.subarray(0, 2).toString();
				buffer = buffer.subarray(2);
				if (next === '--') state = 'done';
				else if (next === '\r\n') state = 'headers';
				else throw new Error('malformed multipart body');
			} else if (state === 'headers') {
				const at = buffer.indexOf('\r\n\r\n');
				if (at < 0) {
					if (buffer.length > 16 * 1024) throw new Error('multipart part headers too long');
					break;
				}
				handlers.start(parseHeaders(buffer.subarray(0, at).toString('utf8')));
				buffer = buffer.subarray(at + 4);
				state = 'body';
			} else if (state === 'body') {
				const at = buffer.indexOf(delimiter);
				if (at >= 0) {
					if (at > 0) handlers.data(buffer.subarray(0, at));
					handlers.end();
					buffer = buffer.subarray(at + delimiter.length);
					state = 'afterDelimiter';
				} else {
					// Keep what could be the start of a delimiter split across chunks.
					const safe = buffer.length - delimiter.length;
					if (safe > 0) {
						handlers.data(buffer.subarray(0, safe));
						buffer = Buffer.from(buffer.subarray(safe));
					}
					break;
				}
			} else {
				break;
			}
		}
	}
	if (state !== 'done') throw new Error('multipart body ended before its closing boundary');
}

module.exports = { boundaryOf, headerParameter, readMultipart };
