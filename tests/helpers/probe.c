/*
 * probe TEST...: tries what a compromised container would, and says for
 * each TEST "TEST denied ERRNO" or "TEST allowed". Exit status: the number
 * of tests allowed. Tests:
 *   euid          prints the effective uid (install it setuid root)
 *   tiocsti       push a character into the terminal on stdin
 *   keyctl        add a key to the process keyring
 *   unshare-user  unshare(CLONE_NEWUSER); unshare-net likewise
 *   clone-ns      clone with CLONE_NEWNS; clone3 (expects ENOSYS)
 *   setns         setns on our own mount namespace
 *   mount         mount a tmpfs on /mnt
 *   mknod-b       a block device node; mknod-mem: /dev/mem (char 1:1)
 *   mknod-null    a null device node (allowed); mkfifo (allowed)
 *   bpf, perf, userfaultfd, open-by-handle, settime, kexec, module
 *   io-uring      io_uring_setup
 *   vsock         socket(AF_VSOCK); vsock-hi: the same with junk in the
 *                 upper half of the family (the kernel reads an int)
 *   tiocsti-hi    TIOCSTI with junk in the upper half of the request
 *   open-tree-attr  open_tree_attr (Linux 6.15, number 467) of /
 *   newer         system call 500, newer than any filter knows (ENOSYS)
 *   fchmodat2     fchmodat2 of /tmp (452: allowed, newer than libseccomp)
 *   i386          getpid through int 0x80, the i386 ABI (x86_64 only);
 *                 "i386 absent" on a kernel without that ABI
 *   x32           getpid through the x32 ABI (x86_64 only)
 *   keyring=ID    read key ID (a number), as its possessor could
 *   inet          socket(AF_INET) (allowed)
 *   raw           socket(AF_INET, SOCK_RAW): CAP_NET_RAW
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static sigjmp_buf fault;

static void
no_abi(int sig)
{
	siglongjmp(fault, 1);
}

static const char *
errname(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ENOSYS: return "ENOSYS";
	case EINVAL: return "EINVAL";
	case EFAULT: return "EFAULT";
	case EBADF: return "EBADF";
	case ENOTTY: return "ENOTTY";
	case EEXIST: return "EEXIST";
	case ENOENT: return "ENOENT";
	default: return "other";
	}
}

static long
try(const char *t)
{
	char c = '\n';

	if (!strcmp(t, "tiocsti")) return ioctl(0, TIOCSTI, &c);
	if (!strcmp(t, "keyctl")) return syscall(SYS_add_key, "user", "probe", "v", 1, -2);
	if (!strcmp(t, "unshare-user")) return unshare(CLONE_NEWUSER);
	if (!strcmp(t, "unshare-net")) return unshare(CLONE_NEWNET);
	if (!strcmp(t, "clone-ns")) {
		long pid = syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0);
		if (pid == 0)
			_exit(0);
		if (pid > 0)
			waitpid((pid_t)pid, NULL, 0);
		return pid < 0 ? -1 : 0;
	}
	if (!strcmp(t, "clone3")) {
		struct clone_args a = { .flags = CLONE_NEWNS, .exit_signal = SIGCHLD };
		long pid = syscall(SYS_clone3, &a, sizeof a);
		if (pid == 0)
			_exit(0);
		if (pid > 0)
			waitpid((pid_t)pid, NULL, 0);
		return pid < 0 ? -1 : 0;
	}
	if (!strcmp(t, "setns")) {
		int fd = open("/proc/self/ns/mnt", O_RDONLY);
		long r = fd < 0 ? -1 : syscall(SYS_setns, fd, 0);
		return r;
	}
	if (!strcmp(t, "mount")) return mount("none", "/mnt", "tmpfs", 0, NULL);
	if (!strcmp(t, "mknod-b")) return mknod("/dev/probe-b", S_IFBLK | 0600, makedev(8, 0));
	if (!strcmp(t, "mknod-mem")) return mknod("/dev/probe-mem", S_IFCHR | 0600, makedev(1, 1));
	if (!strcmp(t, "mknod-null")) return mknod("/tmp/probe-null", S_IFCHR | 0666, makedev(1, 3));
	if (!strcmp(t, "mkfifo")) return mkfifo("/tmp/probe-fifo", 0600);
	if (!strcmp(t, "bpf")) return syscall(SYS_bpf, 0, NULL, 0);
	if (!strcmp(t, "perf")) return syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0);
	if (!strcmp(t, "userfaultfd")) return syscall(SYS_userfaultfd, 0);
	if (!strcmp(t, "open-by-handle")) return syscall(SYS_open_by_handle_at, -1, NULL, 0);
	if (!strcmp(t, "settime")) {
		struct timeval tv;
		gettimeofday(&tv, NULL);
		return settimeofday(&tv, NULL);
	}
	if (!strcmp(t, "kexec")) return syscall(SYS_kexec_load, 0, 0, NULL, 0);
	if (!strcmp(t, "module")) return syscall(SYS_init_module, NULL, 0, "");
	if (!strcmp(t, "io-uring")) return syscall(425 /* io_uring_setup */, 1, NULL);
	if (!strcmp(t, "vsock")) return syscall(SYS_socket, 40 /* AF_VSOCK */, SOCK_STREAM, 0);
	if (!strcmp(t, "vsock-hi"))
		return syscall(SYS_socket, 0x100000000L | 40, SOCK_STREAM, 0);
	if (!strcmp(t, "inet")) return syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	if (!strcmp(t, "raw")) return syscall(SYS_socket, AF_INET, SOCK_RAW, 1 /* ICMP */);
	if (!strcmp(t, "tiocsti-hi")) return syscall(SYS_ioctl, 0, 0x100000000L | TIOCSTI, &c);
	if (!strcmp(t, "open-tree-attr")) return syscall(467, AT_FDCWD, "/", 1 /* CLONE */, NULL, 0);
	if (!strcmp(t, "newer")) return syscall(500, 0, 0, 0);
	if (!strncmp(t, "keyring=", 8)) {
		char buf[256];
		return syscall(SYS_keyctl, 11 /* KEYCTL_READ */, atol(t + 8), buf, sizeof buf);
	}
	if (!strcmp(t, "fchmodat2")) return syscall(452, AT_FDCWD, "/tmp", 01777, 0);
#if defined(__x86_64__)
	if (!strcmp(t, "i386")) {
		long r;
		/* a kernel without the i386 ABI (ia32_emulation off) faults */
		signal(SIGSEGV, no_abi);
		if (sigsetjmp(fault, 1))
			return -3;
		__asm__ volatile ("int $0x80" : "=a"(r) : "a"(20 /* i386 getpid */) : "memory");
		signal(SIGSEGV, SIG_DFL);
		if (r < 0) {
			errno = (int)-r;
			return -1;
		}
		return 0;
	}
	if (!strcmp(t, "x32")) return syscall(0x40000000 | 39 /* getpid */);
#endif
	errno = ENOSYS;
	fprintf(stderr, "probe: unknown test %s\n", t);
	return -2;
}

int
main(int argc, char **argv)
{
	int i, allowed = 0;

	for (i = 1; i < argc; i++) {
		long r;
		if (!strcmp(argv[i], "euid")) {
			printf("euid %d\n", (int)geteuid());
			continue;
		}
		errno = 0;
		r = try(argv[i]);
		if (r == -3) {
			printf("%s absent\n", argv[i]); /* nothing to deny */
		} else if (r >= 0) {
			printf("%s allowed\n", argv[i]);
			allowed++;
		} else {
			printf("%s denied %s\n", argv[i], errname(errno));
		}
	}
	return allowed;
}
