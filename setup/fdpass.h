/* Descriptors between the launcher and the container's first process, over
 * their socket pair (SCM_RIGHTS), with a byte that says what they are. */
#ifndef MOCKER_FDPASS_H
#define MOCKER_FDPASS_H

#include <stddef.h>

#define FDPASS_MAX 64

/* Sends byte and n descriptors (n may be 0). 0, or -1 with errno. */
int fdpass_send(int sock, char byte, const int *fds, size_t n);

/* Receives a byte and up to max descriptors (close-on-exec) into fds; the
 * number received, or -1 (EOF: errno 0). *byte is set. */
int fdpass_recv(int sock, char *byte, int *fds, size_t max);

#endif
