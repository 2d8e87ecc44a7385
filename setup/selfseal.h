/*
 * mocker as a sealed copy of itself. Where a clone of the launcher enters
 * namespaces that already hold the container's processes (exec), or waits
 * in its own until someone says start (OCI create), a process there with
 * CAP_SYS_PTRACE could open /proc/PID/exe: the host's mocker, writable
 * once nothing runs it (runc's CVE-2019-5736). Those commands run again
 * from a sealed memfd copy first, as runc does: /proc/PID/exe is then a
 * file nobody can write.
 */
#ifndef MOCKER_SELFSEAL_H
#define MOCKER_SELFSEAL_H

/* Executes a sealed copy of /proc/self/exe with argv and the environment
 * (MOCKER_SELF=its path added), unless this already is one; returns only
 * when it is. Exits 125 with one line when the copy cannot be made. */
void self_seal(char **argv);

/* The path of mocker's file, sealed copy or not. 0, or -1. */
int self_path(char *buf, size_t size);

#endif
