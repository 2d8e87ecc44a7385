/*
 * What a container may call. Anything not allowed here fails with EPERM;
 * a system call newer than this table fails with ENOSYS, so that a libc
 * falls back to an older one (glibc's fchmodat2 → fchmodat); clone3 gets
 * ENOSYS too (its flags are in memory a filter cannot read), and libc uses
 * clone, whose flags it can. Only the native ABI passes (no x32 or i386 on
 * x86_64). Arguments are compared on the bits the kernel reads: an int or
 * an unsigned int argument with junk in its upper half is the same call to
 * the kernel, and must be the same to the filter.
 *
 * Names are resolved by libseccomp; system calls newer than Debian 12's
 * libseccomp (2.5.4) are given by number, as the kernel numbers them on
 * both x86_64 and arm64 (the shared table from 425 on).
 */
#include <errno.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "seccomp_policy.h"

/* Allowed for everyone, whatever the arguments. */
static const char *const allowed[] = {
	"accept", "accept4", "access", "alarm", "arch_prctl", "bind", "brk",
	"cacheflush", "capget", "capset", "chdir", "chmod", "chown", "clock_getres",
	"clock_gettime", "clock_nanosleep", "close", "close_range", "connect",
	"copy_file_range", "creat", "dup", "dup2", "dup3", "epoll_create",
	"epoll_create1", "epoll_ctl", "epoll_pwait", "epoll_pwait2", "epoll_wait",
	"eventfd", "eventfd2", "execve", "execveat", "exit", "exit_group",
	"faccessat", "faccessat2", "fadvise64", "fallocate", "fanotify_mark",
	"fchdir", "fchmod", "fchmodat", "fchown", "fchownat", "fcntl", "fdatasync",
	"fgetxattr", "flistxattr", "flock", "fork", "fremovexattr", "fsetxattr",
	"fstat", "fstatfs", "fsync", "ftruncate", "futex", "futex_waitv",
	"futimesat", "getcpu", "getcwd", "getdents", "getdents64", "getegid",
	"geteuid", "getgid", "getgroups", "getitimer", "getpeername", "getpgid",
	"getpgrp", "getpid", "getppid", "getpriority", "getrandom", "getresgid",
	"getresuid", "getrlimit", "get_robust_list", "getrusage", "getsid",
	"getsockname", "getsockopt", "get_thread_area", "gettid", "gettimeofday",
	"getuid", "getxattr", "inotify_add_watch", "inotify_init", "inotify_init1",
	"inotify_rm_watch", "io_cancel", "io_destroy", "io_getevents",
	"io_pgetevents", "ioprio_get", "ioprio_set", "io_setup", "io_submit",
	"kill", "landlock_add_rule", "landlock_create_ruleset",
	"landlock_restrict_self", "lchown", "lgetxattr", "link", "linkat",
	"listen", "listxattr", "llistxattr", "lremovexattr", "lseek", "lsetxattr",
	"lstat", "madvise", "membarrier", "memfd_create", "memfd_secret",
	"mincore", "mkdir", "mkdirat", "mlock", "mlock2", "mlockall", "mmap",
	"mprotect", "mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive",
	"mq_timedsend", "mq_unlink", "mremap", "msgctl", "msgget", "msgrcv",
	"msgsnd", "msync", "munlock", "munlockall", "munmap", "nanosleep",
	"newfstatat", "open", "openat", "openat2", "pause", "pidfd_open",
	"pidfd_send_signal", "pipe", "pipe2", "pkey_alloc", "pkey_free",
	"pkey_mprotect", "poll", "ppoll", "prctl", "pread64", "preadv", "preadv2",
	"prlimit64", "process_mrelease", "pselect6", "pwrite64", "pwritev",
	"pwritev2", "read", "readahead", "readlink", "readlinkat", "readv",
	"recvfrom", "recvmmsg", "recvmsg", "remap_file_pages", "removexattr",
	"rename", "renameat", "renameat2", "restart_syscall", "rmdir", "rseq",
	"rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo",
	"rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait", "rt_tgsigqueueinfo",
	"sched_getaffinity", "sched_getattr", "sched_getparam",
	"sched_get_priority_max", "sched_get_priority_min", "sched_getscheduler",
	"sched_rr_get_interval", "sched_setaffinity", "sched_setattr",
	"sched_setparam", "sched_setscheduler", "sched_yield", "seccomp",
	"select", "semctl", "semget", "semop", "semtimedop", "sendfile",
	"sendmmsg", "sendmsg", "sendto", "setfsgid", "setfsuid", "setgid",
	"setgroups", "setitimer", "setpgid", "setpriority", "setregid",
	"setresgid", "setresuid", "setreuid", "setrlimit", "set_robust_list",
	"setsid", "setsockopt", "set_thread_area", "set_tid_address", "setuid",
	"setxattr", "shmat", "shmctl", "shmdt", "shmget", "shutdown",
	"sigaltstack", "signalfd", "signalfd4", "socketpair", "splice", "stat",
	"statfs", "statx", "symlink", "symlinkat", "sync", "sync_file_range",
	"syncfs", "sysinfo", "tee", "tgkill", "time", "timer_create",
	"timer_delete", "timer_getoverrun", "timer_gettime", "timer_settime",
	"timerfd_create", "timerfd_gettime", "timerfd_settime", "times", "tkill",
	"truncate", "umask", "uname", "unlink", "unlinkat", "utime", "utimensat",
	"utimes", "vfork", "vmsplice", "wait4", "waitid", "write", "writev",
	/* arm64's own */
	"set_tls", "sync_file_range2",
};

/* Newer than libseccomp 2.5.4 knows: allowed by number. */
static const int allowed_new[] = {
	452, /* fchmodat2 */
	453, /* map_shadow_stack */
	454, 455, 456, /* futex_wake, futex_wait, futex_requeue */
	462, /* mseal */
	463, 464, 465, 466, /* setxattrat, getxattrat, listxattrat, removexattrat */
	468, 469, /* file_getattr, file_setattr */
};
/* The newest system call this table knows of: above it, ENOSYS. */
#define NEWEST_KNOWN 469
#define NR_OPEN_TREE_ATTR 467 /* needs CAP_SYS_ADMIN, as open_tree */

/* Allowed with a capability, as Docker's profile does. */
static const struct {
	int cap;
	const char *names[24];
} with_cap[] = {
	{ CAP_SYS_ADMIN, { "bpf", "clone", "clone3", "fanotify_init", "fsconfig",
	                   "fsmount", "fsopen", "fspick", "lookup_dcookie", "mount",
	                   "mount_setattr", "move_mount", "open_tree", "perf_event_open",
	                   "quotactl", "quotactl_fd", "setdomainname", "sethostname",
	                   "setns", "syslog", "umount2", "unshare", NULL } },
	{ CAP_DAC_READ_SEARCH, { "open_by_handle_at", NULL } },
	{ CAP_SYS_BOOT, { "reboot", NULL } },
	{ CAP_SYS_CHROOT, { "chroot", NULL } },
	{ CAP_SYS_MODULE, { "delete_module", "init_module", "finit_module", NULL } },
	{ CAP_SYS_PACCT, { "acct", NULL } },
	{ CAP_SYS_PTRACE, { "kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv",
	                    "process_vm_writev", "ptrace", NULL } },
	{ CAP_SYS_RAWIO, { "iopl", "ioperm", NULL } },
	{ CAP_SYS_TIME, { "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", NULL } },
	{ CAP_SYS_TTY_CONFIG, { "vhangup", NULL } },
	{ CAP_SYS_NICE, { "get_mempolicy", "mbind", "set_mempolicy",
	                  "set_mempolicy_home_node", NULL } },
	{ CAP_SYSLOG, { "syslog", NULL } },
	{ CAP_BPF, { "bpf", NULL } },
	{ CAP_PERFMON, { "perf_event_open", NULL } },
};

#define B(c) (1ULL << (c))
#define NS_FLAGS (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | \
                  CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP | 0x00000080 /* NEWTIME */)
#define LOW32 0xffffffffULL

/* Device numbers mknod may make (CAP_MKNOD is in the default set, for
 * images that make their own /dev): the harmless character devices, as the
 * kernel reads a dev_t from user space (32 bits: major << 8 | minor). */
static const unsigned harmless_devices[] = {
	0x103 /* null */, 0x105 /* zero */, 0x107 /* full */, 0x108 /* random */,
	0x109 /* urandom */, 0x500 /* tty */, 0x502 /* ptmx */,
};

uint64_t
seccomp_policy_caps_mask(void)
{
	uint64_t m = 0;
	size_t i;

	for (i = 0; i < sizeof with_cap / sizeof with_cap[0]; i++)
		m |= B(with_cap[i].cap);
	return m;
}

static int
allow_name(scmp_filter_ctx ctx, const char *name)
{
	int nr = seccomp_syscall_resolve_name(name);

	/* not a system call of this architecture (chown32 on x86_64) */
	if (nr == __NR_SCMP_ERROR || nr < 0)
		return 0;
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
}

/*
 * Allows nr when the 32-bit argument arg (its upper half zero, the kernel
 * reading only the lower) lies in [lo, hi]: the range cut into aligned
 * blocks, each one masked comparison (libseccomp takes one comparison per
 * argument and rule).
 */
static int
allow_arg_range(scmp_filter_ctx ctx, int nr, unsigned arg, uint32_t lo, uint32_t hi)
{
	uint64_t at = lo;

	while (at <= hi) {
		uint64_t size = 1;
		while ((at & (size * 2 - 1)) == 0 && at + size * 2 - 1 <= hi && size < (1ULL << 32))
			size *= 2;
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
		                     SCMP_CMP(arg, SCMP_CMP_MASKED_EQ, ~(size - 1), at)) < 0)
			return -1;
		at += size;
	}
	return 0;
}

/* ioctl, but for typing into a terminal (TIOCSTI) and console tricks. */
static int
rules_ioctl(scmp_filter_ctx ctx)
{
	int nr = SCMP_SYS(ioctl);

	if (TIOCSTI >= TIOCLINUX)
		return -1;
	return allow_arg_range(ctx, nr, 1, 0, TIOCSTI - 1) < 0 ||
	       allow_arg_range(ctx, nr, 1, TIOCSTI + 1, TIOCLINUX - 1) < 0 ||
	       allow_arg_range(ctx, nr, 1, TIOCLINUX + 1, 0xffffffffU) < 0 ? -1 : 0;
}

/* socket, but AF_VSOCK: vsock is not network-namespaced (the host's and
 * the hypervisor's services would be within reach). */
static int
rules_socket(scmp_filter_ctx ctx)
{
	int nr = SCMP_SYS(socket);

	return allow_arg_range(ctx, nr, 0, 0, AF_VSOCK - 1) < 0 ||
	       allow_arg_range(ctx, nr, 0, AF_VSOCK + 1, AF_MAX - 1) < 0 ? -1 : 0;
}

/* mknod(at): files, FIFOs, sockets, and the harmless character devices;
 * no block device and no other character device (there is no device
 * cgroup to stop their use). mode is 16 bits to the kernel, dev 32. */
static int
rules_mknod(scmp_filter_ctx ctx, const char *name, unsigned mode, unsigned dev)
{
	static const unsigned types[] = { 0, S_IFREG, S_IFIFO, S_IFSOCK };
	int nr = seccomp_syscall_resolve_name(name);
	size_t i;

	if (nr == __NR_SCMP_ERROR || nr < 0)
		return 0;
	for (i = 0; i < sizeof types / sizeof types[0]; i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
		                     SCMP_CMP(mode, SCMP_CMP_MASKED_EQ, S_IFMT, types[i])) < 0)
			return -1;
	for (i = 0; i < sizeof harmless_devices / sizeof harmless_devices[0]; i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 2,
		                     SCMP_CMP(mode, SCMP_CMP_MASKED_EQ, S_IFMT, S_IFCHR),
		                     SCMP_CMP(dev, SCMP_CMP_MASKED_EQ, LOW32, harmless_devices[i])) < 0)
			return -1;
	return 0;
}

/* personality: the values Docker allows (Linux, and with the 32-bit
 * address or UNAME26 flags; 0xffffffff only queries). */
static int
rules_personality(scmp_filter_ctx ctx)
{
	static const uint32_t ok[] = { 0x0, 0x8, 0x20000, 0x20008, 0xffffffff };
	size_t i;

	for (i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(personality), 1,
		                     SCMP_A0(SCMP_CMP_MASKED_EQ, LOW32, ok[i])) < 0)
			return -1;
	return 0;
}

static int
rules_for_caps(scmp_filter_ctx ctx, uint64_t caps)
{
	size_t i, j;
	int nr;

	for (i = 0; i < sizeof with_cap / sizeof with_cap[0]; i++) {
		if (!(caps & B(with_cap[i].cap)))
			continue;
		for (j = 0; with_cap[i].names[j]; j++)
			if (allow_name(ctx, with_cap[i].names[j]) < 0)
				return -1;
		if (with_cap[i].cap == CAP_SYS_ADMIN &&
		    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, NR_OPEN_TREE_ATTR, 0) < 0)
			return -1;
	}
	if (caps & B(CAP_SYS_ADMIN))
		return 0;
	/* clone without new namespaces; clone3: ENOSYS, libc falls back */
	nr = SCMP_SYS(clone);
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
	                     SCMP_A0(SCMP_CMP_MASKED_EQ, NS_FLAGS, 0)) < 0)
		return -1;
	return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
}

scmp_filter_ctx
seccomp_policy_new(uint64_t caps)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	size_t i;
	int nr, err = EINVAL;

	if (!ctx)
		return NULL;
	/* Another ABI of this machine (x32, i386 on x86_64): refused. The
	 * filter does not carry the no_new_privs bit: the plan sets it. */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(EPERM)) < 0 ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) < 0 ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0)
		goto fail;
	for (i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
		if (allow_name(ctx, allowed[i]) < 0)
			goto fail;
	for (i = 0; i < sizeof allowed_new / sizeof allowed_new[0]; i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed_new[i], 0) < 0)
			goto fail;
	if (rules_ioctl(ctx) < 0 || rules_socket(ctx) < 0 || rules_personality(ctx) < 0 ||
	    rules_mknod(ctx, "mknod", 1, 2) < 0 || rules_mknod(ctx, "mknodat", 2, 3) < 0 ||
	    rules_for_caps(ctx, caps) < 0)
		goto fail;
	/* Newer than this table: ENOSYS, as if the kernel had none. */
	for (nr = NEWEST_KNOWN + 1; nr < 1024; nr++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0) < 0)
			goto fail;
	return ctx;
fail:
	seccomp_release(ctx);
	errno = err;
	return NULL;
}
