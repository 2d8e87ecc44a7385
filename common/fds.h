/* The init's own copies of inherited descriptors. */
#ifndef MOCKER_COMMON_FDS_H
#define MOCKER_COMMON_FDS_H

/* Closes every descriptor >= lowest but keep (-1: none), through
 * close_range, or one by one from /proc/self/fd on kernels without it. */
void fds_close_from(int lowest, int keep);

#endif
