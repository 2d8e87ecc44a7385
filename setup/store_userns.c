/* A rootless container's upper layer holds files of the subordinate ids
 * its user namespace maps (a service's own user): the caller cannot remove
 * those from outside. They are removed from a user namespace mapped the
 * same way, as `podman unshare rm` would. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store.h"
#include "tree_remove.h"
#include "userns.h"

int
store_remove_mapped(const char *path)
{
	struct idmaps m;
	const char *why;
	int go[2], status = 1;
	char c = 0;
	pid_t pid;

	userns_plan(&m, 1, 0, 0, 0);
	if (!m.ranges || pipe2(go, O_CLOEXEC) < 0) {
		errno = EPERM;
		return -1;
	}
	if ((pid = fork()) < 0) {
		close(go[0]);
		close(go[1]);
		return -1;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(go[1]);
		if (unshare(CLONE_NEWUSER) < 0)
			_exit(1);
		/* mapped by our parent, then told to go: root over those ids */
		if (read(go[0], &c, 1) != 1 || c != 'g')
			_exit(1);
		_exit(tree_remove_path(path) == 0 ? 0 : 1);
	}
	close(go[0]);
	/* the child's namespace exists once /proc says it is not ours */
	{
		char self[64], child[64], a[64], b[64];
		int tries = 1000;
		snprintf(self, sizeof self, "/proc/self/ns/user");
		snprintf(child, sizeof child, "/proc/%d/ns/user", (int)pid);
		while (tries-- > 0) {
			ssize_t x = readlink(self, a, sizeof a - 1), y = readlink(child, b, sizeof b - 1);
			if (x > 0 && y > 0 && (x != y || memcmp(a, b, (size_t)x) != 0))
				break;
			usleep(1000);
		}
	}
	if (userns_map(&m, pid, 1, &why) == 0 && write(go[1], "g", 1) == 1)
		c = 'g';
	close(go[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (c != 'g' || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		errno = EPERM;
		return -1;
	}
	return 0;
}
