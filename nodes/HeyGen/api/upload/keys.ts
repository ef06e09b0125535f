import { createHash } from 'node:crypto';

import { exactly } from './file';
import type { UploadFile } from './types';

/** Hex digits of a key's hash: 128 bits, so that two files never meet by chance. */
const KEY_HASH_LENGTH = 32;

/**
 * An Idempotency-Key from its parts: the same parts give the same key, so a retried request can
 * never create a second asset. Hex only, well inside HeyGen's 1–255 of [A-Za-z0-9_:.-].
 */
export function idempotencyKey(parts: ReadonlyArray<string | number>): string {
	return createHash('sha256')
		.update(parts.map(String).join('\u0000'))
		.digest('hex')
		.slice(0, KEY_HASH_LENGTH);
}

/** The requests of an upload that carry a key, each its own (HeyGen may scope keys per account). */
export type KeyedRequest = 'upload' | 'create' | 'complete';

/**
 * The key of one request of one file's upload: where the file is in the run (execution, node, run,
 * item, field) and what it is (its SHA-256, name and size). A retry of the same file reuses it; two
 * different files — the same name and size in a loop, say — never share one.
 */
export function uploadKey(file: UploadFile, sha256: string, request: KeyedRequest): string {
	return `${request}:${idempotencyKey([...file.position, sha256, file.fileName, file.size])}`;
}

/** The SHA-256 of a file, read as a stream, for the storage host to check the upload against. */
export async function sha256Of(file: UploadFile): Promise<string> {
	const hash = createHash('sha256');
	for await (const chunk of exactly(file, await file.open())) hash.update(chunk);
	return hash.digest('hex');
}
