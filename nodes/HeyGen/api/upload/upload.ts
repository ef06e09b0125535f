import type { IExecuteFunctions } from 'n8n-workflow';

import { directUpload } from './direct';
import { sha256Of } from './keys';
import { multipartUpload } from './multipart';
import { MULTIPART_MAX_BYTES, type UploadedAsset, type UploadFile } from './types';

/**
 * Uploads one file as a new HeyGen asset, in one request or, when it is large, HeyGen's direct
 * upload. The file is read once first for its SHA-256 (streamed): its keys and the checksum.
 */
export async function uploadAsset(
	this: IExecuteFunctions,
	file: UploadFile,
	itemIndex: number,
): Promise<UploadedAsset> {
	const sha256 = await sha256Of(file);
	return file.size <= MULTIPART_MAX_BYTES
		? await multipartUpload.call(this, file, sha256, itemIndex)
		: await directUpload.call(this, file, sha256, itemIndex);
}
