/*
 * The namespace setup a launcher normally does, done by the init itself when
 * the launcher did not (plain unshare/chroot wrappers): /proc and hostname.
 * When the work is already done (mocker run, Docker, Podman, crun, runc) it
 * finds /proc in place and leaves it alone.
 */
#ifndef MOCKER_INIT_NSSETUP_H
#define MOCKER_INIT_NSSETUP_H

/* Mounts /proc when we are PID 1 and /proc is not this PID namespace's
 * procfs, always from a mount namespace of our own made MS_SLAVE|MS_REC so
 * the mount never reaches the caller's. 0 ok or nothing to do, -1 error
 * (with *why set to what failed, errno kept). */
int nssetup_proc(const char **why);

/* Sets the hostname in a UTS namespace of our own: the caller's hostname
 * never changes. -1 on error with *why set. */
int nssetup_hostname(const char *name, const char **why);

#endif
