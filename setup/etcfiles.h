/*
 * The container's /etc/hosts, /etc/hostname and /etc/resolv.conf, as
 * Docker gives them: written on the container's /dev tmpfs and bound over
 * the image's files (made, empty, where the image has none), so the
 * image's own are never changed.
 */
#ifndef MOCKER_ETCFILES_H
#define MOCKER_ETCFILES_H

#include "config.h"

/* Writes and binds the three files inside rootfd, through devfd
 * (nameserver: --net private's, NULL for pasta's). 0, or -1 with errno and
 * *why. */
int etc_files(int rootfd, int devfd, const struct config *c, const char *hostname,
              const char *nameserver, const char **why);

#endif
