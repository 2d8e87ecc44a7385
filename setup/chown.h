/* A volume's :U option: the host path, and everything below it on the same
 * filesystem, given to a user (as Podman's :U). Symbolic links are changed
 * themselves, never followed. */
#ifndef MOCKER_CHOWN_H
#define MOCKER_CHOWN_H

#include <sys/types.h>

/* 0, or -1 with errno (the first failure; the walk goes on). */
int chown_tree(const char *path, uid_t uid, gid_t gid);

#endif
