/* User namespaces: rootless runs (the caller mapped to root inside,
 * setgroups denied) and, as root, --userns (container root mapped to an
 * unprivileged range, so that it is nobody on the host). */
#ifndef MOCKER_USERNS_H
#define MOCKER_USERNS_H

#include <sys/types.h>

#include "container.h"

/* Writes the child's uid and gid maps from the host side. */
int userns_map(const struct container *ct, pid_t pid, const char **why);

#endif
