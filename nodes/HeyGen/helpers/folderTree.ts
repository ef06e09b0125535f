import type { IDataObject } from 'n8n-workflow';

/**
 * How one node run walks HeyGen's folder list to find folders by ID: pure functions of what the
 * listings so far returned. HeyGen's v1 List Folders takes a `parent_id`; whether it lists only the
 * top level without one is not documented, so the harder case is assumed: each parent's folders are
 * listed on their own, level by level, unless the first listing already shows folders of every level
 * (then it is the whole list). The trash comes last.
 */

/** One listing: a parent's folders (none: the top level), or the trash. */
export interface FolderListing {
	parentId?: string;
	trash?: boolean;
}

export interface FolderTree {
	/** Every folder listed so far, by ID. */
	folders: ReadonlyMap<string, IDataObject>;
	/** Parents still to list, in the order met; TOP_LEVEL for the top. */
	toList: readonly string[];
	/** The list showed folders of another level than asked for: it lists every level at once. */
	flat: boolean;
	trashListed: boolean;
}

const TOP_LEVEL = '';

export function newFolderTree(): FolderTree {
	return { folders: new Map(), toList: [TOP_LEVEL], flat: false, trashListed: false };
}

/** The next listing to make, or undefined when the whole list (and the trash) has been read. */
export function nextListing(tree: FolderTree): FolderListing | undefined {
	const [parent] = tree.toList;
	if (parent !== undefined) return parent === TOP_LEVEL ? {} : { parentId: parent };
	return tree.trashListed ? undefined : { trash: true };
}

const parentOf = (folder: IDataObject) =>
	typeof folder.parent_id === 'string' ? folder.parent_id : TOP_LEVEL;

/** The tree after `listing` returned `folders`. */
export function afterListing(
	tree: FolderTree,
	listing: FolderListing,
	folders: IDataObject[],
): FolderTree {
	const known = new Map(tree.folders);
	const fresh: IDataObject[] = [];
	for (const folder of folders) {
		if (known.has(String(folder.id))) continue;
		known.set(String(folder.id), folder);
		fresh.push(folder);
	}
	if (listing.trash) return { ...tree, folders: known, trashListed: true };
	const asked = listing.parentId ?? TOP_LEVEL;
	const flat = tree.flat || folders.some((folder) => parentOf(folder) !== asked);
	const toList = flat ? [] : [...tree.toList.slice(1), ...fresh.map((folder) => String(folder.id))];
	return { folders: known, toList, flat, trashListed: tree.trashListed };
}
