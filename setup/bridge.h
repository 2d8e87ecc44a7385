/*
 * --net private as root: Docker's design, made by mocker through netlink
 * and nft. A host bridge, mocker0, 10.90.0.1/16; each container a veth
 * pair, its end eth0 with an address of the bridge's network leased to it
 * (a file in /run/mocker-net/, made with O_EXCL: two runs never take one);
 * outbound traffic masqueraded, published ports DNAT'd, by the rules of an
 * nftables table of mocker's own (ip mocker), whose maps hold each
 * container's ports. What a container adds it removes when it ends; its
 * veth pair ends with its network namespace. docs/network.md says why.
 */
#ifndef MOCKER_BRIDGE_H
#define MOCKER_BRIDGE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"

#define BRIDGE_NAME   "mocker0"
#define BRIDGE_GW     "10.90.0.1"
#define BRIDGE_PREFIX 16
#define BRIDGE_LEASES "/run/mocker-net"

struct bridge_lease {
	uint32_t ip;              /* network order; 0: none */
	char path[64];            /* its lease file */
	char nameserver[48];      /* for its resolv.conf */
	char dns_target[48];      /* a loopback resolver of the host's, DNAT'd */
	char id[80];              /* its container's */
	char nft_add[8192];       /* its rules; "" when none */
	char nft_delete[16384];   /* what undoes them, each element only if it
	                           * is still this container's; "" when none */
	char nft[64];             /* nft's path */
};

/* Before the container (id) is made: the bridge and its rules, an
 * address, and its nameserver. 0, or -1 with msg. */
int bridge_lease_take(struct bridge_lease *l, const char *id, char *msg, size_t size);

/* Once the container (pid) has its network namespace: its veth pair,
 * named after id, and its ports' rules made (nft_add, nft_delete), not
 * added. 0, or -1 with msg. */
int bridge_connect(struct bridge_lease *l, const struct config *c, pid_t pid, const char *id,
                   char *msg, size_t size);

/* Its ports' rules added, in one transaction (once the watcher knows how
 * to undo them). 0, or -1 with msg. */
int bridge_publish(struct bridge_lease *l, char *msg, size_t size);

/* Its rules removed, its address given back. */
void bridge_release(struct bridge_lease *l);

#endif
