/* Building a child's environment (spawn_env.c). */
#ifndef MOCKER_INIT_SPAWN_ENV_H
#define MOCKER_INIT_SPAWN_ENV_H

#include <stddef.h>
#include <sys/types.h>

#include "spawn.h"

#define ENV_EXTRA 128        /* variables a service's env/ may add */
#define ENV_POOL  (64 << 10) /* bytes for the values read from files */

struct env {
	char **v;        /* max + 1 slots */
	size_t n, max;
	char *pool;      /* where new entries are written */
	size_t used, size;
	int dirfd;       /* env/ being read */
};

/* Fills env->v (NULL-terminated); -1 with errno when a file cannot be
 * read or what it holds does not fit. */
int spawn_build_env(struct env *env, const struct spawn *sp, pid_t self);

#endif
