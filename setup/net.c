#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "file.h"

#include "net.h"
#include "netlink.h"

int
net_loopback_up(void)
{
	struct ifreq ifr;
	int fd, ret = -1;

	/* An ioctl does it in two calls; netlink would need a message dance. */
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return ret;
}

int
net_configure(uint32_t ip, int prefix, uint32_t gw)
{
	int nl = nl_open(), index = (int)if_nametoindex("eth0"), ret = -1;

	/* IPv4 only: no router advertisement of another container's taken */
	if (file_write(NULL, "/proc/sys/net/ipv6/conf/eth0/disable_ipv6", "1") < 0 &&
	    errno != ENOENT)
		goto out;
	if (nl >= 0 && index > 0 && nl_addr_add(nl, index, ip, prefix) == 0 &&
	    nl_link_up(nl, index) == 0 && nl_route_default(nl, gw) == 0)
		ret = 0;
out:
	if (nl >= 0)
		close_keep_errno(nl);
	return ret;
}
