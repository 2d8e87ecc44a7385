/*
 * The container's init, as a sealed copy in memory (memfd) rather than the
 * host's file: whatever the container does with its PID 1's executable
 * (/proc/1/exe, with --cap-add SYS_ADMIN or after mocker has exited), it
 * reaches this copy, which nothing can write, never the host's mocker-init
 * or mocker (CVE-2019-5736). Made on the host, before any namespace.
 */
#ifndef MOCKER_INITFD_H
#define MOCKER_INITFD_H

/* A sealed, close-on-exec memfd holding a copy of the executable at path;
 * -1 with errno. *ours is set when it is a mocker-init that takes the
 * signal handshake (its marker is in it). */
int initfd_copy(const char *path, int *ours);

/* 1 when the file at fd (an O_PATH descriptor of a regular file) holds
 * exactly what the memfd holds, 0 when not or when it cannot be read. */
int initfd_same(int memfd, int fd);

/* 1 when the file at fd (O_PATH, regular) carries mocker-init's marker. */
int initfd_is_mocker_init(int fd);

#endif
