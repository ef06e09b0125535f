import { randomBytes } from 'node:crypto';
import type { IExecuteFunctions } from 'n8n-workflow';

import { requestLabel } from '../../helpers';
import { heyGenApiRequest, type TransferProgress } from '../../transport';
import { fileBody, type FileReads, sendingFile, uploadedAsset } from './file';
import { uploadKey } from './keys';
import { UPLOAD_ENDPOINT, type UploadedAsset, type UploadFile } from './types';

function quoted(value: string): string {
	return value.replace(/[\u0000-\u001f\u007f"\\]/g, '_');
}

/** A multipart/form-data body with the file as its one field, `file`, streamed. */
export function multipartBody(
	file: UploadFile,
	boundary = `----n8nHeyGen${randomBytes(12).toString('hex')}`,
	reads: FileReads = {},
) {
	const head = Buffer.from(
		`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quoted(file.fileName)}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}\r\nContent-Type: ${file.contentType}\r\n\r\n`,
	);
	const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
	return {
		contentType: `multipart/form-data; boundary=${boundary}`,
		length: head.length + file.size + tail.length,
		body: async (progress?: TransferProgress) => await fileBody(file, reads, progress, head, tail),
	};
}

/** POST /v3/assets: the file in one multipart request (up to MULTIPART_MAX_BYTES). */
export async function multipartUpload(
	this: IExecuteFunctions,
	file: UploadFile,
	sha256: string,
	itemIndex: number,
): Promise<UploadedAsset> {
	return await sendingFile(async (reads) => {
		const multipart = multipartBody(file, undefined, reads);
		const request = {
			method: 'POST' as const,
			endpoint: UPLOAD_ENDPOINT,
			headers: {
				'content-type': multipart.contentType,
				'content-length': String(multipart.length),
				'idempotency-key': uploadKey(file, sha256, 'upload'),
			},
			body: multipart.body,
			transfer: true,
			itemIndex,
		};
		const body = await heyGenApiRequest.call(this, request);
		return uploadedAsset(this, body, file, requestLabel(request), itemIndex);
	});
}
