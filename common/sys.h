/*
 * Thin system call wrappers for calls whose libc versions drag in more than
 * they do here: musl's setuid and friends synchronise every thread
 * (__synccall, semaphores, a signal handler), its faccessat carries a
 * fork-based fallback, getcwd may allocate, clock_gettime parses the vDSO.
 * The init has one thread and calls these rarely. Each returns -1 and sets
 * errno on failure, as libc does.
 */
#ifndef MOCKER_COMMON_SYS_H
#define MOCKER_COMMON_SYS_H

#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

static inline int
sys_setgroups(size_t n, const gid_t *groups)
{
	return (int)syscall(SYS_setgroups, n, groups);
}

static inline int
sys_setresgid(gid_t gid)
{
	return (int)syscall(SYS_setresgid, gid, gid, gid);
}

static inline int
sys_setresuid(uid_t uid)
{
	return (int)syscall(SYS_setresuid, uid, uid, uid);
}

/* musl's prctl is variadic: its five arguments are read in any case */
static inline int
sys_prctl(int op, unsigned long arg)
{
	return (int)syscall(SYS_prctl, op, arg, 0, 0, 0);
}

static inline int
sys_faccessat(int dirfd, const char *path, int mode)
{
	return (int)syscall(SYS_faccessat, dirfd, path, mode);
}

/* fork(2) without libc's bookkeeping for threads and atfork handlers (two
 * kilobytes of locks in a static musl binary). The child only execs. */
static inline pid_t
sys_fork(void)
{
	return (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
}

/* Without musl's fallbacks for kernels older than the ones we support
 * (pipe2 before 2.6.27, fchdir of an O_PATH descriptor before 3.5). */
static inline int
sys_pipe2(int fd[2], int flags)
{
	return (int)syscall(SYS_pipe2, fd, flags);
}

static inline int
sys_fchdir(int fd)
{
	return (int)syscall(SYS_fchdir, fd);
}

static inline int
sys_openat(int dirfd, const char *path, int flags)
{
	return (int)syscall(SYS_openat, dirfd, path, flags, 0);
}

static inline int
sys_open(const char *path, int flags)
{
	return (int)syscall(SYS_openat, -100 /* AT_FDCWD */, path, flags, 0);
}

static inline int
sys_fstat(int fd, struct stat *st)
{
	return (int)syscall(SYS_fstat, fd, st);
}

/* The length written, including the NUL, or -1. */
static inline long
sys_getcwd(char *buf, size_t size)
{
	return syscall(SYS_getcwd, buf, size);
}

/* Sockets without musl's fallbacks for kernels before SOCK_CLOEXEC. */
static inline int
sys_socket(int domain, int type)
{
	return (int)syscall(SYS_socket, domain, type, 0);
}

static inline int
sys_accept4(int fd, int flags)
{
	return (int)syscall(SYS_accept4, fd, 0, 0, flags);
}

#endif
