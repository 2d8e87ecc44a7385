/*
 * rtnetlink, the few requests mocker makes itself: a bridge, a veth pair
 * with one end in another network namespace, links up, an IPv4 address, a
 * default route. Each takes a NETLINK_ROUTE socket of the namespace it
 * acts in; 0, or -1 with errno (the kernel's answer).
 */
#ifndef MOCKER_NETLINK_H
#define MOCKER_NETLINK_H

#include <stdint.h>

int nl_open(void);

/* A bridge (EEXIST when there is one of that name). */
int nl_bridge_add(int nl, const char *name);

/* A veth pair: name here, enslaved to master (an index, 0: none); peer in
 * the network namespace netns_fd. */
int nl_veth_add(int nl, const char *name, int master, const char *peer, int netns_fd);

int nl_link_up(int nl, int index);

/* ip (network order)/prefix on the link (EEXIST when it has it). */
int nl_addr_add(int nl, int index, uint32_t ip, int prefix);

/* The default route through gw (network order). */
int nl_route_default(int nl, uint32_t gw);

/* Whether nftables has the ip table name: 1, 0, or -1 with errno (it
 * asks nf_tables through nfnetlink: no nft to run). */
int nl_nft_table_exists(const char *name);

#endif
