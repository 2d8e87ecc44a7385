/*
 * --net private: the container's network namespace is connected to the
 * host's network by pasta (Debian package passt), the user-mode network
 * stack Podman uses, for root and rootless alike (docs/network.md says
 * why). pasta gives the namespace an interface with the host's addresses
 * and routes, forwards its connections through the host's sockets, maps
 * the gateway address to the host itself (a server on the host's
 * loopback is reached there), forwards DNS sent to PASTA_DNS to the
 * host's resolver, and binds the published ports (-p) on the host.
 *
 * pasta is mocker's child, in the foreground, with SIGKILL as its
 * parent-death signal: however mocker (or a detached container's
 * monitor) ends, pasta ends with it, and the ports with it.
 */
#ifndef MOCKER_PASTA_H
#define MOCKER_PASTA_H

#include <stddef.h>
#include <sys/types.h>

#include "config.h"

/* Where the container's /etc/resolv.conf points (as Podman's). */
#define PASTA_DNS "169.254.1.1"

/* Starts pasta for the network namespace of process pid (joining its user
 * namespace first when userns), with c's published ports; returns once
 * the interface is configured and the ports are bound: pasta's pid, or -1
 * with errno and, in msg, what pasta said. */
pid_t pasta_start(const struct config *c, pid_t pid, int userns, char *msg, size_t size);

/* Ends pasta and reaps it: its ports are free when it returns. */
void pasta_stop(pid_t pasta);

#endif
