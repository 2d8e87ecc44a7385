#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "defaults.h"
#include "log.h"
#include "num.h"
#include "spawn.h"
#include "spawn_env.h"
#include "sys.h"

extern char **environ;

ksigset spawn_mask;
ksigset spawn_ignored;

/*
 * Is stdin a terminal whose foreground is our process group? Under a plain
 * `unshare -p -f` both our group and the foreground group belong to the
 * parent PID namespace and read as 0 here: the same group, as far as we can
 * tell, and the usual case (a launcher in the foreground); tini and
 * catatonit take the terminal unconditionally.
 */
int
spawn_have_terminal(void)
{
	pid_t fg = tcgetpgrp(0);

	return fg >= 0 && fg == getpgrp();
}

void
spawn_reclaim_terminal(void)
{
	pid_t self = getpgrp();

	/* SIGTTOU is blocked, so a background tcsetpgrp does not stop us. An
	 * invisible group (0) cannot be named: the caller's shell takes the
	 * terminal back when we are done. */
	if (self > 0 && tcsetpgrp(0, self) < 0 && errno != ENOTTY)
		say_debug("cannot take back the terminal: %m");
}

/*
 * execvpe(3), kept small: musl's carries more than the init needs. Searches
 * PATH of the init's own environment, as execvp does; an empty or missing
 * PATH means the default one. Returns only on failure, with errno: EACCES if
 * some candidate was not executable, else the last error.
 */
static void
exec_search(char *const *argv, char *const *envp)
{
	const char *file = argv[0], *path = getenv("PATH"), *p, *z;
	size_t k = strlen(file);
	char buf[4096];
	int denied = 0;

	if (!*file) {
		errno = ENOENT;
		return;
	}
	if (strchr(file, '/')) {
		execve(file, argv, envp);
		return;
	}
	if (!path || !*path)
		path = DEFAULT_PATH;
	for (p = path;; p = z + 1) {
		size_t n;
		z = strchrnul(p, ':');
		n = (size_t)(z - p);
		if (n + k + 2 <= sizeof buf) {
			memcpy(buf, p, n);
			buf[n] = '/';
			memcpy(buf + n + (n > 0), file, k + 1);
			execve(buf, argv, envp);
			if (errno == EACCES)
				denied = 1;
			else if (errno != ENOENT && errno != ENOTDIR)
				return;
		}
		if (!*z)
			break;
	}
	if (denied)
		errno = EACCES;
}

/*
 * Runs in the child, between fork and exec: the environment of
 * spawn_build_env, the caller's signal mask and ignored signals. Returns
 * only if something failed.
 */
static void
exec_with_env(const struct spawn *sp, pid_t self, struct spawn_error *e)
{
	size_t n = 0;

	while (environ[n])
		n++;
	{
		char *v[n + ENV_EXTRA + 1], pool[ENV_POOL];
		struct env env = { .v = v, .max = n + ENV_EXTRA, .pool = pool, .size = sizeof pool };

		if (spawn_build_env(&env, sp, self) < 0) {
			e->stage = STAGE_ENV;
			e->err = errno;
			return;
		}
		sig_ignore_set(spawn_ignored);
		sig_setmask(&spawn_mask);
		exec_search(sp->argv, v);
		e->stage = STAGE_EXEC;
		e->err = errno;
	}
}

static void
prepare_child(const struct spawn *sp, struct spawn_error *e)
{
	int k;

	/* the sources are close-on-exec (and above FD_OWN), their copies not */
	for (k = 0; k < SPAWN_FDS; k++)
		if (sp->fd_to[k] && dup2(sp->fd_from[k], sp->fd_to[k]) < 0) {
			e->stage = STAGE_FORK;
			e->err = errno;
			return;
		}
	if (sp->cwd && chdir(sp->cwd) < 0) {
		e->stage = STAGE_CHDIR;
		e->err = errno;
		return;
	}
	if (sp->creds && creds_apply(sp->creds) < 0) {
		e->stage = STAGE_CREDS;
		e->err = errno;
	}
}

int
fd_own(int fd)
{
	int high = fd < 0 ? -1 : (int)syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, FD_OWN);

	if (high < 0)
		return fd;
	close(fd);
	return high;
}

pid_t
spawn(const struct spawn *sp, struct spawn_error *e)
{
	struct pollfd p;
	siginfo_t si;
	int pipefd[2];
	pid_t pid;
	ssize_t n;

	e->stage = STAGE_NONE;
	if (sys_pipe2(pipefd, O_CLOEXEC) < 0) {
		e->stage = STAGE_FORK;
		e->err = errno;
		return -1;
	}
	/* a service's notification fd cannot replace the write end then */
	pipefd[1] = fd_own(pipefd[1]);
	pid = sys_fork();
	if (pid < 0) {
		e->stage = STAGE_FORK;
		e->err = errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	if (pid == 0) {
		pid_t self = getpid();
		close(pipefd[0]);
		/* Its own group, so that a terminal's ^C reaches the payload
		 * and not the init, and -g can signal the whole group. */
		setpgid(0, 0);
		if (sp->terminal)
			tcsetpgrp(0, self);
		prepare_child(sp, e);
		if (e->stage == STAGE_NONE)
			exec_with_env(sp, self, e);
		write_all(pipefd[1], (const char *)e, sizeof *e);
		_exit(EXIT_NOTFOUND);
	}
	close(pipefd[1]);
	setpgid(pid, pid); /* the child may have exec'd already: EACCES is fine */
	/* Once it runs as a service's user, a process of that user could stop
	 * it before its exec, and PID 1 with it: a child found stopped is
	 * killed (its end is then reaped as any other). A slow one is waited
	 * for. */
	p.fd = pipefd[0];
	p.events = POLLIN;
	while (poll(&p, 1, SPAWN_WAIT_MS) <= 0)
		if (waitid(P_PID, (id_t)pid, &si, WSTOPPED | WNOHANG | WNOWAIT) == 0 && si.si_pid)
			kill(pid, SIGKILL);
	n = read(pipefd[0], e, sizeof *e);
	close(pipefd[0]);
	if (n != (ssize_t)sizeof *e)
		return pid; /* EOF: exec succeeded, or it was killed */
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (sp->terminal)
		spawn_reclaim_terminal();
	return -1;
}

void
spawn_exec(const struct spawn *sp, struct spawn_error *e)
{
	e->stage = STAGE_NONE;
	prepare_child(sp, e);
	if (e->stage == STAGE_NONE)
		exec_with_env(sp, 0, e); /* pid is kept: LISTEN_PID stays right */
}

int
spawn_report(const char *cmd, const struct spawn_error *e)
{
	errno = e->err;
	if (e->stage == STAGE_ENV) /* the child said why */
		return EXIT_SETUP;
	if (e->stage < STAGE_EXEC) {
		say_error("cannot start '%s': %s%m", cmd, e->stage == STAGE_CHDIR ? "chdir: " :
		          e->stage == STAGE_CREDS ? "setuid: " : "");
		return EXIT_SETUP;
	}
	if (e->err == ENOENT || e->err == ENOTDIR) {
		say_error("%s: command not found", cmd);
		return EXIT_NOTFOUND;
	}
	say_error("%s: cannot execute: %m", cmd);
	return EXIT_NOEXEC;
}
