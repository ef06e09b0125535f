/**
 * How a run walks HeyGen's folder list to find folders by ID (helpers/folderTree.ts): the live
 * folders level by level, each parent once, then each parent's trash (a trashed folder's own folders
 * too); one listing of each kind where the list shows every level at once.
 */
import { afterListing, newFolderTree, nextListing } from '../nodes/HeyGen/helpers/folderTree';

const folder = (id: string, parent_id: string | null = null, is_trash = false) => ({
	id,
	name: id,
	parent_id,
	is_trash,
});

it('lists the live folders level by level, then each parent’s trash, a trashed folder’s own folders too', () => {
	let tree = newFolderTree();
	expect(nextListing(tree)).toEqual({});
	tree = afterListing(tree, {}, [folder('a'), folder('b')]);
	expect(nextListing(tree)).toEqual({ parentId: 'a' });
	tree = afterListing(tree, { parentId: 'a' }, [folder('a1', 'a')]);
	expect(nextListing(tree)).toEqual({ parentId: 'b' });
	tree = afterListing(tree, { parentId: 'b' }, []);
	expect(nextListing(tree)).toEqual({ parentId: 'a1' });
	tree = afterListing(tree, { parentId: 'a1' }, []);
	expect(nextListing(tree)).toEqual({ trash: true });
	tree = afterListing(tree, { trash: true }, [folder('t', null, true)]);
	// The trashed folder's own live folders come before the other parents' trash.
	expect(nextListing(tree)).toEqual({ parentId: 't' });
	tree = afterListing(tree, { parentId: 't' }, [folder('t1', 't')]);
	expect(nextListing(tree)).toEqual({ parentId: 't1' });
	tree = afterListing(tree, { parentId: 't1' }, []);
	expect(nextListing(tree)).toEqual({ parentId: 'a', trash: true });
	tree = afterListing(tree, { parentId: 'a', trash: true }, [folder('a2', 'a', true)]);
	expect(nextListing(tree)).toEqual({ parentId: 'a2' });
	expect([...tree.folders.keys()]).toEqual(['a', 'b', 'a1', 't', 't1', 'a2']);
	expect(tree.answered).toBe(8);
});

it('ends once every listing is made', () => {
	let tree = newFolderTree();
	let listings = 0;
	for (let step = nextListing(tree); step; step = nextListing(tree)) {
		tree = afterListing(
			tree,
			step,
			step.parentId === undefined && !step.trash ? [folder('a')] : [],
		);
		listings += 1;
	}
	// Top (live), a (live), top (trash), a (trash).
	expect(listings).toBe(4);
});

it('a top-level listing that shows nested folders is the whole list: only the trash’s top is left', () => {
	const tree = afterListing(newFolderTree(), {}, [folder('a'), folder('a1', 'a')]);
	expect(tree.flat).toBe(true);
	expect(nextListing(tree)).toEqual({ trash: true });
	expect(
		nextListing(afterListing(tree, { trash: true }, [folder('t', 'a', true)])),
	).toBeUndefined();
});

it('a folder met twice is listed for its folders once, and keeps what was first seen of it', () => {
	let tree = afterListing(newFolderTree(), {}, [folder('a')]);
	tree = afterListing(tree, { parentId: 'a' }, [folder('a1', 'a'), folder('a1', 'a')]);
	expect(tree.live).toEqual(['a1']);
	expect(tree.trash).toEqual(['', 'a', 'a1']);
});

it('a listing HeyGen did not answer (a parent gone) is passed over without counting as answered', () => {
	let tree = afterListing(newFolderTree(), {}, [folder('a'), folder('b')]);
	tree = afterListing(tree, { parentId: 'a' }, [], false);
	expect(nextListing(tree)).toEqual({ parentId: 'b' });
	expect(tree.answered).toBe(1);
});

it('leaves the tree it was given as it was', () => {
	const tree = newFolderTree();
	afterListing(tree, {}, [folder('a')]);
	expect(tree.folders.size).toBe(0);
	expect(tree.live).toEqual(['']);
});
