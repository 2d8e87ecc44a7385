#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "defaults.h"
#include "log.h"
#include "num.h"
#include "spawn.h"
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

static int
env_is(const char *entry, const char *name)
{
	size_t n = strlen(name);

	return strncmp(entry, name, n) == 0 && entry[n] == '=';
}

/* A variable the init takes as a setting (its grace period, its
 * verbosity): the init's, not the payload's. */
static int
init_setting(const char *v)
{
	return strncmp(v, ENV_PREFIX, sizeof ENV_PREFIX - 1) == 0 || env_is(v, "TINI_SUBREAPER") ||
	       env_is(v, "TINI_VERBOSITY") || env_is(v, "TINI_KILL_PROCESS_GROUP");
}

/*
 * Runs in the child, between fork and exec: the environment as the caller
 * gave it, except LISTEN_PID when it named the init (socket activation: the
 * fds are meant for the payload now), HOME when switching users, and the
 * init's own settings (MOCKER_INIT_*, tini's TINI_SUBREAPER, TINI_VERBOSITY,
 * TINI_KILL_PROCESS_GROUP). Returns only if exec failed.
 */
static void
exec_with_env(const struct spawn *sp, pid_t self, struct spawn_error *e)
{
	size_t n = 0, i, j = 0;
	char listen_pid[sizeof "LISTEN_PID=" + NUM_BUFSZ];
	char home[sizeof "HOME=" + 4096];
	char num[NUM_BUFSZ];
	const char *init_pid = fmt_ulong(num, (unsigned long)getppid());

	while (environ[n])
		n++;
	{
		char *envp[n + 2];

		for (i = 0; i < n; i++) {
			char *v = environ[i];
			if (env_is(v, "LISTEN_PID") && strcmp(v + 11, init_pid) == 0 && self) {
				strcpy(listen_pid, "LISTEN_PID=");
				strcpy(listen_pid + 11, fmt_ulong(num, (unsigned long)self));
				v = listen_pid;
			}
			if (sp->creds && env_is(v, "HOME"))
				continue;
			if (init_setting(v))
				continue;
			envp[j++] = v;
		}
		if (sp->creds &&
		    strlen(sp->creds->home) < sizeof home - 5) {
			strcpy(home, "HOME=");
			strcpy(home + 5, sp->creds->home);
			envp[j++] = home;
		}
		envp[j] = NULL;
		sig_ignore_set(spawn_ignored);
		sig_setmask(&spawn_mask);
		exec_search(sp->argv, envp);
		e->stage = STAGE_EXEC;
		e->err = errno;
	}
}

static void
prepare_child(const struct spawn *sp, struct spawn_error *e)
{
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

pid_t
spawn(const struct spawn *sp, struct spawn_error *e)
{
	int pipefd[2];
	pid_t pid;
	ssize_t n;

	e->stage = STAGE_NONE;
	if (sys_pipe2(pipefd, O_CLOEXEC) < 0) {
		e->stage = STAGE_FORK;
		e->err = errno;
		return -1;
	}
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
	do
		n = read(pipefd[0], e, sizeof *e);
	while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	if (n != (ssize_t)sizeof *e)
		return pid; /* EOF: exec succeeded */
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
	switch (e->stage) {
	case STAGE_FORK:
		say_error("cannot start '%s': %m", cmd);
		return EXIT_SETUP;
	case STAGE_CHDIR:
		say_error("cannot start '%s': cannot change directory: %m", cmd);
		return EXIT_SETUP;
	case STAGE_CREDS:
		say_error("cannot start '%s': cannot switch user: %m", cmd);
		return EXIT_SETUP;
	default:
		if (e->err == ENOENT || e->err == ENOTDIR) {
			say_error("%s: command not found", cmd);
			return EXIT_NOTFOUND;
		}
		say_error("%s: cannot execute: %m", cmd);
		return EXIT_NOEXEC;
	}
}
