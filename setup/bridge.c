#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bridge.h"
#include "ctrstate.h"
#include "file.h"
#include "netlink.h"
#include "nft.h"

#define LEASE_TRIES 64

/* mocker's table: made or mended without touching the maps' elements
 * (other containers' ports), in one transaction. */
static const char table[] =
	"add table ip mocker\n"
	"add map ip mocker tcp_any { type inet_service : ipv4_addr . inet_service; }\n"
	"add map ip mocker udp_any { type inet_service : ipv4_addr . inet_service; }\n"
	"add map ip mocker tcp_at { type ipv4_addr . inet_service : ipv4_addr . inet_service; }\n"
	"add map ip mocker udp_at { type ipv4_addr . inet_service : ipv4_addr . inet_service; }\n"
	"add map ip mocker dns { type ipv4_addr : ipv4_addr . inet_service; }\n"
	"add chain ip mocker published\n"
	"flush chain ip mocker published\n"
	/* an address of the host's given: that one first */
	"add rule ip mocker published meta l4proto tcp dnat ip to ip daddr . tcp dport map @tcp_at\n"
	"add rule ip mocker published meta l4proto udp dnat ip to ip daddr . udp dport map @udp_at\n"
	"add rule ip mocker published meta l4proto tcp dnat ip to tcp dport map @tcp_any\n"
	"add rule ip mocker published meta l4proto udp dnat ip to udp dport map @udp_any\n"
	/* route_localnet lets the host's own 127.0.0.1 reach a container; a
	 * container must not reach the host's loopback with it, by a frame
	 * sent to the bridge for 127.0.0.1 (CVE-2020-8558): dropped before any
	 * DNAT, where the address is the one it wrote */
	"add chain ip mocker guard { type filter hook prerouting priority -150; policy accept; }\n"
	"flush chain ip mocker guard\n"
	"add rule ip mocker guard iifname \"" BRIDGE_NAME "\" ip daddr 127.0.0.0/8 drop\n"
	/* nor pass for another source (a loopback one, to the host's services) */
	"add rule ip mocker guard iifname \"" BRIDGE_NAME "\" ip saddr != 10.90.0.0/16 drop\n"
	/* from elsewhere, only what a container asked for or published: no
	 * neighbour routes into 10.90.0.0/16 */
	"add chain ip mocker forward { type filter hook forward priority filter; policy accept; }\n"
	"flush chain ip mocker forward\n"
	"add rule ip mocker forward oifname \"" BRIDGE_NAME "\" iifname \"" BRIDGE_NAME "\" accept\n"
	"add rule ip mocker forward oifname \"" BRIDGE_NAME "\" ct state established,related accept\n"
	"add rule ip mocker forward oifname \"" BRIDGE_NAME "\" ct status dnat accept\n"
	"add rule ip mocker forward oifname \"" BRIDGE_NAME "\" drop\n"
	"add chain ip mocker prerouting { type nat hook prerouting priority dstnat; policy accept; }\n"
	"flush chain ip mocker prerouting\n"
	/* a container's DNS, where the host's resolver is on its loopback */
	"add rule ip mocker prerouting iifname \"" BRIDGE_NAME "\" ip daddr " BRIDGE_GW
	" meta l4proto { tcp, udp } th dport 53 dnat ip to ip saddr map @dns\n"
	"add rule ip mocker prerouting fib daddr type local jump published\n"
	"add chain ip mocker output { type nat hook output priority -100; policy accept; }\n"
	"flush chain ip mocker output\n"
	"add rule ip mocker output fib daddr type local jump published\n"
	"add chain ip mocker postrouting { type nat hook postrouting priority srcnat; policy accept; }\n"
	"flush chain ip mocker postrouting\n"
	"add rule ip mocker postrouting ip saddr 10.90.0.0/16 oifname != \"" BRIDGE_NAME
	"\" masquerade\n"
	/* the host's own connections to a published port, from its loopback */
	"add rule ip mocker postrouting oifname \"" BRIDGE_NAME "\" ip saddr 127.0.0.0/8 masquerade\n";

/* Forwarding mocker turned on is for mocker0 only: the host does not
 * become a router between its other interfaces. */
static const char only_ours[] =
	"add rule ip mocker forward iifname != \"" BRIDGE_NAME "\" oifname != \"" BRIDGE_NAME
	"\" drop\n";

static int
sysctl_on(const char *path)
{
	char v[4] = "";

	if (file_read(NULL, path, v, sizeof v) > 0 && v[0] == '1')
		return 0;
	return file_write(NULL, path, "1");
}

/* The table, made or mended: with only_ours when it was mocker that
 * turned forwarding on (a mark in the leases' directory says so). */
static int
install_table(const char *nft, char *msg, size_t size)
{
	static char script[sizeof table + sizeof only_ours];

	snprintf(script, sizeof script, "%s%s", table,
	         access(BRIDGE_LEASES "/.forwarding", F_OK) == 0 ? only_ours : "");
	return nft_run(nft, script, msg, size);
}

/* net.ipv4.ip_forward on; if it was off, marked as mocker's doing. */
static int
forwarding_on(void)
{
	char v[4] = "";
	int fd;

	if (file_read(NULL, "/proc/sys/net/ipv4/ip_forward", v, sizeof v) > 0 && v[0] == '1')
		return 0;
	if ((fd = open(BRIDGE_LEASES "/.forwarding", O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) >= 0)
		close(fd);
	return file_write(NULL, "/proc/sys/net/ipv4/ip_forward", "1");
}

/* mocker0, up, with the gateway's address and no IPv6 (a container's
 * router advertisements are nobody's routes); forwarding on, loopback
 * sources allowed on it (published ports reached from 127.0.0.1, which
 * the table's guard keeps from being a way in); the table. */
static int
bridge_ensure(char *msg, size_t size)
{
	uint32_t gw;
	int nl, index, made = 0, ret = -1;

	msg[0] = 0;
	inet_pton(AF_INET, BRIDGE_GW, &gw);
	if ((nl = nl_open()) < 0) {
		snprintf(msg, size, "netlink: %s", strerror(errno));
		return -1;
	}
	if (!(index = (int)if_nametoindex(BRIDGE_NAME))) {
		if (nl_bridge_add(nl, BRIDGE_NAME) == 0)
			made = 1;
		else if (errno != EEXIST) {
			snprintf(msg, size, "cannot make the bridge %s: %s (--net pasta needs none)",
			         BRIDGE_NAME, strerror(errno));
			goto out;
		}
		index = (int)if_nametoindex(BRIDGE_NAME);
	}
	if ((nl_addr_add(nl, index, gw, BRIDGE_PREFIX) < 0 && errno != EEXIST) ||
	    nl_link_up(nl, index) < 0) {
		snprintf(msg, size, "cannot set up the bridge %s: %s", BRIDGE_NAME, strerror(errno));
		goto out;
	}
	if ((sysctl_on("/proc/sys/net/ipv6/conf/" BRIDGE_NAME "/disable_ipv6") < 0 &&
	     errno != ENOENT) || forwarding_on() < 0 ||
	    sysctl_on("/proc/sys/net/ipv4/conf/" BRIDGE_NAME "/route_localnet") < 0) {
		snprintf(msg, size, "cannot set up forwarding: %s", strerror(errno));
		goto out;
	}
	/* the table, when the bridge is new or the table is gone (a firewall
	 * reload flushes the ruleset): asked of nf_tables, no nft to run */
	if ((made || nl_nft_table_exists("mocker") != 1) &&
	    install_table(nft_path(), msg, size) < 0)
		goto out;
	ret = 0;
out:
	close(nl);
	return ret;
}

/* Whether the lease text held names a holder still alive, or a container
 * whose veth pair is still there (its holder killed, the container not yet
 * ended). */
static int
lease_held(const char *held)
{
	char id[80], name[IFNAMSIZ];
	unsigned long long start = 0;
	int pid = 0;

	if (sscanf(held, "%d %llu %79s", &pid, &start, id) != 3)
		return 1; /* being written */
	snprintf(name, sizeof name, "mk%.12s", id);
	return ctr_alive(pid, start) || if_nametoindex(name) != 0;
}

/* An address no other container holds: a lease file, made with O_EXCL,
 * naming its holder (pid and start time) and its container; one whose
 * holder and container are gone is taken over. */
static int
lease(struct bridge_lease *l, const char *id)
{
	char own[160], held[160];
	unsigned short r;
	unsigned k;
	int fd, t, stale;

	if (getrandom(&r, sizeof r, 0) != sizeof r)
		r = (unsigned short)getpid();
	snprintf(own, sizeof own, "%d %llu %s\n", (int)getpid(), proc_start_time(getpid()), id);
	for (t = 0; t < LEASE_TRIES; t++) {
		k = 2 + (r + (unsigned)t) % 65532; /* not .0.0, .0.1 (the gateway), the broadcast */
		snprintf(l->path, sizeof l->path, "%s/10.90.%u.%u", BRIDGE_LEASES, k >> 8, k & 255);
		for (stale = 0; stale < 2; stale++) {
			if ((fd = open(l->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) >= 0) {
				write_all(fd, own, strlen(own));
				close(fd);
				l->ip = htonl(0x0a5a0000U | k);
				return 0;
			}
			if (errno != EEXIST)
				return -1;
			/* taken over, once, when its holder and container are gone */
			if (stale || file_read(NULL, l->path, held, sizeof held) <= 0 ||
			    lease_held(held) || unlink(l->path) < 0)
				break;
		}
	}
	errno = EADDRNOTAVAIL;
	return -1;
}

/* The host's resolver, as a container reaches it: an IPv4 one of the
 * host's resolv.conf, through the NAT; a loopback one through the
 * gateway, DNAT'd to it. */
static void
choose_nameserver(struct bridge_lease *l)
{
	char buf[4096], *line, *save = NULL, ip[48];

	snprintf(l->nameserver, sizeof l->nameserver, "%s", BRIDGE_GW);
	l->dns_target[0] = 0;
	if (file_read(NULL, "/etc/resolv.conf", buf, sizeof buf) <= 0)
		return;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct in_addr a;
		if (sscanf(line, " nameserver %47s", ip) != 1 || inet_pton(AF_INET, ip, &a) != 1)
			continue;
		if ((ntohl(a.s_addr) >> 24) != 127) {
			snprintf(l->nameserver, sizeof l->nameserver, "%s", ip);
			l->dns_target[0] = 0;
			return;
		}
		if (!l->dns_target[0])
			snprintf(l->dns_target, sizeof l->dns_target, "%s", ip);
	}
}

int
bridge_lease_take(struct bridge_lease *l, const char *id, char *msg, size_t size)
{
	int lock, ret = -1;

	memset(l, 0, sizeof *l);
	snprintf(l->nft, sizeof l->nft, "%s", nft_path());
	snprintf(l->id, sizeof l->id, "%s", id);
	/* one run at a time sets up and leases (a takeover read by two) */
	if ((mkdir(BRIDGE_LEASES, 0700) < 0 && errno != EEXIST) ||
	    (lock = open(BRIDGE_LEASES "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
		snprintf(msg, size, "%s: %s", BRIDGE_LEASES, strerror(errno));
		return -1;
	}
	while (flock(lock, LOCK_EX) < 0 && errno == EINTR)
		;
	if (bridge_ensure(msg, size) == 0) {
		if (lease(l, id) == 0)
			ret = 0;
		else
			snprintf(msg, size, "no address free in %s: %s", BRIDGE_LEASES, strerror(errno));
	}
	close(lock);
	if (ret == 0)
		choose_nameserver(l);
	return ret;
}

/* "add element ..." and its undoing, for each port of each -p. */
static int
port_rules(struct bridge_lease *l, const struct config *c, char *add, size_t size, char *msg,
           size_t msize)
{
	char ip[INET_ADDRSTRLEN];
	size_t n = 0, d = 0;
	unsigned k;
	int i;

	inet_ntop(AF_INET, &l->ip, ip, sizeof ip);
	add[0] = l->nft_delete[0] = 0;
	for (i = 0; i < c->npublish; i++) {
		const struct publish *p = &c->publish[i];
		const char *proto = p->udp ? "udp" : "tcp";
		for (k = 0; k < p->count && n < size && d < sizeof l->nft_delete; k++) {
			if (p->ip[0]) {
				n += (size_t)snprintf(add + n, size - n,
				                      "add element ip mocker %s_at { %s . %u : %s . %u }\n",
				                      proto, p->ip, p->host + k, ip, p->ctr + k);
				d += (size_t)snprintf(l->nft_delete + d, sizeof l->nft_delete - d,
				                      "add element ip mocker %s_at { %s . %u : %s . %u }\n"
				                      "delete element ip mocker %s_at { %s . %u }\n", proto,
				                      p->ip, p->host + k, ip, p->ctr + k, proto, p->ip,
				                      p->host + k);
			} else {
				n += (size_t)snprintf(add + n, size - n,
				                      "add element ip mocker %s_any { %u : %s . %u }\n",
				                      proto, p->host + k, ip, p->ctr + k);
				d += (size_t)snprintf(l->nft_delete + d, sizeof l->nft_delete - d,
				                      "add element ip mocker %s_any { %u : %s . %u }\n"
				                      "delete element ip mocker %s_any { %u }\n", proto,
				                      p->host + k, ip, p->ctr + k, proto, p->host + k);
			}
		}
	}
	if (l->dns_target[0] && !c->ndns && n < size && d < sizeof l->nft_delete) {
		n += (size_t)snprintf(add + n, size - n, "add element ip mocker dns { %s : %s . 53 }\n",
		                      ip, l->dns_target);
		d += (size_t)snprintf(l->nft_delete + d, sizeof l->nft_delete - d,
		                      "add element ip mocker dns { %s : %s . 53 }\n"
		                      "delete element ip mocker dns { %s }\n", ip, l->dns_target, ip);
	}
	if (n >= size || d >= sizeof l->nft_delete) {
		snprintf(msg, msize, "too many ports published");
		l->nft_delete[0] = 0;
		return -1;
	}
	return 0;
}

int
bridge_connect(struct bridge_lease *l, const struct config *c, pid_t pid, const char *id,
               char *msg, size_t size)
{
	char path[64], name[IFNAMSIZ];
	int nl = -1, ns = -1, ret = -1, index;

	snprintf(path, sizeof path, "/proc/%d/ns/net", (int)pid);
	snprintf(name, sizeof name, "mk%.12s", id);
	if ((ns = open(path, O_RDONLY | O_CLOEXEC)) < 0 || (nl = nl_open()) < 0 ||
	    nl_veth_add(nl, name, (int)if_nametoindex(BRIDGE_NAME), "eth0", ns) < 0 ||
	    !(index = (int)if_nametoindex(name)) || nl_link_up(nl, index) < 0) {
		snprintf(msg, size, "cannot make its veth pair %s: %s", name, strerror(errno));
		goto out;
	}
	if (port_rules(l, c, l->nft_add, sizeof l->nft_add, msg, size) < 0)
		goto out;
	ret = 0;
out:
	if (nl >= 0)
		close(nl);
	if (ns >= 0)
		close(ns);
	return ret;
}

int
bridge_publish(struct bridge_lease *l, char *msg, size_t size)
{
	if (!l->nft_add[0] || nft_run(l->nft, l->nft_add, msg, size) == 0)
		return 0;
	/* mocker's table gone (nft flush ruleset): made again, once */
	if (strstr(msg, "No such file") && install_table(l->nft, msg, size) == 0 &&
	    nft_run(l->nft, l->nft_add, msg, size) == 0)
		return 0;
	if (strstr(msg, "File exists"))
		snprintf(msg, size, "a host port of it is published by another container already");
	l->nft_delete[0] = 0; /* one transaction: nothing of it was added */
	return -1;
}

void
bridge_release(struct bridge_lease *l)
{
	char msg[256];

	if (l->nft_delete[0])
		nft_run(l->nft, l->nft_delete, msg, sizeof msg);
	l->nft_delete[0] = 0;
	if (l->path[0])
		unlink(l->path);
	l->path[0] = 0;
	l->ip = 0;
}
