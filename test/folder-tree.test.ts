/**
 * How a run walks HeyGen's folder list to find folders by ID (folderTree.ts): level by level,
 * each parent once, the trash last; one walk where the list shows every level at once.
 */
import { afterListing, newFolderTree, nextListing } from '../nodes/HeyGen/helpers/folderTree';

const folder = (id: string, parent_id: string | null = null) => ({ id, name: id, parent_id });

it('starts at the top level, lists each folder found for its children, then the trash, then stops', () => {
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
	tree = afterListing(tree, { trash: true }, [{ ...folder('t'), is_trash: true }]);
	expect(nextListing(tree)).toBeUndefined();
	expect([...tree.folders.keys()]).toEqual(['a', 'b', 'a1', 't']);
});

it('a top-level listing that shows nested folders is the whole list: no parent is listed on its own', () => {
	const tree = afterListing(newFolderTree(), {}, [folder('a'), folder('a1', 'a')]);
	expect(tree.flat).toBe(true);
	expect(nextListing(tree)).toEqual({ trash: true });
});

it('a folder met twice is listed for its children once, and keeps what was first seen of it', () => {
	let tree = afterListing(newFolderTree(), {}, [folder('a')]);
	tree = afterListing(tree, { parentId: 'a' }, [folder('a1', 'a'), folder('a1', 'a')]);
	expect(tree.toList).toEqual(['a1']);
	tree = afterListing(tree, { parentId: 'a1' }, []);
	expect(nextListing(tree)).toEqual({ trash: true });
});

it('leaves the tree it was given as it was', () => {
	const tree = newFolderTree();
	afterListing(tree, {}, [folder('a')]);
	expect(tree.folders.size).toBe(0);
	expect(tree.toList).toEqual(['']);
});
