import type { IDataObject } from 'n8n-workflow';

/**
 * How one node run walks HeyGen's folder list to find folders by ID: pure functions of what the
 * listings so far returned. HeyGen's v1 List Folders takes a `parent_id` and `is_trash`; whether it
 * lists only the top level without a parent, and only the trashed folders of one parent with
 * `is_trash`, is not documented, so the harder case is assumed: each parent's folders are listed on
 * their own, level by level, the live ones first, then each parent's trashed ones (a trashed
 * folder's own folders included), unless a listing shows folders of another level than asked for
 * (then the list ignores the parent, and one listing of each kind is the whole list).
 */

/** One listing: a parent's folders (none: the top level), live or trashed. */
export interface FolderListing {
	parentId?: string;
	trash?: boolean;
}

export interface FolderTree {
	/** Every folder listed so far, by ID. */
	folders: ReadonlyMap<string, IDataObject>;
	/** Parents whose live folders are still to list, in the order met; TOP_LEVEL for the top. */
	live: readonly string[];
	/** Parents whose trashed folders are still to list, after every live listing. */
	trash: readonly string[];
	/** A listing showed folders of another level than asked for: the list ignores the parent. */
	flat: boolean;
	/** Listings HeyGen answered (a later 404 is then one parent gone, not the whole list). */
	answered: number;
}

const TOP_LEVEL = '';

export function newFolderTree(): FolderTree {
	return { folders: new Map(), live: [TOP_LEVEL], trash: [TOP_LEVEL], flat: false, answered: 0 };
}

const asListing = (parent: string, trash: boolean): FolderListing => ({
	...(parent === TOP_LEVEL ? {} : { parentId: parent }),
	...(trash ? { trash } : {}),
});

/** The next listing to make, or undefined when the whole list (and the trash) has been read. */
export function nextListing(tree: FolderTree): FolderListing | undefined {
	if (tree.live.length > 0) return asListing(tree.live[0], false);
	if (tree.trash.length > 0) return asListing(tree.trash[0], true);
	return undefined;
}

const parentOf = (folder: IDataObject) =>
	typeof folder.parent_id === 'string' ? folder.parent_id : TOP_LEVEL;

/** The tree after `listing` returned `folders` (none, for a parent HeyGen no longer has). */
export function afterListing(
	tree: FolderTree,
	listing: FolderListing,
	folders: IDataObject[],
	answered = true,
): FolderTree {
	const known = new Map(tree.folders);
	const fresh: string[] = [];
	for (const folder of folders) {
		const id = String(folder.id);
		if (known.has(id)) continue;
		known.set(id, folder);
		fresh.push(id);
	}
	const asked = listing.parentId ?? TOP_LEVEL;
	const flat = tree.flat || folders.some((folder) => parentOf(folder) !== asked);
	const live = listing.trash ? tree.live : tree.live.slice(1);
	const trash = listing.trash ? tree.trash.slice(1) : tree.trash;
	return {
		folders: known,
		live: flat ? [] : [...live, ...fresh],
		trash: flat ? trash.filter((parent) => parent === TOP_LEVEL) : [...trash, ...fresh],
		flat,
		answered: tree.answered + (answered ? 1 : 0),
	};
}
