/* The container's network: with --net none, a namespace of its own whose
 * loopback is up. */
#ifndef MOCKER_NET_H
#define MOCKER_NET_H

int net_loopback_up(void);

#endif
