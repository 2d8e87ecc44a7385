#include <errno.h>
#include <linux/if_link.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netlink.h"

struct req {
	struct nlmsghdr h;
	char body[1024];
};

static void *
tail(struct req *r)
{
	return (char *)r + NLMSG_ALIGN(r->h.nlmsg_len);
}

static struct rtattr *
attr(struct req *r, unsigned short type, const void *data, size_t len)
{
	struct rtattr *a = tail(r);

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy((char *)a + RTA_LENGTH(0), data, len);
	r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
	return a;
}

static struct rtattr *
nest(struct req *r, unsigned short type)
{
	return attr(r, type, NULL, 0);
}

static void
nest_end(struct req *r, struct rtattr *a)
{
	a->rta_len = (unsigned short)((char *)tail(r) - (char *)a);
}

static void *
begin(struct req *r, unsigned short type, unsigned short flags, size_t hdr)
{
	memset(r, 0, sizeof *r);
	r->h.nlmsg_len = (unsigned)NLMSG_LENGTH(hdr);
	r->h.nlmsg_type = type;
	r->h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	return NLMSG_DATA(&r->h);
}

/* Sends the request, reads the kernel's acknowledgement. */
static int
talk(int nl, struct req *r)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	char buf[4096];
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	ssize_t n;

	if (sendto(nl, r, r->h.nlmsg_len, 0, (struct sockaddr *)&to, sizeof to) < 0)
		return -1;
	do
		n = recv(nl, buf, sizeof buf, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if (!NLMSG_OK(h, (unsigned)n) || h->nlmsg_type != NLMSG_ERROR) {
		errno = EPROTO;
		return -1;
	}
	if (((struct nlmsgerr *)NLMSG_DATA(h))->error) {
		errno = -((struct nlmsgerr *)NLMSG_DATA(h))->error;
		return -1;
	}
	return 0;
}

int
nl_open(void)
{
	struct sockaddr_nl me = { .nl_family = AF_NETLINK };
	int nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (nl >= 0 && bind(nl, (struct sockaddr *)&me, sizeof me) < 0) {
		int err = errno;
		close(nl);
		errno = err;
		return -1;
	}
	return nl;
}

int
nl_bridge_add(int nl, const char *name)
{
	struct req r;
	struct rtattr *info;

	begin(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifinfomsg));
	attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
	info = nest(&r, IFLA_LINKINFO);
	attr(&r, IFLA_INFO_KIND, "bridge", 6);
	nest_end(&r, info);
	return talk(nl, &r);
}

int
nl_veth_add(int nl, const char *name, int master, const char *peer, int netns_fd)
{
	struct req r;
	struct rtattr *info, *data, *end;
	struct ifinfomsg *pi;
	unsigned m = (unsigned)master;

	begin(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifinfomsg));
	attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
	if (master)
		attr(&r, IFLA_MASTER, &m, sizeof m);
	info = nest(&r, IFLA_LINKINFO);
	attr(&r, IFLA_INFO_KIND, "veth", 4);
	data = nest(&r, IFLA_INFO_DATA);
	end = nest(&r, VETH_INFO_PEER);
	/* the peer: an ifinfomsg, then its own attributes */
	pi = tail(&r);
	memset(pi, 0, sizeof *pi);
	r.h.nlmsg_len += (unsigned)NLMSG_ALIGN(sizeof *pi);
	attr(&r, IFLA_IFNAME, peer, strlen(peer) + 1);
	attr(&r, IFLA_NET_NS_FD, &netns_fd, sizeof netns_fd);
	nest_end(&r, end);
	nest_end(&r, data);
	nest_end(&r, info);
	return talk(nl, &r);
}

int
nl_link_up(int nl, int index)
{
	struct req r;
	struct ifinfomsg *i = begin(&r, RTM_NEWLINK, 0, sizeof *i);

	i->ifi_family = AF_UNSPEC;
	i->ifi_index = index;
	i->ifi_flags = IFF_UP;
	i->ifi_change = IFF_UP;
	return talk(nl, &r);
}

int
nl_addr_add(int nl, int index, uint32_t ip, int prefix)
{
	struct req r;
	struct ifaddrmsg *a = begin(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof *a);

	a->ifa_family = AF_INET;
	a->ifa_prefixlen = (unsigned char)prefix;
	a->ifa_index = (unsigned)index;
	attr(&r, IFA_LOCAL, &ip, sizeof ip);
	attr(&r, IFA_ADDRESS, &ip, sizeof ip);
	return talk(nl, &r);
}

int
nl_route_default(int nl, uint32_t gw)
{
	struct req r;
	struct rtmsg *m = begin(&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof *m);

	m->rtm_family = AF_INET;
	m->rtm_table = RT_TABLE_MAIN;
	m->rtm_protocol = RTPROT_BOOT;
	m->rtm_scope = RT_SCOPE_UNIVERSE;
	m->rtm_type = RTN_UNICAST;
	attr(&r, RTA_GATEWAY, &gw, sizeof gw);
	return talk(nl, &r);
}

int
nl_nft_table_exists(const char *name)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	char buf[8192];
	struct req r;
	struct nfgenmsg *g;
	ssize_t n;
	int nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER), found = 0;

	if (nl < 0)
		return -1;
	g = begin(&r, (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETTABLE, 0, sizeof *g);
	g->nfgen_family = 2; /* NFPROTO_IPV4 */
	g->version = NFNETLINK_V0;
	attr(&r, NFTA_TABLE_NAME, name, strlen(name) + 1);
	if (sendto(nl, &r, r.h.nlmsg_len, 0, (struct sockaddr *)&to, sizeof to) < 0)
		goto out;
	/* the table (a NEWTABLE message) if there is one, then the answer */
	for (;;) {
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		do
			n = recv(nl, buf, sizeof buf, 0);
		while (n < 0 && errno == EINTR);
		if (n <= 0)
			goto out;
		for (; NLMSG_OK(h, (unsigned)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				int e = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
				close(nl);
				if (e && e != -ENOENT) {
					errno = -e;
					return -1;
				}
				return found;
			}
			if (h->nlmsg_type == ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWTABLE))
				found = 1;
		}
	}
out:
	close(nl);
	return -1;
}
