import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { heyGenContractError } from '../../helpers';
import {
	inMemoryGraceMs,
	type Readable,
	reportingProgress,
	streamLike,
	type TransferProgress,
} from '../../transport';
import type { UploadedAsset, UploadFile } from './types';

function sizeError(file: UploadFile, sent: number) {
	return new Error(
		`The file "${file.fileName}" has ${sent > file.size ? 'more' : 'fewer'} bytes than its binary data says (${file.size})`,
	);
}

/**
 * A failed read of the file while a request sends it. n8n's request helper reports it as the
 * request's failure (a network error, to the retry loop); kept here, it is the error thrown instead.
 */
export interface FileReads {
	failure?: Error;
}

/** Runs a request that sends the file; a failed read of the file is its error, not the network's. */
export async function sendingFile<T>(send: (reads: FileReads) => Promise<T>): Promise<T> {
	const reads: FileReads = {};
	try {
		return await send(reads);
	} catch (error) {
		throw reads.failure ?? error;
	}
}

/** Yields a file's chunks and checks that it has exactly the size announced for it. */
export async function* exactly(
	file: UploadFile,
	source: Readable | Buffer,
	reads: FileReads = {},
): AsyncGenerator<Buffer> {
	let sent = 0;
	try {
		for await (const chunk of Buffer.isBuffer(source) ? [source] : source) {
			const bytes = chunk as Buffer;
			sent += bytes.length;
			if (sent > file.size) break;
			yield bytes;
		}
	} catch (error) {
		// Named as the read it is: inside a request it would otherwise read as a network failure.
		reads.failure = file.readError ? file.readError(error) : (error as Error);
		throw reads.failure;
	}
	if (sent !== file.size) throw sizeError(file, sent);
}

/**
 * The file as a request body: the bytes in memory as they are, or a stream that checks its size.
 * `head` and `tail` frame it (multipart). Each chunk the request takes is progress of the transfer.
 */
export async function fileBody(
	file: UploadFile,
	reads: FileReads,
	progress: TransferProgress | undefined,
	head = Buffer.alloc(0),
	tail = Buffer.alloc(0),
): Promise<Buffer | Readable> {
	const source = await file.open();
	if (Buffer.isBuffer(source)) {
		if (source.length !== file.size) throw sizeError(file, source.length);
		const body = head.length || tail.length ? Buffer.concat([head, source, tail]) : source;
		progress?.moved(inMemoryGraceMs(body.length));
		return body;
	}
	async function* framed() {
		yield head;
		yield* exactly(file, source, reads);
		yield tail;
	}
	return streamLike(source, progress ? reportingProgress(framed(), progress.moved) : framed());
}

export function uploadedAsset(
	context: IExecuteFunctions,
	body: IDataObject,
	file: UploadFile,
	label: string,
	itemIndex: number,
	knownId?: string,
): UploadedAsset {
	const data = body.data as IDataObject | null | undefined;
	// complete names the asset its ticket did; an empty answer (204) leaves that one.
	const id = data?.asset_id ?? data?.id ?? (data ? knownId : undefined);
	if (!data || typeof id !== 'string' || id === '') {
		throw heyGenContractError(
			context.getNode(),
			'HeyGen returned an unexpected response',
			`${label} answered without data.asset_id.`,
			200,
			itemIndex,
		);
	}
	return {
		id,
		name: file.fileName,
		url: typeof data.url === 'string' ? data.url : null,
		mime_type: typeof data.mime_type === 'string' ? data.mime_type : file.contentType,
		size_bytes: typeof data.size_bytes === 'number' ? data.size_bytes : file.size,
		...(typeof data.status === 'string' ? { status: data.status } : {}),
	};
}
