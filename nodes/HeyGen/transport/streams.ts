import type { IExecuteFunctions } from 'n8n-workflow';

/** A Node.js readable stream, as n8n's binary data helpers give one (node:stream is not for community nodes). */
export type Readable = Awaited<ReturnType<IExecuteFunctions['helpers']['getBinaryStream']>>;

type ReadableClass = {
	from(source: AsyncIterable<Buffer>, options: { objectMode: boolean }): Readable;
};

/**
 * The Readable class a stream descends from. Not simply its own class: a Duplex (a gunzip stream,
 * say) has a `from` of its own that makes object-mode streams.
 */
function readableClassOf(stream: Readable): ReadableClass {
	let candidate: unknown = stream.constructor;
	while (typeof candidate === 'function' && candidate.name !== 'Readable')
		candidate = Object.getPrototypeOf(candidate);
	return (typeof candidate === 'function'
		? candidate
		: stream.constructor) as unknown as ReadableClass;
}

/**
 * A byte stream of `chunks`, made by the Readable class of a stream at hand: n8n's rules for
 * community nodes keep node:stream out, and every stream n8n or its request helper gives is one.
 */
export function streamLike(like: Readable, chunks: AsyncIterable<Buffer>): Readable {
	return readableClassOf(like).from(chunks, { objectMode: false });
}

/** The chunks of a stream as they pass, each one reported to `moved` (a transfer's progress). */
export async function* reportingProgress(
	source: AsyncIterable<unknown>,
	moved: () => void,
): AsyncGenerator<Buffer> {
	for await (const chunk of source) {
		moved();
		yield chunk as Buffer;
	}
}

/**
 * Lets go of a request body stream once its attempt has ended: axios leaves a body it stopped sending
 * (a stall, a cancel) paused but open, and with it the file it reads (an fd, an S3 download).
 */
export function releaseBody(body: unknown): void {
	const stream = body as { destroy?: unknown; destroyed?: boolean } | undefined;
	if (stream && typeof stream.destroy === 'function' && !stream.destroyed)
		(stream as unknown as Readable).destroy();
}
