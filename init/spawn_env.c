/* The environment a payload or a service gets: the init's, without the
 * init's own settings, with what --env-from-files and a service's env/
 * change. Built in the child, on its stack: no heap. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "defaults.h"
#include "dirscan.h"
#include "log.h"
#include "num.h"
#include "spawn.h"
#include "spawn_env.h"
#include "sys.h"

extern char **environ;

int spawn_env_files;

static size_t
name_len(const char *entry)
{
	return (size_t)(strchrnul(entry, '=') - entry);
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

/* NAME_FILE=PATH: the length of NAME, or 0 when v is no such variable. */
static size_t
file_var(const char *v)
{
	size_t n = name_len(v);

	return n > 5 && memcmp(v + n - 5, "_FILE", 5) == 0 && v[n] ? n - 5 : 0;
}

/* Sets (or, with value NULL, removes) the variable of entry in env. */
static void
put(struct env *env, char *entry, int remove)
{
	size_t n = name_len(entry), i;

	for (i = 0; i < env->n; i++)
		if (name_len(env->v[i]) == n && memcmp(env->v[i], entry, n) == 0)
			break;
	if (remove) {
		if (i < env->n)
			env->v[i] = env->v[--env->n];
		return;
	}
	if (i == env->n && env->n < env->max)
		env->n++;
	if (i < env->max)
		env->v[i] = entry;
}

/*
 * NAME=<the contents of fd> into the pool, then into env. A file of env/
 * (s6-envdir's rules): its first line, trailing blanks trimmed, NULs as
 * newlines, and an empty file removes NAME. Else (NAME_FILE=PATH) all of
 * it, trailing newlines dropped as the shell's $(< PATH) does. -1 with
 * errno when it does not fit.
 */
static int
file_entry(struct env *env, const char *name, size_t n, int fd, int envdir)
{
	char *p = env->pool + env->used, *v = p + n + 1, *nl;
	/* 32 bytes spare for LISTEN_PID's rewrite */
	size_t room = env->size - env->used - 32, got = 0, i;
	ssize_t r;

	if (n + 2 > room)
		goto big;
	memcpy(p, name, n);
	p[n] = '=';
	while ((r = read(fd, v + got, room - n - 1 - got)) > 0)
		if ((got += (size_t)r) == room - n - 1)
			goto big;
	if (envdir && !got) {
		put(env, p, 1);
		return 0;
	}
	if (envdir && (nl = memchr(v, '\n', got)))
		got = (size_t)(nl - v);
	while (got && (envdir ? v[got - 1] == ' ' || v[got - 1] == '\t' : v[got - 1] == '\n'))
		got--;
	for (i = 0; envdir && i < got; i++)
		if (!v[i])
			v[i] = '\n';
	v[got] = 0;
	env->used += n + 2 + got;
	put(env, p, 0);
	return 0;
big:
	errno = E2BIG;
	return -1;
}

/* The child says which file it could not read: the parent does not know. */
static int
from_file(struct env *env, const char *v, size_t n)
{
	int fd = sys_open(v + n + 6, O_RDONLY | O_CLOEXEC | O_NONBLOCK), r = -1;

	if (fd >= 0) {
		r = file_entry(env, v, n, fd, 0);
		close(fd);
	}
	if (r < 0)
		say_error("--env-from-files: cannot read '%s': %m", v + n + 6);
	return r;
}

static int
envdir_file(const char *name, unsigned char type, void *ctx)
{
	struct env *env = ctx;
	int fd, r = -1;

	if (name[0] == '.' || strchr(name, '='))
		return 0;
	if ((fd = sys_openat(env->dirfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) >= 0) {
		r = file_entry(env, name, strlen(name), fd, 1);
		close(fd);
	}
	if (r < 0)
		say_error("env/%s: %m", name);
	return r;
}

int
spawn_build_env(struct env *env, const struct spawn *sp, pid_t self)
{
	char num[NUM_BUFSZ];
	const char *init_pid = fmt_ulong(num, (unsigned long)getppid());
	char **e;
	int r = 0;

	for (e = environ; *e; e++) {
		char *v = *e;
		size_t n;
		if (init_setting(v) || (sp->creds && env_is(v, "HOME")))
			continue;
		/* socket activation: the fds are meant for the payload now */
		if (env_is(v, "LISTEN_PID") && strcmp(v + 11, init_pid) == 0 && self) {
			v = env->pool + env->used;
			strcpy(v, "LISTEN_PID=");
			strcat(v, fmt_ulong(num, (unsigned long)self));
			env->used += strlen(v) + 1;
		}
		if (spawn_env_files && (n = file_var(v))) {
			if (from_file(env, v, n) < 0)
				return -1;
			continue;
		}
		/* as it is, duplicates too: only what we add replaces */
		env->v[env->n++] = v;
	}
	if (sp->notify && *sp->notify)
		put(env, (char *)sp->notify, !strchr(sp->notify, '='));
	if (sp->creds) {
		char *h = env->pool + env->used;
		if (strlen(sp->creds->home) + 6 < env->size - env->used) {
			strcpy(h, "HOME=");
			strcat(h, sp->creds->home);
			env->used += strlen(h) + 1;
			put(env, h, 0);
		}
	}
	if (sp->envdir) {
		if ((env->dirfd = sys_open(sp->envdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
			say_error("env/: %m");
			return -1;
		}
		r = dir_each(env->dirfd, envdir_file, env);
		close(env->dirfd);
	}
	env->v[env->n] = NULL;
	return r ? -1 : 0;
}
