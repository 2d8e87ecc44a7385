#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "file.h"
#include "idmap.h"

int
idmap_tree(const char *path, pid_t pid)
{
	char ns[64];
	struct mount_attr a = { .attr_set = MOUNT_ATTR_IDMAP | MOUNT_ATTR_NODEV };
	int userns, tree;

	snprintf(ns, sizeof ns, "/proc/%d/ns/user", (int)pid);
	if ((userns = open(ns, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	a.userns_fd = (unsigned long long)userns;
	tree = (int)syscall(SYS_open_tree, AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree >= 0 && syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &a, sizeof a) < 0) {
		close_keep_errno(tree);
		tree = -1;
	}
	close_keep_errno(userns);
	return tree;
}
