/* Small whole-file reads and writes, for /proc and cgroup files. */
#ifndef MOCKER_FILE_H
#define MOCKER_FILE_H

#include <sys/types.h>

/* Writes text to DIR/NAME (dir may be NULL: name is the path) in one
 * write(2), as control files want. 0, or -1 with errno. */
int file_write(const char *dir, const char *name, const char *text);

/* Reads at most size-1 bytes of DIR/NAME into buf, NUL-terminated; the
 * length, or -1 with errno. */
ssize_t file_read(const char *dir, const char *name, char *buf, size_t size);

#endif
