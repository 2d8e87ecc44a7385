#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "defaults.h"
#include "log.h"
#include "nssetup.h"
#include "sys.h"

#define PROC_SUPER_MAGIC 0x9fa0

/* True when /proc is a procfs whose "self" is us as PID 1. */
static int
proc_is_ours(void)
{
	struct statfs sfs;
	char buf[16];
	ssize_t n;

	if (statfs(PROC_DIR, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
		return 0;
	n = readlink(PROC_DIR "/self", buf, sizeof buf - 1);
	return n == 1 && buf[0] == '1';
}

/*
 * In a chroot, "/" is not the root of a mount, so the propagation of the tree
 * cannot be changed through it (EINVAL). We are root in a mount namespace of
 * our own: step out of the chroot (chroot into a subdirectory, then walk ".."
 * from the old root, which is now above our root), change the whole tree,
 * and step back in through a descriptor of the old root. ".." of the real
 * root is itself, so walking more steps than a path can have is harmless.
 */
static int
slave_tree_from_chroot(void)
{
	int root, i, ret = -1;

	if ((root = sys_open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	if (chroot(PROC_DIR) < 0 || sys_fchdir(root) < 0)
		goto out;
	for (i = 0; i < 2048; i++) /* PATH_MAX / strlen("a/") */
		if (chdir("..") < 0)
			goto back;
	if (chroot(".") < 0)
		goto back;
	ret = mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL);
back:
	if (sys_fchdir(root) < 0 || chroot(".") < 0)
		die(EXIT_SETUP, "cannot %s: %m", "return into the root directory");
out:
	close(root);
	return ret;
}

int
nssetup_proc(const char **why)
{
	if (getpid() != 1 || proc_is_ours())
		return 0;

	*why = "make a mount namespace for /proc";
	if (unshare(CLONE_NEWNS) < 0)
		return -1;
	*why = "make the mount tree a slave";
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0 &&
	    (errno != EINVAL || slave_tree_from_chroot() < 0))
		return -1;
	*why = "mount /proc";
	if (mount("proc", PROC_DIR, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return -1;
	say_info("mounted " PROC_DIR);
	return 0;
}

int
nssetup_hostname(const char *name, const char **why)
{
	*why = "make a UTS namespace for the hostname";
	if (unshare(CLONE_NEWUTS) < 0)
		return -1;
	*why = "set the hostname";
	if (sethostname(name, strlen(name)) < 0)
		return -1;
	say_info("hostname set to %s", name);
	return 0;
}
