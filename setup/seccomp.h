/* The default seccomp filter: EPERM for what Docker's default profile
 * blocks that matters to a container's escape or to the host. */
#ifndef MOCKER_SECCOMP_H
#define MOCKER_SECCOMP_H

/* Loads the filter (no_new_privs or CAP_SYS_ADMIN needed). 0 or -1. */
int seccomp_load_default(void);

#endif
