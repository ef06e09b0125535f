/**
 * HeyGen's endpoints: assets (list, get, delete), users, folders, processing statuses, downloads,
 * uploads, videos and webhook endpoints. Each operation file under actions/ calls one of these.
 */

export {
	type ApiVersion,
	type AssetFilters,
	assetTs,
	deleteAsset,
	FILE_TYPES,
	type FileType,
	getAsset,
	listAssets,
	type ListingOptions,
	v1RetiredNotice,
	v3AssetPage,
	walkAssets,
} from './assets';
export { withFiles } from './download';
export {
	folderPage,
	foldersOfRecentAssets,
	getFolder,
	isFolderListGone,
	listFolders,
	noteFolderListGone,
} from './folders';
export { PROCESSING_POLICY, waitForProcessing } from './processing';
export {
	MULTIPART_MAX_BYTES,
	UPLOAD_TYPES_TEXT,
	uploadContentType,
	type UploadFile,
} from './upload/types';
export { uploadAsset } from './upload/upload';
export { ownerUsername } from './users';
export {
	deleteVideo,
	getVideo,
	VIDEO_FILES,
	VIDEO_STATUSES,
	type VideoDownload,
	type VideoFile,
	type VideoFilters,
	type VideoStatus,
	videoStatuses,
	walkVideos,
	withVideoFiles,
} from './videos';
export {
	createWebhookEndpoint,
	deleteWebhookEndpoint,
	KNOWN_EVENT_TYPES,
	listWebhookEndpoints,
	updateWebhookEvents,
	type WebhookEndpoint,
	webhookEventTypes,
} from './webhooks';
