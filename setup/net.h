/* The container's network: with --net none, a namespace of its own whose
 * loopback is up. */
#ifndef MOCKER_NET_H
#define MOCKER_NET_H

#include <stdint.h>

int net_loopback_up(void);

/* --net private as root, in the container: eth0 gets ip (network order)
 * /prefix, up, and the default route through gw. */
int net_configure(uint32_t ip, int prefix, uint32_t gw);

#endif
