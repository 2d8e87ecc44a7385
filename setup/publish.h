/*
 * -p, --publish: a container's ports on the host's, as Docker writes them:
 * [HOST_IP:][HOST_PORT[-END]]:CTR_PORT[-END][/tcp|/udp], or CTR_PORT[-END]
 * alone (a free host port for each, picked when the run starts). The host
 * address is all of them (0.0.0.0, and IPv6's) unless given; an IPv6 one
 * is written in brackets.
 */
#ifndef MOCKER_PUBLISH_H
#define MOCKER_PUBLISH_H

#include <stddef.h>

#include "config.h"

/* Parses one -p into c (exits 125 on bad input, quoting it). */
void opt_publish(struct config *c, const char *spec);

/* On the host, before anything is made: each host port is free (else -1
 * with errno EADDRINUSE, or EACCES, and *bad the -p in question, *port
 * the port), the free ones for a -p without a host port are picked. */
int publish_reserve(struct config *c, const struct publish **bad, unsigned *port);

/* "0.0.0.0:8080->80/tcp, ..." (Docker's ps PORTS) into buf. */
void publish_describe(const struct config *c, char *buf, size_t size);

#endif
