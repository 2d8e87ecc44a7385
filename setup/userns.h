/* User namespaces: rootless runs (the caller mapped to root inside,
 * setgroups denied) and, as root, --userns (container root mapped to an
 * unprivileged range, so that it is nobody on the host). */
#ifndef MOCKER_USERNS_H
#define MOCKER_USERNS_H

#include <sys/types.h>

/* Writes the uid and gid maps of pid's user namespace from the host side:
 * rootless, the caller's own ids (uid, gid) as root; else the range of
 * size ids from base. 0, or -1 with errno and *why. */
int userns_map(pid_t pid, int rootless, uid_t uid, gid_t gid, uid_t base, uid_t size,
               const char **why);

#endif
