#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "userns.h"

static int
write_proc(pid_t pid, const char *file, const char *text)
{
	char dir[32];

	snprintf(dir, sizeof dir, "/proc/%d", (int)pid);
	return file_write(dir, file, text);
}

int
userns_map(pid_t pid, int rootless, uid_t uid, gid_t gid, uid_t base, uid_t size,
           const char **why)
{
	char map[64];

	if (rootless) {
		/* Unprivileged: only our own ids, and no setgroups (which could
		 * drop a group that denies access). */
		*why = "deny setgroups in the user namespace";
		if (write_proc(pid, "setgroups", "deny") < 0)
			return -1;
		snprintf(map, sizeof map, "0 %u 1\n", (unsigned)uid);
		*why = "write the uid map";
		if (write_proc(pid, "uid_map", map) < 0)
			return -1;
		snprintf(map, sizeof map, "0 %u 1\n", (unsigned)gid);
		*why = "write the gid map";
		return write_proc(pid, "gid_map", map);
	}
	snprintf(map, sizeof map, "0 %u %u\n", (unsigned)base, (unsigned)size);
	*why = "write the uid map";
	if (write_proc(pid, "uid_map", map) < 0)
		return -1;
	*why = "write the gid map";
	return write_proc(pid, "gid_map", map);
}
