/**
 * Pure functions and types with no local imports: HeyGen's error bodies and the errors the node
 * throws, page walking, the folder tree's walk, URLs as messages show them.
 */

export {
	asNodeError,
	earlierAttemptsOf,
	heyGenApiError,
	heyGenContractError,
	heyGenErrorCode,
	heyGenErrorMessage,
	heyGenStatusError,
	isHeyGenNotFound,
	isNotFound,
	mayHaveActed,
	notFoundError,
	withoutSecret,
} from './errors';
export { afterListing, type FolderTree, newFolderTree, nextListing } from './folderTree';
export { MAX_PAGE_SIZE, type Page, type PageWalk, type Walked, walkPages } from './paging';
export { DEFAULT_BASE_URL, type HttpMethod, requestLabel, shownUrl, withoutUserInfo } from './urls';
export {
	DELIVERY_HEADERS,
	DELIVERY_POLICY,
	type Delivery,
	type DeliveryVerdict,
	pruneSeen,
	type SeenEvents,
	signatureOf,
	verifyDelivery,
} from './webhookDelivery';
