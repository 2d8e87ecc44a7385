/* Removing a tree that a container wrote (its upper layer): nothing in it
 * is followed, whatever the container left (symlinks, FIFOs, directories
 * without permissions). Shared by mocker and the cgroup watcher. */
#ifndef MOCKER_TREE_REMOVE_H
#define MOCKER_TREE_REMOVE_H

/* Removes dir/name, a whole tree if it is a directory. 0, or -1 with
 * errno (what could not be removed stays). */
int tree_remove(int dir, const char *name);
/* The same for an absolute path. */
int tree_remove_path(const char *path);

#endif
