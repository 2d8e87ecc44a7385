/* Directory listing with getdents64: opendir would allocate. */
#ifndef MOCKER_COMMON_DIRSCAN_H
#define MOCKER_COMMON_DIRSCAN_H

/* Calls fn(name, d_type, ctx) for each entry of the open directory dirfd,
 * "." and ".." included, until fn returns non-zero (which is returned).
 * -1 with errno on a read error. */
int dir_each(int dirfd, int (*fn)(const char *name, unsigned char type, void *ctx),
             void *ctx);

#endif
